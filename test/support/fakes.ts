// In-memory stand-ins for the ports, with the same semantics the DynamoDB adapters promise (conditional writes,
// the open-application slot, idempotency records), for fast handler tests. The integration tests check the real ones.

import { Logger } from '@aws-lambda-powertools/logger';
import type { Application, ApplicationDocument } from '../../functions/core/applications/application';
import { ConcurrentModificationError, ConflictError, IdempotencyKeyInProgressError, TaskTokenGoneError } from '../../functions/core/kernel/errors';
import { chain, type AuditEntry, type AuditEvent } from '../../functions/core/kernel/audit';
import { assertTransition, isOpen } from '../../functions/core/applications/lifecycle';
import type { Clock, Notification } from '../../functions/core/kernel/ports';
import type { ApplicationRepository, CustomerRecord, IdempotencyRecord, IdempotencyStore, ProductRepository, Workflow } from '../../functions/core/applications/ports';
import { DEFAULT_PRODUCTS, type Product } from '../../functions/core/applications/products';
import { DEFAULT_POLICY, type Policy, type PolicyDraft, type PolicyRepository } from '../../functions/core/decisioning/policy';
import { NotFoundError } from '../../functions/core/kernel/errors';
import { createPiiProtector } from '../../functions/adapters/pii/aes-pii-protector';
import type { AppDeps } from '../../functions/shared/deps';
import type { Scorer } from '../../functions/core/assessment/scoring';
import type { FeatureRow } from '../../functions/core/assessment/features';
import { createSandboxBureau } from '../../functions/adapters/bureau/sandbox-bureau';
import { shippedScorecardModel } from '../../functions/adapters/scorecard/shipped-scorer';
import { createSandboxStatementSource } from '../../functions/adapters/statements/sandbox-statements';
import { fakeReviewDeps } from './review-fakes';
import { fakeContractDeps } from './contract-fakes';
import { fakeLoanDeps } from './loan-fakes';
import { fakeReportDeps } from './report-fakes';
import { RecordingMetrics } from '../../functions/shared/metrics';
import { TIME_ZONE } from './settings';
import type { Loan } from '../../functions/core/servicing/loan';

export class FixedClock implements Clock {
  constructor(public current = new Date('2026-11-29T08:00:00.000Z')) {}
  now() {
    return new Date(this.current);
  }
}

export class InMemoryApplications implements ApplicationRepository {
  readonly applications = new Map<string, Application>();
  readonly openSlots = new Map<string, string>();
  readonly idempotencyRecords = new Map<string, IdempotencyRecord>();
  readonly documents = new Map<string, ApplicationDocument[]>();
  readonly customers = new Map<string, CustomerRecord>();
  readonly audit = new Map<string, AuditEvent[]>();
  /** Where a disbursement's loan is written, in the same "transaction" as its application (fakeDeps links the loans). */
  loanStore: { loans: Map<string, Loan> } | undefined;

  /** Keys whose create is being written now (the DynamoDB transaction in flight): another create with one conflicts. */
  private readonly writing = new Set<string>();
  /** Set by a test to hold the next creates in flight until it resolves (a slow DynamoDB). */
  stallCreates: Promise<void> | undefined;

  async create(input: Parameters<ApplicationRepository['create']>[0]) {
    const idemKey = `${input.idempotency.ownerId}#${input.idempotency.key}`;
    if (this.writing.has(idemKey)) throw new IdempotencyKeyInProgressError('a request with this Idempotency-Key is in progress; retry shortly to get its answer');
    this.writing.add(idemKey);
    try {
      if (this.stallCreates) await this.stallCreates;
      this.writeCreated(input, idemKey);
    } finally {
      this.writing.delete(idemKey);
    }
  }

  private writeCreated({ application, customer, idempotency, audit }: Parameters<ApplicationRepository['create']>[0], idemKey: string) {
    // The key first, as the DynamoDB adapter reads it: a repeated request also finds its first attempt's slot taken.
    if (this.idempotencyRecords.has(idemKey)) throw new ConcurrentModificationError('this Idempotency-Key changed meanwhile');
    if (this.openSlots.has(application.nationalIdHash)) throw new ConflictError('an open application already exists for this national ID');
    this.applications.set(application.applicationId, structuredClone(application));
    this.openSlots.set(application.nationalIdHash, application.applicationId);
    this.idempotencyRecords.set(idemKey, structuredClone(idempotency));
    this.customers.set(customer.customerId, structuredClone(customer));
    this.audit.set(application.applicationId, structuredClone(audit));
  }

  async listAudit(applicationId: string) {
    return structuredClone(this.audit.get(applicationId) ?? []);
  }

  async getCustomer(customerId: string) {
    return this.customers.get(customerId);
  }

  async get(applicationId: string) {
    const found = this.applications.get(applicationId);
    return found ? structuredClone(found) : undefined;
  }

  private page(items: Application[], limit: number, cursor?: string) {
    const sorted = items.sort((a, b) => (a.createdAt + a.applicationId < b.createdAt + b.applicationId ? 1 : -1));
    const start = cursor ? Number(cursor) : 0;
    const slice = sorted.slice(start, start + limit);
    return { items: slice.map((a) => structuredClone(a)), ...(start + limit < sorted.length ? { nextCursor: String(start + limit) } : {}) };
  }

  async listByOwner(ownerId: string, limit: number, cursor?: string, status?: string) {
    return this.page([...this.applications.values()].filter((a) => a.ownerId === ownerId && (!status || a.status === status)), limit, cursor);
  }

  async listAll(limit: number, cursor?: string, status?: string) {
    return this.page([...this.applications.values()].filter((a) => !status || a.status === status), limit, cursor);
  }

  async transition({ application, to, at, by, changes = {}, audit = [], openLoan }: Parameters<ApplicationRepository['transition']>[0]) {
    assertTransition(application.status, to);
    if (openLoan && this.loanStore?.loans.has(openLoan.loanId)) throw new ConflictError(`a loan ${openLoan.loanId} exists already`);
    const slotHolder = this.openSlots.get(application.nationalIdHash);
    if (!isOpen(application.status) && isOpen(to) && slotHolder !== undefined && slotHolder !== application.applicationId) {
      throw new ConflictError('the applicant has another open application now; it must end before this one can continue');
    }
    const next = this.write(application, at, changes, [{ actor: by, action: 'status.changed', details: { from: application.status, to } }, ...audit], {
      status: to,
      timeline: [...application.timeline, { at, status: to, by }],
    });
    if (!isOpen(to) && this.openSlots.get(next.nationalIdHash) === next.applicationId) this.openSlots.delete(next.nationalIdHash);
    if (isOpen(to)) this.openSlots.set(next.nationalIdHash, next.applicationId);
    if (openLoan) this.loanStore?.loans.set(openLoan.loanId, structuredClone(openLoan));
    return next;
  }

  async annotate({ application, at, changes = {}, audit }: Parameters<ApplicationRepository['annotate']>[0]) {
    return this.write(application, at, changes, audit, {});
  }

  private write(application: Application, at: string, changes: Partial<Application>, entries: AuditEntry[], statusChange: Partial<Application>) {
    const stored = this.applications.get(application.applicationId);
    if (!stored || stored.version !== application.version || stored.status !== application.status) {
      throw new ConcurrentModificationError(`application ${application.applicationId} changed meanwhile`);
    }
    const { events, head } = chain(stored.auditHead, at, entries);
    const next: Application = { ...stored, ...changes, ...statusChange, updatedAt: at, version: stored.version + 1, auditHead: head };
    this.applications.set(next.applicationId, next);
    this.audit.set(next.applicationId, [...(this.audit.get(next.applicationId) ?? []), ...events]);
    return structuredClone(next);
  }

  async addDocument(applicationId: string, document: ApplicationDocument) {
    this.documents.set(applicationId, [...(this.documents.get(applicationId) ?? []), { ...document }]);
  }

  async markDocumentReceived(applicationId: string, documentId: string, receivedAt: string) {
    const document = this.documents.get(applicationId)?.find((d) => d.documentId === documentId);
    if (!document || document.status === 'RECEIVED') return false;
    document.status = 'RECEIVED';
    document.receivedAt = receivedAt;
    return true;
  }

  async markDocumentRejected(applicationId: string, documentId: string, change: { from: 'PENDING_UPLOAD' | 'RECEIVED'; rejectedAt: string; reason: 'file_signature_mismatch' }) {
    const document = this.documents.get(applicationId)?.find((d) => d.documentId === documentId);
    if (!document || document.status !== change.from) return false;
    document.status = 'REJECTED';
    document.rejectedAt = change.rejectedAt;
    document.rejectionReason = change.reason;
    delete document.receivedAt;
    return true;
  }

  async listDocuments(applicationId: string) {
    return structuredClone(this.documents.get(applicationId) ?? []);
  }

  async idempotencyRecord(ownerId: string, key: string) {
    return this.idempotencyRecords.get(`${ownerId}#${key}`);
  }
}

export class InMemoryProducts implements ProductRepository {
  readonly products = new Map<string, Product>(DEFAULT_PRODUCTS.map((p) => [p.productId, structuredClone(p)]));
  async get(productId: string) {
    return this.products.get(productId);
  }
  async list() {
    return [...this.products.values()];
  }
  async put(product: Product) {
    this.products.set(product.productId, structuredClone(product));
  }
  async seed(products: readonly Product[]) {
    let added = 0;
    for (const product of products) {
      if (!this.products.has(product.productId)) {
        this.products.set(product.productId, structuredClone(product));
        added += 1;
      }
    }
    return added;
  }
}

/** Policy versions in memory, version 1 (the default) seeded: never overwritten, each publish the next version. */
export class InMemoryPolicies implements PolicyRepository {
  readonly versions = new Map<number, Policy>([[DEFAULT_POLICY.version, structuredClone(DEFAULT_POLICY)]]);
  /** Publishes that lose the race to another one (ConcurrentModificationError), for tests of the retry. */
  conflictsToSimulate = 0;
  private newest() {
    return Math.max(0, ...this.versions.keys());
  }
  async current() {
    const policy = this.versions.get(this.newest());
    if (!policy) throw new NotFoundError('no decision policy has been published');
    return structuredClone(policy);
  }
  async get(version: number) {
    const policy = this.versions.get(version);
    return policy ? structuredClone(policy) : undefined;
  }
  async list() {
    return [...this.versions.values()]
      .sort((a, b) => b.version - a.version)
      .map(({ version, createdAt, createdBy, description }) => ({ version, createdAt, createdBy, description }));
  }
  async publish(draft: PolicyDraft, by: string, at: string) {
    const { version: _v, createdAt: _c, createdBy: _b, ...rules } = structuredClone(draft) as PolicyDraft & Partial<Policy>;
    const version = this.newest() + 1;
    if (this.conflictsToSimulate > 0) {
      this.conflictsToSimulate -= 1;
      this.versions.set(version, { ...structuredClone(this.versions.get(this.newest()) ?? DEFAULT_POLICY), version, createdAt: at, createdBy: 'another-admin' });
      throw new ConcurrentModificationError(`policy version ${version} changed meanwhile`);
    }
    const policy: Policy = { version, createdAt: at, createdBy: by, ...rules };
    this.versions.set(version, policy);
    return structuredClone(policy);
  }
  async seed(policy: Policy) {
    if (this.versions.has(policy.version)) return false;
    this.versions.set(policy.version, structuredClone(policy));
    return true;
  }
}

export class RecordingWorkflow implements Workflow {
  readonly started: string[] = [];
  readonly stopped: string[] = [];
  failNextStart = false;
  async start(applicationId: string) {
    if (this.failNextStart) {
      this.failNextStart = false;
      throw new Error('Step Functions unavailable');
    }
    if (this.started.includes(applicationId)) return { started: false };
    this.started.push(applicationId);
    return { started: true };
  }
  async stop(applicationId: string) {
    this.stopped.push(applicationId);
  }
  readonly answers: { taskToken: string; output?: unknown; error?: string }[] = [];
  /** Tokens the fake treats as no longer waiting. */
  readonly goneTokens = new Set<string>();
  async sendTaskSuccess(taskToken: string, output: Record<string, unknown>) {
    if (this.goneTokens.has(taskToken)) throw new TaskTokenGoneError('this task is no longer waiting for an answer');
    this.goneTokens.add(taskToken);
    this.answers.push({ taskToken, output });
  }
  async sendTaskFailure(taskToken: string, error: string) {
    if (this.goneTokens.has(taskToken)) throw new TaskTokenGoneError('this task is no longer waiting for an answer');
    this.goneTokens.add(taskToken);
    this.answers.push({ taskToken, error });
  }
}

export class RecordingNotifier {
  readonly sent: Notification[] = [];
  async publish(notification: Notification) {
    this.sent.push(notification);
  }
}

/** A scorer that records what it was given and answers a set score (tests of the Score step's plumbing). */
export class FixedScorer implements Scorer {
  readonly modelVersion = 'test-model-1';
  readonly rows: FeatureRow[] = [];
  constructor(public result = 700) {}
  score(row: FeatureRow) {
    this.rows.push(row);
    return {
      score: this.result,
      pd: 0.03,
      bins: { checking_status: 1 },
      scoreBucket: 4,
      reasons: [{ code: 'RC01', feature: 'checking_status', pointsLost: 12.5, description: { en: 'Checking account balance is low', 'zh-CN': '支票账户余额偏低' } }],
    };
  }
}

/** Uploaded objects in memory (the documents bucket): the bytes by object key, and what was read of them. */
export class InMemoryUploadedFiles {
  readonly files = new Map<string, Buffer>();
  /** Every readHead: the key and how many bytes were asked for. */
  readonly reads: { objectKey: string; bytes: number }[] = [];
  readonly removed: string[] = [];
  put(objectKey: string, content: Buffer | string) {
    this.files.set(objectKey, Buffer.from(content));
  }
  async readHead(objectKey: string, bytes: number) {
    this.reads.push({ objectKey, bytes });
    const file = this.files.get(objectKey);
    return file ? new Uint8Array(file.subarray(0, bytes)) : undefined;
  }
  async remove(objectKey: string) {
    this.removed.push(objectKey);
    this.files.delete(objectKey);
  }
}

let counter = 0;

/** A full set of fake dependencies; tests override what they look at. */
export function fakeDeps() {
  const store = new InMemoryApplications();
  const idempotency: IdempotencyStore = { get: (ownerId, key) => store.idempotencyRecord(ownerId, key) };
  const clock = new FixedClock();
  const scanContinuations: { date: string; cursor: string }[] = [];
  // One recorder for both halves of the pipeline port, as the local runner is both.
  const workflow = new RecordingWorkflow();
  /** The pauses the code under test asked for between retries (none is waited for). */
  const sleeps: number[] = [];
  const deps = {
    clock,
    sleeps,
    sleep: async (ms: number) => void sleeps.push(ms),
    ids: { next: () => `01TEST${String(++counter).padStart(20, '0')}` },
    applications: store,
    idempotency,
    products: new InMemoryProducts(),
    policies: new InMemoryPolicies(),
    workflow,
    taskTokens: workflow,
    notifier: new RecordingNotifier(),
    uploadedFiles: new InMemoryUploadedFiles(),
    documents: {
      async createUploadUrl({ objectKey, expiresInSeconds }: { objectKey: string; expiresInSeconds: number }) {
        return { uploadUrl: `https://uploads.test/${objectKey}?sig=x`, expiresAt: new Date(Date.UTC(2026, 10, 29, 8, 0, expiresInSeconds)).toISOString(), objectKey };
      },
    },
    pii: createPiiProtector(async () => 'unit-test-secret-unit-test-secret-unit-test-secret'),
    bureau: createSandboxBureau({ clock }),
    scorer: new FixedScorer(),
    scoringModel: shippedScorecardModel(),
    statements: createSandboxStatementSource(),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    ...fakeReviewDeps(),
    ...fakeContractDeps(clock),
    ...fakeLoanDeps(),
    ...fakeReportDeps(),
    settings: { idempotencyTtlHours: 24, uploadUrlTtlSeconds: 900, timeZone: TIME_ZONE },
    /** Continuations the overdue scan asked for (it ran out of time), in order. */
    scanContinuations,
    scanContinuation: { continueScan: async (event: { date: string; cursor: string }) => void scanContinuations.push(event) },
    /** What the handlers recorded (and how often they published). */
    metrics: new RecordingMetrics(),
  };
  store.loanStore = deps.loans;
  return deps satisfies AppDeps;
}
