// Every port any handler may need, under the names the handlers' definitions use (function-definition.ts). The local
// stack builds all of them once and hands them to every handler's createHandler; production builds only a
// function's own (production.ts); tests build fakes.

import type { ScorecardModel } from '../core/assessment/scorecard/types';
import type { StatementSource } from '../core/assessment/statement';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock, IdGenerator, Notifier, PiiProtector, BusinessMetrics } from '../core/kernel/ports';
import type { ApplicationRepository, DocumentStorage, IdempotencyStore, PipelineExecutions, ProductRepository, TaskTokens, UploadedFiles } from '../core/applications/ports';
import type { CreditBureau } from '../core/assessment/bureau';
import type { ContractStore } from '../core/contracting/contract';
import type { CoreBanking } from '../core/contracting/core-banking';
import type { Scorer } from '../core/assessment/scoring';
import type { PolicyRepository } from '../core/decisioning/policy';
import type { ReviewLinks, ReviewRepository, ReviewerRepository, ReviewerSubscriptions } from '../core/review/reviews';
import type { LoanRepository } from '../core/servicing/loan-service';
import type { ReportRepository } from '../core/reporting/reports';
import type { ScanContinuation } from '../core/servicing/overdue-scan';
import type { Sleep } from '../core/kernel/retry';

export interface AppDeps {
  clock: Clock;
  /** Waits between retries (a timer; tests record the pause and go on at once). */
  sleep: Sleep;
  ids: IdGenerator;
  applications: ApplicationRepository;
  idempotency: IdempotencyStore;
  products: ProductRepository;
  /** The decision policy, versioned (GET/PUT /v1/policy; read by Decide). */
  policies: PolicyRepository;
  /** Starts and stops the loan pipeline's executions. */
  workflow: PipelineExecutions;
  /** Answers the pipeline's waiting tasks by their tokens. */
  taskTokens: TaskTokens;
  notifier: Notifier;
  documents: DocumentStorage;
  /** The uploaded documents' bytes: their first bytes checked after an upload, a mismatching one deleted. */
  uploadedFiles: UploadedFiles;
  pii: PiiProtector;
  bureau: CreditBureau;
  scorer: Scorer;
  /** The model the scorer uses, as an artifact: its training distributions, for drift monitoring (reporting/drift.ts). */
  scoringModel: ScorecardModel;
  /** Bank statements pulled with the applicant's consent (the sandbox until an account-data provider is configured). */
  statements: StatementSource;
  logger: Logger;
  /** Reviewers by level, with their workload (GET/POST /v1/reviewers). */
  reviewers: ReviewerRepository;
  /** Reviews: one per level and round, decided once from the signed link. */
  reviews: ReviewRepository;
  /** Signs and checks review links; knows the public base URL. */
  reviewLinks: ReviewLinks;
  /** Subscribes a reviewer's email to the review topic (filter policy on reviewerId). */
  subscriptions: ReviewerSubscriptions;
  /** Loans with their installments and repayments (GET /v1/loans/…, POST …/repayments, openLoan at disbursement). */
  loans: LoanRepository;
  /** The report's aggregates, read only (GET /v1/reports/summary); the repositories above write them with each change. */
  reports: ReportRepository;
  /** The shared secret of the bank's repayment webhook HMAC (Secrets Manager in AWS, a file locally). */
  repaymentWebhookSecret: () => Promise<string>;
  /** Contract texts (S3 under contracts/ in the documents bucket; a folder locally) and short-lived links to them. */
  contracts: ContractStore;
  /** Pays out loans (HTTP adapter in production, the sandbox bank locally and when no base URL is configured). */
  coreBanking: CoreBanking;
  settings: {
    idempotencyTtlHours: number;
    uploadUrlTtlSeconds: number;
    /** The lender's name in contracts (config LENDER_NAME). */
    lenderName?: string;
    /** The lender's time zone (config TIME_ZONE): "today" for loans, the overdue scan's business day, quiet hours. */
    timeZone: string;
  };
  /** Continues a long overdue scan in a fresh invocation (Lambda async self-invoke; locally the runner loops). */
  scanContinuation: ScanContinuation;
  /** Business metrics (Powertools EMF in AWS; recorded in memory locally and in tests); handlers publish them per invocation. */
  metrics: BusinessMetrics;
}
