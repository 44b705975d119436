// The stack with `microloan:smsProvider=http` (the AWS China regions, where SNS sends no SMS): the applicant
// notifiers get the SMS provider's settings and its key, and no SNS SMS (sns:Publish on "*"); the e-mail path through
// the applicant topic stays. The default (`sns`) is covered by stack.test.ts and nag.test.ts.

import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { HandlerName } from '../../functions/shared/routes';
import type { MicroloanStack } from '../../lib/microloan-stack';
import { COMMON_ENVIRONMENT, type HouseFunction } from '../../lib/house-function';
import { actionsOf, buildTestApp, houseFunctions, logicalId, removeAssemblies, rolesAllowing, statementsOfRole, type Resources } from './support';

const BASE_URL = 'https://sms.provider.example';
const KEY_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:microloan/sms-api-key-AbC123';
const HTTP_SMS = { 'microloan:smsProvider': 'http', 'microloan:smsProviderBaseUrl': BASE_URL, 'microloan:smsProviderApiKeySecretArn': KEY_ARN };
// pipeline-record-failure tells an applicant whose payout failed or is late.
const APPLICANT_NOTIFIERS: HandlerName[] = ['pipeline-resume', 'pipeline-decide', 'pipeline-conclude', 'pipeline-prepare-contract', 'pipeline-documents', 'pipeline-disburse', 'pipeline-record-failure', 'overdue-scan', 'review-sla'];

describe('SMS through an SMS provider (microloan:smsProvider=http)', () => {
  let app: App;
  let stack: MicroloanStack;
  let resources: Resources;
  let functions: Map<HandlerName, HouseFunction>;

  beforeAll(() => {
    ({ app, stack } = buildTestApp(HTTP_SMS, { nag: false }));
    resources = Template.fromStack(stack).toJSON().Resources as Resources;
    functions = houseFunctions(stack);
  }, 180_000);

  afterAll(removeAssemblies);

  const fnId = (handler: HandlerName) => logicalId(functions.get(handler)!.node.defaultChild as CfnFunction);
  const roleId = (handler: HandlerName) => logicalId(functions.get(handler)!.executionRole.node.defaultChild as CfnRole);
  const roles = (handlers: HandlerName[]) => handlers.map(roleId).sort();
  const env = (handler: HandlerName): Record<string, unknown> => resources[fnId(handler)]!.Properties!.Environment.Variables;
  /** Roles allowed `action` on exactly this resource. */
  const rolesAllowingOn = (action: string, resource: unknown) =>
    rolesAllowing(resources, action).filter((role) =>
      statementsOfRole(resources, role).some(
        (st) => actionsOf([st]).includes(action) && ([] as unknown[]).concat(st.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource)),
      ),
    );

  test('the applicant notifiers, and only they, get the SMS provider settings beside the applicant topic', () => {
    for (const [handler] of functions) {
      const variables = env(handler);
      if (APPLICANT_NOTIFIERS.includes(handler)) {
        expect(variables).toMatchObject({ SMS_PROVIDER_BASE_URL: BASE_URL, SMS_PROVIDER_API_KEY_SECRET_ARN: KEY_ARN, APPLICANT_TOPIC_ARN: expect.anything() });
      } else {
        expect(Object.keys(variables)).not.toContain('SMS_PROVIDER_BASE_URL');
        expect(Object.keys(variables)).not.toContain('SMS_PROVIDER_API_KEY_SECRET_ARN');
      }
    }
    const own = Object.keys(env('overdue-scan')).filter((k) => !(k in COMMON_ENVIRONMENT) && k !== 'TIME_ZONE').sort();
    expect(own).toEqual(['APPLICANT_TOPIC_ARN', 'OPS_TOPIC_ARN', 'PII_SECRET_ARN', 'SMS_PROVIDER_API_KEY_SECRET_ARN', 'SMS_PROVIDER_BASE_URL', 'TABLE_NAME']);
  });

  test('only the applicant notifiers may read the SMS provider key', () => {
    expect(rolesAllowingOn('secretsmanager:GetSecretValue', KEY_ARN)).toEqual(roles(APPLICANT_NOTIFIERS));
    const readers = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.PolicyDocument).includes(KEY_ARN))
      .flatMap((r) => (r.Properties!.Roles as { Ref: string }[]).map((role) => role.Ref))
      .sort();
    expect(readers).toEqual(roles(APPLICANT_NOTIFIERS));
  });

  test('no role may publish to "*" (no SNS SMS); e-mail still goes through the applicant topic', () => {
    expect(rolesAllowingOn('sns:Publish', '*')).toEqual([]);
    for (const r of Object.values(resources).filter((candidate) => candidate.Type === 'AWS::IAM::Policy')) {
      for (const statement of r.Properties!.PolicyDocument.Statement) {
        if (([] as unknown[]).concat(statement.Resource).includes('*')) expect(actionsOf([statement])).not.toContain('sns:Publish');
      }
    }
    const applicantTopic = { Ref: logicalId(stack.notifications.applicantTopic.node.defaultChild as any) };
    expect(rolesAllowingOn('sns:Publish', applicantTopic)).toEqual(roles(APPLICANT_NOTIFIERS));
  });

  test('passes cdk-nag AwsSolutions with no finding left over', () => {
    app.synth();
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('microloan:smsProvider settings', () => {
  const build = (context: Record<string, unknown>) => () => buildTestApp(context, { nag: false });

  test.each([
    ['an unknown provider', { 'microloan:smsProvider': 'carrier-pigeon' }, /microloan:smsProvider must be 'sns' or 'http', got 'carrier-pigeon'/],
    ['http without a base URL', { ...HTTP_SMS, 'microloan:smsProviderBaseUrl': '' }, /microloan:smsProviderBaseUrl is required/],
    ['http with a plain-http base URL', { ...HTTP_SMS, 'microloan:smsProviderBaseUrl': 'http://sms.provider.example' }, /microloan:smsProviderBaseUrl must be an https URL/],
    ['http with a base URL that is no URL', { ...HTTP_SMS, 'microloan:smsProviderBaseUrl': 'sms.provider.example' }, /microloan:smsProviderBaseUrl must be an https URL/],
    ['http without the key secret', { ...HTTP_SMS, 'microloan:smsProviderApiKeySecretArn': '' }, /microloan:smsProviderApiKeySecretArn is required/],
    ['http with a partial secret ARN', { ...HTTP_SMS, 'microloan:smsProviderApiKeySecretArn': 'arn:aws:secretsmanager:us-east-1:123456789012:secret:sms' }, /microloan:smsProviderApiKeySecretArn must be the complete ARN/],
    ['a base URL while the provider is sns', { 'microloan:smsProviderBaseUrl': BASE_URL }, /microloan:smsProviderBaseUrl .* microloan:smsProvider/],
    ['a provider that is not a string', { 'microloan:smsProvider': 7 }, /microloan:smsProvider must be a string/],
  ])('%s is refused at synth, naming the context key', (_what, context, message) => {
    expect(build(context)).toThrow(message);
  });
});
