// Every key the repositories use is built here, so the access patterns in table-definition.ts stay the only ones.

export const keys = {
  /** The sandbox bank's record of a transfer, by its idempotency key (adapters/dynamodb/sandbox-ledger.ts). */
  sandboxTransfer: (idempotencyKey: string) => ({ PK: `SANDBOXBANK#${idempotencyKey}`, SK: 'TRANSFER' }),
  sandboxCalls: (system: 'bank' | 'bureau', key: string) => ({ PK: `SANDBOX${system.toUpperCase()}#${key}`, SK: 'CALLS' }),
  application: (applicationId: string) => ({ PK: `APP#${applicationId}`, SK: 'APP' }),
  applicationDocument: (applicationId: string, documentId: string) => ({ PK: `APP#${applicationId}`, SK: `DOC#${documentId}` }),
  applicationDocumentsPrefix: (applicationId: string) => ({ PK: `APP#${applicationId}`, SKPrefix: 'DOC#' }),
  auditEvent: (applicationId: string, seq: number) => ({ PK: `APP#${applicationId}`, SK: `AUDIT#${String(seq).padStart(8, '0')}` }),
  auditPrefix: 'AUDIT#',
  customer: (customerId: string) => ({ PK: `CUSTOMER#${customerId}`, SK: 'PROFILE' }),
  openApplication: (nationalIdHash: string) => ({ PK: `NATID#${nationalIdHash}`, SK: 'OPEN' }),
  idempotency: (ownerId: string, key: string) => ({ PK: `IDEMP#${ownerId}#${key}`, SK: 'IDEMP' }),
  product: (productId: string) => ({ PK: `PRODUCT#${productId}`, SK: 'PRODUCT' }),
  // Decision policy versions (policy-repository.ts): one partition, newest first by the zero-padded version.
  policyVersion: (version: number) => ({ PK: 'POLICY', SK: `V#${String(version).padStart(10, '0')}` }),
  policyPartition: 'POLICY',
  policyVersionPrefix: 'V#',
  ownerIndex: (ownerId: string, createdAt: string, applicationId: string) => ({
    GSI1PK: `OWNER#${ownerId}`,
    GSI1SK: `${createdAt}#${applicationId}`,
  }),
  ownerPartition: (ownerId: string) => `OWNER#${ownerId}`,
  productsIndex: (productId: string) => ({ GSI1PK: 'PRODUCTS', GSI1SK: productId }),
  productsPartition: 'PRODUCTS',
  statusIndex: (status: string, createdAt: string, applicationId: string) => ({
    GSI2PK: `APPSTATUS#${status}`,
    GSI2SK: `${createdAt}#${applicationId}`,
  }),
  statusPartition: (status: string) => `APPSTATUS#${status}`,
  allApplicationsIndex: (createdAt: string, applicationId: string) => ({
    GSI3PK: 'APPLICATIONS',
    GSI3SK: `${createdAt}#${applicationId}`,
  }),
  allApplicationsPartition: 'APPLICATIONS',
  // Human review (review-repository.ts, reviewer-repository.ts)
  reviewer: (reviewerId: string) => ({ PK: `REVIEWER#${reviewerId}`, SK: 'REVIEWER' }),
  reviewerEmail: (emailHash: string) => ({ PK: `REVIEWEREMAIL#${emailHash}`, SK: 'EMAIL' }),
  reviewersIndex: (level: number, reviewerId: string) => ({ GSI1PK: 'REVIEWERS', GSI1SK: `L${level}#${reviewerId}` }),
  reviewersPartition: 'REVIEWERS',
  reviewersLevelPrefix: (level: number) => `L${level}#`,
  review: (reviewId: string) => ({ PK: `REVIEW#${reviewId}`, SK: 'REVIEW' }),
  applicationReview: (applicationId: string, reviewId: string) => ({ PK: `APP#${applicationId}`, SK: `REVIEW#${reviewId}` }),
  applicationReviewsPrefix: (applicationId: string) => ({ PK: `APP#${applicationId}`, SKPrefix: 'REVIEW#' }),
  reviewTaskToken: (tokenHash: string) => ({ PK: `REVIEWTOKEN#${tokenHash}`, SK: 'TOKEN' }),
  reviewSlaIndex: (dueAt: string, reviewId: string) => ({ GSI2PK: 'REVIEWS#ATTENTION', GSI2SK: `${dueAt}#${reviewId}` }),
  reviewSlaPartition: 'REVIEWS#ATTENTION',
  // Loans and their repayments (loan-repository.ts)
  loan: (loanId: string) => ({ PK: `LOAN#${loanId}`, SK: 'LOAN' }),
  loanRepayment: (loanId: string, reference: string) => ({ PK: `LOAN#${loanId}`, SK: `REPAY#${reference}` }),
  loanRepaymentsPrefix: (loanId: string) => ({ PK: `LOAN#${loanId}`, SKPrefix: 'REPAY#' }),
  ownerLoansIndex: (ownerId: string, disbursedAt: string, loanId: string) => ({ GSI1PK: `OWNERLOANS#${ownerId}`, GSI1SK: `${disbursedAt}#${loanId}` }),
  ownerLoansPartition: (ownerId: string) => `OWNERLOANS#${ownerId}`,
  loanDueIndex: (oldestUnpaidDueDate: string, loanId: string) => ({ GSI2PK: 'LOANS#DUE', GSI2SK: `${oldestUnpaidDueDate}#${loanId}` }),
  loanDuePartition: 'LOANS#DUE',
  // Report aggregates (aggregate-writes.ts, report-repository.ts): counters written in the same transaction as the
  // state change they count, spread over AGGREGATE_SHARDS items per day (and for the portfolio) by the entity id.
  aggregatePartition: 'AGG',
  aggregateDay: (day: string, shard: number) => ({ PK: 'AGG', SK: `DAY#${day}#${shard}` }),
  aggregatePortfolio: (shard: number) => ({ PK: 'AGG', SK: `PORTFOLIO#${shard}` }),
  /** Sort-key bounds of every day item from `from` to `to` (inclusive; '~' sorts after the shard digits). */
  aggregateDayRange: (from: string, to: string) => ({ lower: `DAY#${from}`, upper: `DAY#${to}#~` }),
  aggregateDayPrefix: 'DAY#',
  aggregatePortfolioPrefix: 'PORTFOLIO#',
};
