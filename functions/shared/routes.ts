// The HTTP routes and the Lambda that serves each. The CDK API construct and the local HTTP server both read this
// list, so the local stack serves exactly what API Gateway serves.

export type HttpHandlerName =
  | 'submit-application'
  | 'query-applications'
  | 'withdraw-application'
  | 'redrive-application'
  | 'accept-contract'
  | 'request-document-upload'
  | 'application-audit'
  | 'products'
  | 'policy'
  | 'reviewers'
  | 'review-page'
  | 'review-queue'
  | 'openapi'
  | 'quotes'
  | 'loans'
  | 'repayments'
  | 'reports';

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
  handler: HttpHandlerName;
  /** `user`: a valid JWT is required (Cognito authorizer in AWS, the local issuer locally). Roles are checked in the handler. */
  auth: 'user' | 'none';
  /** The operation's id and one-line summary in GET /openapi.json. */
  operationId: string;
  summary: string;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/v1/applications', handler: 'submit-application', auth: 'user', operationId: 'submitApplication', summary: 'Submit a loan application (Idempotency-Key required)' },
  { method: 'GET', path: '/v1/applications', handler: 'query-applications', auth: 'user', operationId: 'listApplications', summary: 'List own applications (staff: all), newest first' },
  { method: 'GET', path: '/v1/applications/{applicationId}', handler: 'query-applications', auth: 'user', operationId: 'getApplication', summary: 'Read an application: status, decision, offer, timeline' },
  { method: 'POST', path: '/v1/applications/{applicationId}/withdraw', handler: 'withdraw-application', auth: 'user', operationId: 'withdrawApplication', summary: 'Withdraw an application before it is accepted' },
  // Operations continue a FAILED or stuck application from where it stands (role ops).
  { method: 'POST', path: '/v1/applications/{applicationId}/redrive', handler: 'redrive-application', auth: 'user', operationId: 'redriveApplication', summary: 'Continue a failed or stuck application (ops)' },
  { method: 'POST', path: '/v1/applications/{applicationId}/contract/accept', handler: 'accept-contract', auth: 'user', operationId: 'acceptContract', summary: 'Accept the offered contract by its SHA-256' },
  { method: 'POST', path: '/v1/applications/{applicationId}/documents', handler: 'request-document-upload', auth: 'user', operationId: 'requestDocumentUpload', summary: 'Request a pre-signed upload URL for a document' },
  { method: 'GET', path: '/v1/applications/{applicationId}/audit', handler: 'application-audit', auth: 'user', operationId: 'getApplicationAudit', summary: 'Read the hash-chained audit trail of an application (ops, admin)' },
  { method: 'GET', path: '/v1/products', handler: 'products', auth: 'user', operationId: 'listProducts', summary: 'List the loan products' },
  { method: 'POST', path: '/v1/products', handler: 'products', auth: 'user', operationId: 'putProduct', summary: 'Create or replace a loan product (admin)' },
  { method: 'GET', path: '/v1/policy', handler: 'policy', auth: 'user', operationId: 'getPolicy', summary: 'Read the current decision policy, or one version (admin)' },
  { method: 'PUT', path: '/v1/policy', handler: 'policy', auth: 'user', operationId: 'publishPolicy', summary: 'Publish the next version of the decision policy (admin)' },
  { method: 'GET', path: '/v1/reviewers', handler: 'reviewers', auth: 'user', operationId: 'listReviewers', summary: 'List the reviewers (admin)' },
  { method: 'POST', path: '/v1/reviewers', handler: 'reviewers', auth: 'user', operationId: 'addReviewer', summary: 'Add a reviewer and subscribe them to review emails (admin)' },
  { method: 'GET', path: '/v1/reviews', handler: 'review-queue', auth: 'user', operationId: 'listPendingReviews', summary: 'List the pending reviews (reviewer, ops, admin)' },
  // The reviewer's link from the approval email: no login, the HMAC-signed link is the credential.
  { method: 'GET', path: '/v1/reviews/{reviewId}', handler: 'review-page', auth: 'none', operationId: 'openReviewPage', summary: "The reviewer's case page (HTML) from the signed email link" },
  { method: 'POST', path: '/v1/reviews/{reviewId}/decision', handler: 'review-page', auth: 'none', operationId: 'decideReview', summary: "Record a reviewer's decision (form or JSON) from the signed link" },
  { method: 'GET', path: '/openapi.json', handler: 'openapi', auth: 'none', operationId: 'getOpenApiDocument', summary: 'This OpenAPI document' },
  // The public loan calculator (API.md): no login, it reads only products and stores nothing.
  { method: 'POST', path: '/v1/quotes', handler: 'quotes', auth: 'none', operationId: 'quoteLoan', summary: "Quote a loan's schedule and APR (no login)" },
  { method: 'GET', path: '/v1/loans/{loanId}', handler: 'loans', auth: 'user', operationId: 'getLoan', summary: 'Read a loan: balances, next due, delinquency' },
  { method: 'GET', path: '/v1/loans/{loanId}/schedule', handler: 'loans', auth: 'user', operationId: 'getLoanSchedule', summary: "Read a loan's installments" },
  { method: 'GET', path: '/v1/loans/{loanId}/payoff', handler: 'loans', auth: 'user', operationId: 'getLoanPayoff', summary: 'Quote the payoff amount of a loan on a day' },
  { method: 'GET', path: '/v1/loans/{loanId}/repayments', handler: 'loans', auth: 'user', operationId: 'listLoanRepayments', summary: "List a loan's repayments" },
  { method: 'POST', path: '/v1/loans/{loanId}/repayments', handler: 'repayments', auth: 'user', operationId: 'recordRepayment', summary: 'Record a repayment (ops), idempotent on its reference' },
  // The bank's repayment webhook: no login, the HMAC signature over the raw body (X-Signature) is the credential.
  { method: 'POST', path: '/v1/webhooks/repayments', handler: 'repayments', auth: 'none', operationId: 'receiveRepaymentWebhook', summary: "The bank's signed repayment notification" },
  // Operations reports (role ops): JSON, or CSV with Accept: text/csv.
  { method: 'GET', path: '/v1/reports/summary', handler: 'reports', auth: 'user', operationId: 'getReportSummary', summary: 'The operations figures of a range of days (ops), JSON or CSV' },
  { method: 'GET', path: '/v1/reports/drift', handler: 'reports', auth: 'user', operationId: 'getDriftReport', summary: "Population stability of the live score and of each model input against the model's training data (ops)" },
  { method: 'GET', path: '/v1/reports/fairness', handler: 'reports', auth: 'user', operationId: 'getFairnessReport', summary: 'Approval rate, mean PD, bad rate and disparate impact by sex and age band (ops)' },
];

/** Lambdas that are not behind the API. */
export type TaskHandlerName =
  | 'pipeline-resume' // Step Functions entry: continues the application from where it stands (SUBMITTED → ASSESSING)
  | 'pipeline-score' // Step Functions task: bureau report, features, scorecard → assessment on the application
  | 'pipeline-decide' // Step Functions task: the decision policy → APPROVED / DECLINED / PENDING_REVIEW
  | 'pipeline-request-review' // Step Functions task with a token: assign a reviewer, store the token, email the link
  | 'pipeline-conclude' // Step Functions tasks after review: conclude (approved / declined / expired), request-info
  | 'pipeline-disburse' // Step Functions task: core-banking transfer once (key = loan id), loan opened → DISBURSED
  | 'pipeline-record-failure' // Step Functions catch: → FAILED and an operations alert
  | 'pipeline-prepare-contract' // Step Functions task with a token: contract rendered, stored, token kept until acceptance; also expire-offer
  | 'pipeline-documents' // Step Functions task with a token: the checklist gate waits for the missing documents; also check
  | 'document-uploaded' // S3 ObjectCreated on the documents bucket: marks the document received
  | 'seed-products' // CloudFormation custom resource: seeds the default products on first deploy
  | 'review-sla' // EventBridge every 15 minutes: remind, escalate, expire reviews; deliver late decisions
  | 'overdue-scan'; // EventBridge daily in the lender's time zone: late fees, buckets, reminders, early warning

export type HandlerName = HttpHandlerName | TaskHandlerName;
