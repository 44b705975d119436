// What a function can be bound to, and the settings each binding gives it. The one vocabulary shared by the run-time
// wiring (production.ts: a port declares the bindings it needs and may read only their settings) and CDK
// (lib/bindings.ts: each binding is one grant that also sets its settings). Pure data, no AWS imports.

import type { LambdaConfig } from './config';

export type SettingName = keyof LambdaConfig & string;

interface BindingSpec {
  /** Settings the binding always sets; a port that needs the binding may rely on them. */
  readonly settings: readonly SettingName[];
  /** Settings the binding sets only in some deployments (an external bureau, an SMS provider). */
  readonly optional: readonly SettingName[];
  /** What the binding allows, for people reading a function's declaration. */
  readonly allows: string;
}

export const BINDINGS = {
  tableRead: { settings: ['TABLE_NAME'], optional: [], allows: 'read the single table and its indexes' },
  tableReadWrite: { settings: ['TABLE_NAME'], optional: [], allows: 'read and write the single table and its indexes' },
  pipelineStart: { settings: ['STATE_MACHINE_ARN'], optional: [], allows: 'start executions of the loan pipeline' },
  pipelineStop: { settings: ['STATE_MACHINE_ARN'], optional: [], allows: 'stop executions of the loan pipeline' },
  pipelineTaskTokens: { settings: [], optional: [], allows: "answer the loan pipeline's task tokens (SendTaskSuccess/Failure)" },
  piiSecret: { settings: ['PII_SECRET_ARN'], optional: [], allows: 'read the PII key material' },
  reviewLinkSecret: { settings: ['REVIEW_LINK_SECRET_ARN'], optional: [], allows: 'read the review link signing key' },
  publicBaseUrl: { settings: ['PUBLIC_BASE_URL'], optional: [], allows: "know the API's public URL (links in e-mails)" },
  repaymentWebhookSecret: { settings: ['REPAYMENT_WEBHOOK_SECRET_ARN'], optional: [], allows: "read the bank's repayment webhook key" },
  applicantMessages: {
    settings: ['APPLICANT_TOPIC_ARN'],
    optional: ['SMS_PROVIDER_BASE_URL', 'SMS_PROVIDER_API_KEY_SECRET_ARN'],
    allows: 'e-mail applicants through the applicant topic and send them SMS (SNS, or the SMS provider)',
  },
  reviewTopic: { settings: ['REVIEW_TOPIC_ARN'], optional: [], allows: 'publish review e-mails to the review topic' },
  reviewTopicSubscribe: { settings: ['REVIEW_TOPIC_ARN'], optional: [], allows: "subscribe reviewers' e-mails to the review topic" },
  opsTopic: { settings: ['OPS_TOPIC_ARN'], optional: [], allows: 'alert operations through the ops topic' },
  documentUploads: { settings: ['DOCUMENTS_BUCKET'], optional: [], allows: 'sign upload URLs under applications/ in the documents bucket' },
  uploadedFiles: { settings: ['DOCUMENTS_BUCKET'], optional: [], allows: 'read (first bytes) and delete uploaded documents under applications/' },
  contractWrite: { settings: ['DOCUMENTS_BUCKET'], optional: [], allows: 'store contracts under contracts/ in the documents bucket' },
  contractRead: { settings: ['DOCUMENTS_BUCKET'], optional: [], allows: 'sign links to contracts under contracts/' },
  bureau: { settings: [], optional: ['BUREAU_BASE_URL', 'BUREAU_API_KEY_SECRET_ARN'], allows: "call the credit bureau's API (the sandbox bureau without one)" },
  coreBanking: {
    settings: [],
    optional: ['CORE_BANKING_BASE_URL', 'CORE_BANKING_API_KEY_SECRET_ARN'],
    allows: "call the core-banking API (the sandbox bank, with its ledger in the table, without one)",
  },
  selfInvoke: { settings: [], optional: [], allows: 'invoke the function itself asynchronously (a long scan continues)' },
} as const satisfies Record<string, BindingSpec>;

export type BindingName = keyof typeof BINDINGS;

/** Settings the stack gives every function (the lender's time zone and name, the idempotency window). */
export const COMMON_SETTINGS = ['TIME_ZONE', 'LENDER_NAME', 'IDEMPOTENCY_TTL_HOURS'] as const satisfies readonly SettingName[];
export type CommonSetting = (typeof COMMON_SETTINGS)[number];

export type RequiredSettingOf<B extends BindingName> = (typeof BINDINGS)[B]['settings'][number];
export type OptionalSettingOf<B extends BindingName> = (typeof BINDINGS)[B]['optional'][number];

/**
 * The configuration a port built on bindings `B` may read: their settings (present), their optional settings and the
 * common ones. Reading any other setting is a type error, so a port cannot depend on a setting CDK does not give it.
 */
export type ConfigFor<B extends BindingName> = { readonly [K in RequiredSettingOf<B>]-?: NonNullable<LambdaConfig[K]> } & {
  readonly [K in OptionalSettingOf<B> | CommonSetting]: LambdaConfig[K];
};
