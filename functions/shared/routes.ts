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
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/v1/applications', handler: 'submit-application', auth: 'user' },
  { method: 'GET', path: '/v1/applications', handler: 'query-applications', auth: 'user' },
  { method: 'GET', path: '/v1/applications/{applicationId}', handler: 'query-applications', auth: 'user' },
  { method: 'POST', path: '/v1/applications/{applicationId}/withdraw', handler: 'withdraw-application', auth: 'user' },
  // Operations continue a FAILED or stuck application from where it stands (role ops).
  { method: 'POST', path: '/v1/applications/{applicationId}/redrive', handler: 'redrive-application', auth: 'user' },
  { method: 'POST', path: '/v1/applications/{applicationId}/contract/accept', handler: 'accept-contract', auth: 'user' },
  { method: 'POST', path: '/v1/applications/{applicationId}/documents', handler: 'request-document-upload', auth: 'user' },
  { method: 'GET', path: '/v1/applications/{applicationId}/audit', handler: 'application-audit', auth: 'user' },
  { method: 'GET', path: '/v1/products', handler: 'products', auth: 'user' },
  { method: 'POST', path: '/v1/products', handler: 'products', auth: 'user' },
  { method: 'GET', path: '/v1/policy', handler: 'policy', auth: 'user' },
  { method: 'PUT', path: '/v1/policy', handler: 'policy', auth: 'user' },
  { method: 'GET', path: '/v1/reviewers', handler: 'reviewers', auth: 'user' },
  { method: 'POST', path: '/v1/reviewers', handler: 'reviewers', auth: 'user' },
  { method: 'GET', path: '/v1/reviews', handler: 'review-queue', auth: 'user' },
  // The reviewer's link from the approval email: no login, the HMAC-signed link is the credential.
  { method: 'GET', path: '/v1/reviews/{reviewId}', handler: 'review-page', auth: 'none' },
  { method: 'POST', path: '/v1/reviews/{reviewId}/decision', handler: 'review-page', auth: 'none' },
  { method: 'GET', path: '/openapi.json', handler: 'openapi', auth: 'none' },
  // The public loan calculator (API.md): no login, it reads only products and stores nothing.
  { method: 'POST', path: '/v1/quotes', handler: 'quotes', auth: 'none' },
  { method: 'GET', path: '/v1/loans/{loanId}', handler: 'loans', auth: 'user' },
  { method: 'GET', path: '/v1/loans/{loanId}/schedule', handler: 'loans', auth: 'user' },
  { method: 'GET', path: '/v1/loans/{loanId}/payoff', handler: 'loans', auth: 'user' },
  { method: 'GET', path: '/v1/loans/{loanId}/repayments', handler: 'loans', auth: 'user' },
  { method: 'POST', path: '/v1/loans/{loanId}/repayments', handler: 'repayments', auth: 'user' },
  // The bank's repayment webhook: no login, the HMAC signature over the raw body (X-Signature) is the credential.
  { method: 'POST', path: '/v1/webhooks/repayments', handler: 'repayments', auth: 'none' },
  // Operations reports (role ops): JSON, or CSV with Accept: text/csv.
  { method: 'GET', path: '/v1/reports/summary', handler: 'reports', auth: 'user' },
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
  | 'document-uploaded' // S3 ObjectCreated on the documents bucket: marks the document received
  | 'seed-products' // CloudFormation custom resource: seeds the default products on first deploy
  | 'review-sla' // EventBridge every 15 minutes: remind, escalate, expire reviews; deliver late decisions
  | 'overdue-scan'; // EventBridge daily in the lender's time zone: late fees, buckets, reminders, early warning

export type HandlerName = HttpHandlerName | TaskHandlerName;
