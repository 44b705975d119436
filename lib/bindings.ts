// Each binding of functions/shared/bindings.ts as one CDK grant that also sets the binding's settings. Every function
// of the stack is bound from its declaration (lib/function-definitions.ts), once every resource exists: nothing else
// grants a function anything, and a binding whose grant leaves one of its settings unset fails the synth.

import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { BINDINGS, type BindingName } from '../functions/shared/bindings';
import type { FunctionDefinition } from '../functions/shared/function-definition';
import type { Data } from './data';
import type { Documents } from './documents';
import { HouseFunction } from './house-function';
import type { Notifications } from './notifications';
import type { BureauSettings, CoreBankingSettings, Pipeline } from './pipeline';
import { FUNCTION_DEFINITIONS } from './function-definitions';
import type { Construct } from 'constructs';

/** What the bindings grant access to. */
export interface BindingResources {
  readonly table: Table;
  readonly data: Data;
  readonly notifications: Notifications;
  readonly documents: Documents;
  readonly pipeline: Pipeline;
  /** The API's public base URL (review links in e-mails point there). */
  readonly apiUrl: string;
  readonly bureau: BureauSettings;
  readonly coreBanking: CoreBankingSettings;
}

type Grant = (fn: HouseFunction, resources: BindingResources) => void;

export const BINDING_GRANTS: { readonly [B in BindingName]: Grant } = {
  tableRead: (fn, r) => fn.bindTable(r.table, 'read'),
  tableReadWrite: (fn, r) => fn.bindTable(r.table, 'readWrite'),
  pipelineStart: (fn, r) => r.pipeline.grantStartExecution(fn),
  pipelineStop: (fn, r) => r.pipeline.grantStopExecution(fn),
  pipelineTaskTokens: (fn, r) => r.pipeline.grantTaskResponse(fn),
  piiSecret: (fn, r) => r.data.grantPiiSecretRead(fn),
  reviewLinkSecret: (fn, r) => r.data.grantReviewLinkSecretRead(fn),
  publicBaseUrl: (fn, r) => fn.setConfig('PUBLIC_BASE_URL', r.apiUrl),
  repaymentWebhookSecret: (fn, r) => r.data.grantRepaymentWebhookSecretRead(fn),
  applicantMessages: (fn, r) => r.notifications.grantApplicantMessages(fn),
  reviewTopic: (fn, r) => {
    fn.setConfig('REVIEW_TOPIC_ARN', r.notifications.reviewTopic.topicArn);
    r.notifications.grantPublish(r.notifications.reviewTopic, fn);
  },
  reviewTopicSubscribe: (fn, r) => {
    // Adding a reviewer subscribes their e-mail to the review topic with a filter policy on reviewerId.
    fn.setConfig('REVIEW_TOPIC_ARN', r.notifications.reviewTopic.topicArn);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Subscribe'], resources: [r.notifications.reviewTopic.topicArn] }));
  },
  opsTopic: (fn, r) => {
    fn.setConfig('OPS_TOPIC_ARN', r.notifications.opsTopic.topicArn);
    r.notifications.grantPublish(r.notifications.opsTopic, fn);
  },
  documentUploads: (fn, r) => r.documents.grantUpload(fn),
  uploadedFiles: (fn, r) => r.documents.grantUploadedFileCheck(fn),
  contractWrite: (fn, r) => r.documents.grantContractWrite(fn),
  contractRead: (fn, r) => r.documents.grantContractRead(fn),
  bureau: (fn, r) => {
    if (!r.bureau.baseUrl) return; // the sandbox bureau answers (a sandbox or UAT stage)
    if (!r.bureau.apiKeySecretArn) throw new Error('microloan:bureauApiKeySecretArn is required with microloan:bureauBaseUrl');
    fn.setConfig('BUREAU_BASE_URL', r.bureau.baseUrl);
    fn.setConfig('BUREAU_API_KEY_SECRET_ARN', r.bureau.apiKeySecretArn);
    Secret.fromSecretCompleteArn(fn, 'BureauApiKey', r.bureau.apiKeySecretArn).grantRead(fn);
  },
  coreBanking: (fn, r) => {
    if (!r.coreBanking.baseUrl) return; // the sandbox bank answers, its ledger in the table (no money moves)
    if (!r.coreBanking.apiKeySecretArn) throw new Error('microloan:coreBankingApiKeySecretArn is required with microloan:coreBankingBaseUrl');
    fn.setConfig('CORE_BANKING_BASE_URL', r.coreBanking.baseUrl);
    fn.setConfig('CORE_BANKING_API_KEY_SECRET_ARN', r.coreBanking.apiKeySecretArn);
    Secret.fromSecretCompleteArn(fn, 'CoreBankingApiKey', r.coreBanking.apiKeySecretArn).grantRead(fn);
  },
  selfInvoke: (fn) => {
    // Named by its fixed name, not by a reference: the function's own ARN in its role's policy would be a cycle.
    if (!fn.fixedName) throw new Error(`function ${fn.handlerName} is bound to invoke itself, which needs a fixed functionName`);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [Stack.of(fn).formatArn({ service: 'lambda', resource: 'function', resourceName: fn.fixedName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
  },
};

/** Grants `fn` what its declaration binds it to, and checks that every binding set the settings it promises. */
export function bindFunction(fn: HouseFunction, definition: FunctionDefinition, resources: BindingResources): void {
  // Read access is part of read/write access: a function with both gets one table grant.
  const bindings = definition.bindings.filter((binding) => !(binding === 'tableRead' && definition.bindings.includes('tableReadWrite')));
  for (const binding of bindings) BINDING_GRANTS[binding](fn, resources);
  for (const binding of bindings) {
    for (const setting of BINDINGS[binding].settings) {
      if (!fn.configuredSettings.has(setting)) {
        throw new Error(`function ${fn.handlerName} is bound to ${binding}, whose grant did not set ${setting}`);
      }
    }
  }
  fn.declaredBindings = bindings;
}

/** Binds every house function of `scope` from its handler's declaration. */
export function bindAllFunctions(scope: Construct, resources: BindingResources): void {
  for (const fn of scope.node.findAll().filter((c): c is HouseFunction => c instanceof HouseFunction)) {
    bindFunction(fn, FUNCTION_DEFINITIONS[fn.handlerName], resources);
  }
}
