// Application intake use cases: submit, read, list, withdraw, document uploads, and the pipeline's first steps.
// They talk to the world only through ports, so they run the same on AWS, on the local stack and in unit tests.

import { dayIn } from '../kernel/dates';
import { protectedGroupOf } from '../reporting/fairness';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../kernel/canonical-json';
import { notifyApplicantOnce, withFreshApplication } from './application-updates';
import { jitteredPause, retrying } from '../kernel/retry';
import { chain } from '../kernel/audit';
import type { Application, ApplicationDocument } from './application';
import { toApplicationView } from './application';
import type { ApplicationSubmission, DocumentUploadRequest } from './application-schema';
import { CONTRACT_LINK_TTL_SECONDS, type ContractStore } from '../contracting/contract';
import {
  ConflictError,
  IdempotencyKeyMismatchError,
  NotFoundError,
  TemporarilyUnavailableError,
} from '../kernel/errors';
import { canTransition, isFinal, isOpen, type ApplicationStatus } from './lifecycle';
import { toMinor } from '../kernel/money';
import { analyseSubmittedStatement } from '../assessment/statement';
import type { Clock, IdGenerator, Notifier, PiiProtector } from '../kernel/ports';
import type { ApplicationReader, ApplicationRepository, DocumentStorage, IdempotencyStore, PipelineExecutions, UploadedFiles } from './ports';
import { detectFileType, FILE_SIGNATURE_BYTES, matchesDeclaredType } from './file-signature';
import { DEFAULT_DOCUMENT_GATE, requiredDocuments, type Product } from './products';
import type { ReviewRepository } from '../review/reviews';

export interface Caller {
  subject: string;
  isStaff: boolean;
}

export interface StoredResponse {
  statusCode: number;
  body: unknown;
  replayed: boolean;
}

/** A stable hash of a JSON value: object keys sorted, so whitespace and key order do not matter. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * The earlier response to the same Idempotency-Key, if any. Replaying also restarts the pipeline when the first
 * attempt stored the application but could not start it (the execution name makes a second start a no-op).
 */
export async function replayIdempotent(
  deps: { idempotency: IdempotencyStore; applications: Pick<ApplicationRepository, 'get'>; workflow: Pick<PipelineExecutions, 'start'> },
  caller: Caller,
  key: string,
  hash: string,
  /** The request's correlation id (the API request id), passed to a pipeline started again; default the application id. */
  correlationId?: string,
): Promise<StoredResponse | undefined> {
  const record = await deps.idempotency.get(caller.subject, key);
  if (!record) return undefined;
  if (record.requestHash !== hash) {
    throw new IdempotencyKeyMismatchError('this Idempotency-Key was already used with a different request body');
  }
  const applicationId = (record.response.body as { applicationId?: string }).applicationId;
  if (applicationId) {
    const application = await deps.applications.get(applicationId);
    if (application?.status === 'SUBMITTED') await deps.workflow.start(applicationId, pipelineInput(applicationId, correlationId));
  }
  return { ...record.response, replayed: true };
}

/**
 * The loan pipeline's execution input. Every Task of statemachines/loan-pipeline.asl.json reads `$.correlationId`
 * (a path that must exist), so it is always set. The first execution's name is the application id (PipelineExecutions).
 */
export function pipelineInput(applicationId: string, correlationId?: string): { applicationId: string; correlationId: string } {
  return { applicationId, correlationId: correlationId || applicationId };
}

export interface SubmitDeps {
  clock: Clock;
  ids: IdGenerator;
  applications: ApplicationRepository;
  idempotency: IdempotencyStore;
  workflow: Pick<PipelineExecutions, 'start'>;
  pii: PiiProtector;
  settings: { idempotencyTtlHours: number; timeZone: string };
}

/**
 * Stores a validated application and starts its pipeline. Throws ConflictError when the person has an open one.
 * `onStored` is called once the application is stored (before the pipeline starts: a start that fails is completed by
 * the replay, which is not a new application).
 */
export async function submitApplication(
  deps: SubmitDeps,
  input: {
    caller: Caller;
    idempotencyKey: string;
    requestHash: string;
    submission: ApplicationSubmission;
    product: Product;
    /** The API request id, carried through the pipeline into every task's logs; default the application id. */
    correlationId?: string;
  },
  hooks: { onStored?: (application: Pick<Application, 'applicationId' | 'productId' | 'channel'>) => void } = {},
): Promise<StoredResponse> {
  const { caller, submission, product } = input;
  const now = deps.clock.now();
  const at = now.toISOString();
  const applicationId = deps.ids.next();
  const amount = toMinor(submission.loan.amount);
  const { applicant, guarantor, business } = submission;
  const statement = analyseSubmittedStatement(submission.statement, at);

  const submitted = chain(undefined, at, [
    {
      actor: `applicant:${caller.subject}`,
      action: 'application.submitted',
      details: {
        productId: product.productId,
        channel: submission.channel,
        amountMinor: amount.minor,
        currency: amount.currency,
        termMonths: submission.loan.termMonths,
        // The statement's basis: which transactions (their hash) were analysed, with the applicant's consent.
        ...(statement ? { statement: { sha256: statement.sha256, from: statement.from, to: statement.to, transactions: statement.transactions, consent: true } } : {}),
      },
    },
  ]);
  const application: Application = {
    applicationId,
    ownerId: caller.subject,
    status: 'SUBMITTED',
    productId: product.productId,
    channel: submission.channel,
    customerType: submission.customerType,
    amountMinor: amount.minor,
    currency: amount.currency,
    termMonths: submission.loan.termMonths,
    purpose: submission.loan.purpose,
    nationalIdHash: await deps.pii.keyedHash(`CN:${applicant.nationalId}`),
    preferredLanguage: applicant.preferredLanguage,
    profile: {
      household: submission.household,
      employment: { ...submission.employment, monthlyIncome: toMinor(submission.employment.monthlyIncome) },
      finances: { ...submission.finances, monthlyDebtPayments: toMinor(submission.finances.monthlyDebtPayments) },
      yearsAtAddress: applicant.address.yearsAtAddress,
      hasEmail: Boolean(applicant.email),
      guarantor: guarantor ? { type: guarantor.type } : null,
      business: business
        ? { industry: business.industry, yearsOperating: business.yearsOperating, monthlyRevenue: toMinor(business.monthlyRevenue) }
        : null,
    },
    sealedApplicant: await deps.pii.seal({
      applicant,
      guarantor: guarantor ?? null,
      business: business ? { name: business.name, registrationNo: business.registrationNo } : null,
      disbursementAccount: submission.disbursementAccount ?? null,
    }),
    requiredDocuments: requiredDocuments(product, amount.minor),
    documentsRequiredBefore: product.documentsRequiredBefore ?? DEFAULT_DOCUMENT_GATE,
    ...(statement ? { statement } : {}),
    ...(submission.consents.statementAnalysis ? { statementConsentAt: at } : {}),
    protectedGroup: protectedGroupOf(applicant.nationalId, applicant.dateOfBirth, dayIn(now, deps.settings.timeZone)),
    timeline: [{ at, status: 'SUBMITTED', by: 'applicant' }],
    createdAt: at,
    updatedAt: at,
    version: 1,
    auditHead: submitted.head,
  };

  const response = {
    statusCode: 202,
    body: {
      applicationId,
      status: 'SUBMITTED',
      links: {
        self: `/v1/applications/${applicationId}`,
        withdraw: `/v1/applications/${applicationId}/withdraw`,
        documents: `/v1/applications/${applicationId}/documents`,
      },
    },
  };

  await deps.applications.create({
    application,
    audit: submitted.events,
    customer: {
      customerId: caller.subject,
      nationalIdHash: application.nationalIdHash,
      sealedIdentity: await deps.pii.seal(applicant),
      preferredLanguage: applicant.preferredLanguage,
      customerType: submission.customerType,
      updatedAt: at,
    },
    idempotency: {
      ownerId: caller.subject,
      key: input.idempotencyKey,
      requestHash: input.requestHash,
      response,
      createdAt: at,
      expiresAtEpochSeconds: Math.floor(now.getTime() / 1000) + deps.settings.idempotencyTtlHours * 3600,
    },
  });
  hooks.onStored?.({ applicationId, productId: application.productId, channel: application.channel });
  try {
    await deps.workflow.start(applicationId, pipelineInput(applicationId, input.correlationId));
  } catch (error) {
    // Stored but not started: the replay of this Idempotency-Key starts it (see replayIdempotent).
    throw new TemporarilyUnavailableError('the application was received but its assessment could not start yet; retry with the same Idempotency-Key', { cause: error });
  }
  return { ...response, replayed: false };
}

/** The application if the caller may see it; otherwise NotFound, so nobody learns that another person's id exists. */
export async function readableApplication(applications: Pick<ApplicationRepository, 'get'>, caller: Caller, applicationId: string): Promise<Application> {
  const application = await applications.get(applicationId);
  if (!application || (!caller.isStaff && application.ownerId !== caller.subject)) {
    throw new NotFoundError(`no application ${applicationId}`);
  }
  return application;
}

export async function getApplicationView(
  deps: { applications: ApplicationReader; reviews: Pick<ReviewRepository, 'listByApplication'>; contracts?: Pick<ContractStore, 'link'> },
  caller: Caller,
  applicationId: string,
) {
  const application = await readableApplication(deps.applications, caller, applicationId);
  const documents = await deps.applications.listDocuments(applicationId);
  const extras = { ...(await contractLink(deps.contracts, application)) };
  if (!application.decision || application.decision.levelsRequired === 0) return toApplicationView(application, documents, undefined, extras);
  // Levels done: the levels a reviewer approved (a later round at the same level counts once).
  const reviews = await deps.reviews.listByApplication(applicationId);
  const approvedLevels = new Set(reviews.filter((review) => review.decision?.decision === 'APPROVE').map((review) => review.level));
  return toApplicationView(application, documents, { levelsDone: approvedLevels.size }, extras);
}

/**
 * A fresh, short-lived link to the offer's contract text (a pre-signed GET in AWS). A link that cannot be made now
 * leaves the view without `offer.contract.url` rather than failing it: the id and the hash are still shown.
 */
async function contractLink(contracts: Pick<ContractStore, 'link'> | undefined, application: Application): Promise<{ contractUrl?: string }> {
  const objectKey = application.offer?.contract?.objectKey;
  if (!contracts || !objectKey) return {};
  try {
    return { contractUrl: await contracts.link(objectKey, CONTRACT_LINK_TTL_SECONDS) };
  } catch {
    return {};
  }
}

export function toApplicationSummary(application: Application) {
  const view = toApplicationView(application, []);
  return {
    applicationId: view.applicationId,
    status: view.status,
    productId: view.productId,
    channel: view.channel,
    loan: view.loan,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}

export async function listApplications(
  deps: { applications: Pick<ApplicationRepository, 'listAll' | 'listByOwner'> },
  caller: Caller,
  query: { limit: number; cursor?: string; status?: ApplicationStatus },
) {
  const page = caller.isStaff
    ? await deps.applications.listAll(query.limit, query.cursor, query.status)
    : await deps.applications.listByOwner(caller.subject, query.limit, query.cursor, query.status);
  return { items: page.items.map(toApplicationSummary), nextCursor: page.nextCursor ?? null };
}

/**
 * The pipeline writes an application several times in quick succession (decision, notice, contract, notice); a
 * withdrawal arriving in that burst re-reads and tries again, a few milliseconds apart, rather than answer 409.
 */
const WITHDRAW_ATTEMPTS = 8;
const WITHDRAW_RETRY_MS = 15;

/**
 * Withdraws an application before ACCEPTED and stops its pipeline. Withdrawing twice is not an error: the second
 * request sees WITHDRAWN and changes nothing.
 */
export async function withdrawApplication(
  deps: { applications: ApplicationRepository; workflow: Pick<PipelineExecutions, 'stop'>; clock: Clock },
  caller: Caller,
  applicationId: string,
) {
  // The pipeline moved the application meanwhile: read it again and decide on the new status.
  return withFreshApplication(
    deps.applications,
    applicationId,
    async (application) => {
      if (application.ownerId !== caller.subject) throw new NotFoundError(`no application ${applicationId}`);
      if (application.status === 'WITHDRAWN') return toApplicationView(application, await deps.applications.listDocuments(applicationId));
      if (!canTransition(application.status, 'WITHDRAWN')) {
        throw new ConflictError(`an application in status ${application.status} can no longer be withdrawn`);
      }
      const withdrawn = await deps.applications.transition({ application, to: 'WITHDRAWN', at: deps.clock.now().toISOString(), by: 'applicant' });
      await deps.workflow.stop(currentExecution(application), 'withdrawn by the applicant');
      return toApplicationView(withdrawn, await deps.applications.listDocuments(applicationId));
    },
    { attempts: WITHDRAW_ATTEMPTS, pauseMs: jitteredPause(WITHDRAW_RETRY_MS) },
  );
}

export async function requestDocumentUpload(
  deps: { applications: ApplicationRepository; documents: DocumentStorage; ids: IdGenerator; clock: Clock; settings: { uploadUrlTtlSeconds: number } },
  caller: Caller,
  applicationId: string,
  request: DocumentUploadRequest,
) {
  const application = await deps.applications.get(applicationId);
  if (!application || application.ownerId !== caller.subject) throw new NotFoundError(`no application ${applicationId}`);
  if (!isOpen(application.status)) {
    throw new ConflictError(`documents cannot be added to an application in status ${application.status}`);
  }
  const documentId = deps.ids.next();
  const document: ApplicationDocument = {
    documentId,
    kind: request.kind,
    contentType: request.contentType,
    sizeBytes: request.sizeBytes,
    status: 'PENDING_UPLOAD',
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.applications.addDocument(applicationId, document);
  const target = await deps.documents.createUploadUrl({
    objectKey: documentObjectKey(applicationId, documentId),
    contentType: request.contentType,
    sizeBytes: request.sizeBytes,
    expiresInSeconds: deps.settings.uploadUrlTtlSeconds,
  });
  return {
    documentId,
    kind: request.kind,
    uploadUrl: target.uploadUrl,
    uploadMethod: 'PUT' as const,
    uploadHeaders: { 'content-type': request.contentType, 'content-length': String(request.sizeBytes) },
    expiresAt: target.expiresAt,
  };
}

export function documentObjectKey(applicationId: string, documentId: string): string {
  return `applications/${applicationId}/${documentId}`;
}

export function parseDocumentObjectKey(objectKey: string): { applicationId: string; documentId: string } | undefined {
  const match = /^applications\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)$/.exec(objectKey);
  return match ? { applicationId: match[1]!, documentId: match[2]! } : undefined;
}

export type UploadOutcome = 'received' | 'rejected' | 'unchanged' | 'unknown-document' | 'no-object';

/**
 * An upload arrived (S3 Object Created): its first bytes are compared with the declared type. A match makes a pending
 * document RECEIVED; a mismatch makes it REJECTED (`file_signature_mismatch`, audited as `document.rejected` on the
 * application), and the object is deleted, so a file that is not what it says is never kept or counted: the kind stays
 * missing and the applicant asks for a new upload URL. A received document is checked again when its object is
 * written again (a signed URL used twice), and rejected if the new bytes do not match. Events come at least once: a
 * repeat changes nothing (a rejected document's object is deleted again and its audit event written if still missing).
 */
export async function receiveUploadedDocument(
  deps: { applications: ApplicationRepository; uploadedFiles: UploadedFiles; clock: Clock },
  objectKey: string,
): Promise<UploadOutcome> {
  const ids = parseDocumentObjectKey(objectKey);
  if (!ids) return 'unknown-document';
  const { applicationId, documentId } = ids;
  const document = (await deps.applications.listDocuments(applicationId)).find((d) => d.documentId === documentId);
  if (!document) return 'unknown-document';
  if (document.status === 'REJECTED') {
    await completeRejection(deps, applicationId, document, objectKey, document.rejectedAt ?? deps.clock.now().toISOString());
    return 'unchanged';
  }
  const head = await deps.uploadedFiles.readHead(objectKey, FILE_SIGNATURE_BYTES);
  if (!head) return 'no-object';
  const at = deps.clock.now().toISOString();
  if (matchesDeclaredType(head, document.contentType)) {
    if (document.status === 'RECEIVED') return 'unchanged';
    return (await deps.applications.markDocumentReceived(applicationId, documentId, at)) ? 'received' : 'unchanged';
  }
  const rejected = await deps.applications.markDocumentRejected(applicationId, documentId, { from: document.status, rejectedAt: at, reason: 'file_signature_mismatch' });
  if (!rejected) return 'unchanged';
  await completeRejection(deps, applicationId, document, objectKey, at, detectFileType(head) ?? null);
  return 'rejected';
}

/** The rest of a rejection, each part safe to repeat: the audit event (once per document), then the object's deletion. */
async function completeRejection(
  deps: { applications: ApplicationRepository; uploadedFiles: UploadedFiles },
  applicationId: string,
  document: ApplicationDocument,
  objectKey: string,
  at: string,
  detectedContentType?: string | null,
): Promise<void> {
  const audited = (await deps.applications.listAudit(applicationId)).some(
    (event) => event.action === 'document.rejected' && (event.details as { documentId?: string }).documentId === document.documentId,
  );
  if (!audited) {
    await withFreshApplication(deps.applications, applicationId, (application) =>
      deps.applications.annotate({
        application,
        at,
        audit: [
          {
            actor: 'system:document-check',
            action: 'document.rejected',
            details: {
              documentId: document.documentId,
              kind: document.kind,
              declaredContentType: document.contentType,
              ...(detectedContentType !== undefined ? { detectedContentType } : {}),
              reason: 'file_signature_mismatch',
            },
          },
        ],
      }),
    );
  }
  await deps.uploadedFiles.remove(objectKey);
}

/** Pipeline step: SUBMITTED → ASSESSING. A retried or repeated step finds the status already moved and does nothing. */
export async function markAssessing(deps: { applications: ApplicationRepository; clock: Clock }, applicationId: string) {
  const application = await deps.applications.get(applicationId);
  if (!application) throw new NotFoundError(`no application ${applicationId}`);
  if (application.status !== 'SUBMITTED') return { status: application.status, changed: false };
  const moved = await deps.applications.transition({
    application,
    to: 'ASSESSING',
    at: deps.clock.now().toISOString(),
    by: 'pipeline',
  });
  return { status: moved.status, changed: true };
}

/** Pipeline catch: the application becomes FAILED (if it is still open) and operations are alerted once. */
export async function recordPipelineFailure(
  deps: { applications: ApplicationRepository; notifier: Notifier; pii: PiiProtector; clock: Clock },
  input: { applicationId: string; executionName?: string; error?: { Error?: string; Cause?: string } },
) {
  const errorName = input.error?.Error ?? 'Unknown';
  const result = await retrying(async () => {
    const application = await deps.applications.get(input.applicationId);
    if (application && !canTransition(application.status, 'FAILED')) return { status: application.status, changed: false };
    const failed = application
      ? await deps.applications.transition({
          application,
          to: 'FAILED',
          at: deps.clock.now().toISOString(),
          by: 'pipeline',
          changes: { failure: { step: input.executionName ?? 'pipeline', message: errorName } },
        })
      : undefined;
    await deps.notifier.publish({
      topic: 'ops',
      subject: `Loan pipeline failed for application ${input.applicationId}`,
      body: [
        `Application: ${input.applicationId}`,
        `Execution: ${input.executionName ?? 'unknown'}`,
        `Error: ${errorName}`,
        `Status now: ${failed?.status ?? 'application not found'}`,
        'The application was moved to FAILED; nothing further will happen to it without an operator.',
      ].join('\n'),
      attributes: { kind: 'pipeline-failure', applicationId: input.applicationId },
    });
    return { status: failed?.status ?? 'UNKNOWN', changed: Boolean(failed) };
  }, { attempts: 3 });
  // An applicant who accepted is waiting for the money: a payout that failed is told to them (once per failure; a
  // retried task finds the application FAILED already and still makes sure they were told).
  const current = await deps.applications.get(input.applicationId);
  if (current?.status === 'FAILED' && statusBeforeFailure(current) === 'ACCEPTED') {
    await notifyApplicantOnce(deps, input.applicationId, 'payout_failed', `payout_failed:${current.redrives ?? 0}`);
  }
  return result;
}

/**
 * The payout's outcome is still unknown after its retries (the bank unreachable, a crash or timeout after the
 * transfer was asked for). The application stays ACCEPTED — the money may have moved, so it is never FAILED for this
 * — and the pipeline asks the bank again later with the same idempotency key. Operations are alerted once per
 * application, with the audit event `disbursement.delayed`.
 */
export async function recordPayoutDelay(
  deps: { applications: ApplicationRepository; notifier: Notifier; pii: PiiProtector; clock: Clock },
  input: { applicationId: string; executionName?: string; error?: { Error?: string; Cause?: string } },
): Promise<{ status: ApplicationStatus | 'UNKNOWN'; alerted: boolean }> {
  const errorName = input.error?.Error ?? 'Unknown';
  const application = await deps.applications.get(input.applicationId);
  if (!application) return { status: 'UNKNOWN', alerted: false };
  if (application.status !== 'ACCEPTED') return { status: application.status, alerted: false };
  if ((await deps.applications.listAudit(input.applicationId)).some((event) => event.action === 'disbursement.delayed')) {
    await notifyApplicantOnce(deps, input.applicationId, 'payout_delayed');
    return { status: application.status, alerted: false };
  }
  await withFreshApplication(deps.applications, input.applicationId, (current) =>
    deps.applications.annotate({ application: current, at: deps.clock.now().toISOString(), audit: [{ actor: 'pipeline', action: 'disbursement.delayed', details: { error: errorName } }] }),
  );
  await deps.notifier.publish({
    topic: 'ops',
    subject: `Payout delayed for application ${input.applicationId}`,
    body: [
      `Application: ${input.applicationId}`,
      `Execution: ${input.executionName ?? 'unknown'}`,
      `Error: ${errorName}`,
      'The payout could not be confirmed after its retries. The application stays ACCEPTED (the transfer may have gone',
      'through); the pipeline asks the bank again with the same idempotency key every 15 minutes until it answers.',
    ].join('\n'),
    attributes: { kind: 'payout-delayed', applicationId: input.applicationId },
  });
  // The applicant is told too, once: the money is late, nothing is owed yet, nothing is needed from them.
  await notifyApplicantOnce(deps, input.applicationId, 'payout_delayed');
  return { status: application.status, alerted: true };
}

/** The execution running the application now: the first is named by the application id, a re-drive by its own name. */
export function currentExecution(application: Pick<Application, 'applicationId' | 'pipelineExecution'>): string {
  return application.pipelineExecution ?? application.applicationId;
}

/** The status a failed application goes back to when re-driven: the one it was in when its step failed. */
export function statusBeforeFailure(application: Pick<Application, 'timeline'>): ApplicationStatus {
  const failedAt = application.timeline.map((entry) => entry.status).lastIndexOf('FAILED');
  const before = failedAt > 0 ? application.timeline[failedAt - 1]?.status : undefined;
  return before && before !== 'FAILED' ? before : 'SUBMITTED';
}

export interface RedriveResult {
  applicationId: string;
  status: ApplicationStatus;
  /** The new execution that continues the application. */
  executionName: string;
  /** The status it came back from (FAILED), or the one it was stuck in. */
  from: ApplicationStatus;
}

/**
 * Operations continue a failed or stuck application from where it stands (POST /v1/applications/{id}/redrive): a
 * FAILED one moves back to the status its failed step started from (taking the person's open-application slot back),
 * a stuck one keeps its status; the execution running it (if any) is stopped and a new one started, whose entry
 * (Resume) routes on the stored status. Audited as `application.redriven`. A final application is a ConflictError.
 */
export async function redriveApplication(
  deps: { applications: ApplicationRepository; workflow: PipelineExecutions; clock: Clock },
  operator: { subject: string },
  applicationId: string,
  correlationId?: string,
): Promise<RedriveResult> {
  const application = await deps.applications.get(applicationId);
  if (!application) throw new NotFoundError(`no application ${applicationId}`);
  if (isFinal(application.status)) throw new ConflictError(`the application is ${application.status}, a final status; there is nothing to re-drive`);
  const redrives = (application.redrives ?? 0) + 1;
  const executionName = `${applicationId}-r${redrives}`;
  const from = application.status;
  const at = deps.clock.now().toISOString();
  const actor = `ops:${operator.subject}`;
  const details = { from, executionName, previousExecution: currentExecution(application), failedStep: application.failure && 'step' in application.failure ? application.failure.step : null };
  // Optimistic lock: of two concurrent re-drives one writes, the other is a ConcurrentModificationError (409).
  if (from === 'FAILED') {
    const to = statusBeforeFailure(application);
    await deps.applications.transition({
      application,
      to,
      at,
      by: actor,
      changes: { redrives, pipelineExecution: executionName },
      audit: [{ actor, action: 'application.redriven', details: { ...details, to } }],
    });
  } else {
    await deps.applications.annotate({
      application,
      at,
      changes: { redrives, pipelineExecution: executionName },
      audit: [{ actor, action: 'application.redriven', details: { ...details, to: from } }],
    });
  }
  try {
    // The execution that may still hold the application (stuck on a wait) must not compete with the new one.
    await deps.workflow.stop(details.previousExecution, 're-driven by operations');
    await deps.workflow.start(executionName, pipelineInput(applicationId, correlationId));
  } catch (error) {
    throw new TemporarilyUnavailableError('the re-drive is recorded but its execution could not start yet; re-drive again', { cause: error });
  }
  const now = await deps.applications.get(applicationId);
  return { applicationId, status: now?.status ?? from, executionName, from };
}
