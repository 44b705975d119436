// Builds the CDK app: the stack for one stage, checked by cdk-nag's AwsSolutions pack. bin/app.ts calls it for the
// CLI; the infra tests call it directly (with cdk.json's context, see `cdkJsonContext`).

import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MicroloanStack } from './microloan-stack';
import type { SmsProviderSettings } from './notifications';
import { lenderTimeZone } from './context';

export interface BuildAppOptions {
  /** Context values (as in cdk.json); the CLI passes cdk.json's context itself. */
  readonly context?: Record<string, unknown>;
  /** Where the cloud assembly goes. @default the CLI's outdir, or a temporary directory */
  readonly outdir?: string;
  /** Run cdk-nag's AwsSolutions checks at synth. @default true */
  readonly nag?: boolean;
}

export interface BuiltApp {
  readonly app: App;
  readonly stack: MicroloanStack;
}

export { cdkJsonContext } from './context';

export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const app = new App({ context: options.context, outdir: options.outdir });

  const stage = stringContext(app, 'microloan:stage', 'dev');
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new Error(`microloan:stage must be lowercase letters, digits and dashes (at most 20), got '${stage}'`);
  }
  const featurePlan = stringContext(app, 'microloan:cognitoFeaturePlan', 'default');
  if (featurePlan !== 'default' && featurePlan !== 'plus') {
    throw new Error(`microloan:cognitoFeaturePlan must be 'default' or 'plus', got '${featurePlan}'`);
  }

  const par30Raw = stringContext(app, 'microloan:par30AlarmThreshold', '0.05');
  const par30AlarmThreshold = Number(par30Raw);
  if (!/^(0|[1-9]\d*)?\.\d+$/.test(par30Raw.trim()) || !(par30AlarmThreshold > 0 && par30AlarmThreshold < 1)) {
    throw new Error(`microloan:par30AlarmThreshold must be a decimal between 0 and 1 (exclusive) such as '0.05', got '${par30Raw}'`);
  }

  const smsProvider = smsProviderSettings(app);

  const stack = new MicroloanStack(app, `Microloan-${stage}`, {
    stage,
    description: `Microloan Approval (${stage}): loan intake, assessment, review, disbursement and servicing`,
    opsEmail: stringContext(app, 'microloan:opsEmail', ''),
    bureau: {
      baseUrl: stringContext(app, 'microloan:bureauBaseUrl', ''),
      apiKeySecretArn: stringContext(app, 'microloan:bureauApiKeySecretArn', ''),
    },
    coreBanking: {
      baseUrl: stringContext(app, 'microloan:coreBankingBaseUrl', ''),
      apiKeySecretArn: stringContext(app, 'microloan:coreBankingApiKeySecretArn', ''),
    },
    smsProvider,
    cognitoFeaturePlan: featurePlan,
    timeZone: lenderTimeZone({ 'microloan:timeZone': app.node.tryGetContext('microloan:timeZone') }),
    par30AlarmThreshold,
    ...(stringContext(app, 'microloan:lenderName', '').trim() ? { lenderName: stringContext(app, 'microloan:lenderName', '').trim() } : {}),
  });
  Tags.of(stack).add('project', 'microloan-approval');
  Tags.of(stack).add('stage', stage);

  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/**
 * `microloan:smsProvider`: `sns` (SMS straight through SNS) or `http` (a domestic SMS provider's API, for the China
 * regions where SNS sends no SMS), which needs `microloan:smsProviderBaseUrl` (https) and
 * `microloan:smsProviderApiKeySecretArn` (the complete ARN of the Secrets Manager secret with the API key).
 */
function smsProviderSettings(app: App): SmsProviderSettings {
  const provider = stringContext(app, 'microloan:smsProvider', 'sns').trim();
  const baseUrl = stringContext(app, 'microloan:smsProviderBaseUrl', '').trim();
  const apiKeySecretArn = stringContext(app, 'microloan:smsProviderApiKeySecretArn', '').trim();
  if (provider === 'sns') {
    if (baseUrl || apiKeySecretArn) {
      throw new Error(
        "microloan:smsProviderBaseUrl and microloan:smsProviderApiKeySecretArn are used only with microloan:smsProvider 'http', which is 'sns'; set microloan:smsProvider=http or leave them empty",
      );
    }
    return { provider: 'sns' };
  }
  if (provider !== 'http') throw new Error(`microloan:smsProvider must be 'sns' or 'http', got '${provider}'`);
  if (!baseUrl) throw new Error('microloan:smsProviderBaseUrl is required with microloan:smsProvider=http (the SMS provider\'s https API base URL)');
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || !url.hostname) {
    throw new Error(`microloan:smsProviderBaseUrl must be an https URL such as https://sms.provider.example, got '${baseUrl}'`);
  }
  if (!apiKeySecretArn) {
    throw new Error('microloan:smsProviderApiKeySecretArn is required with microloan:smsProvider=http (the Secrets Manager secret with the API key)');
  }
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/.test(apiKeySecretArn)) {
    throw new Error(
      `microloan:smsProviderApiKeySecretArn must be the complete ARN of a Secrets Manager secret (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), got '${apiKeySecretArn}'`,
    );
  }
  return { provider: 'http', baseUrl, apiKeySecretArn };
}

function stringContext(app: App, key: string, fallback: string): string {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
}
