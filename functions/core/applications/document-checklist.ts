// The document checklist as a gate (PRODUCT.md §2.2, §3): an application that goes to review is held at the step its
// product names (`documentsRequiredBefore`) until every required document is received.
//
//   review     the application stays PENDING_REVIEW with its missing documents listed; reviewers are assigned (and
//              e-mailed, "checklist complete") only once the checklist is complete. The pipeline waits with a task
//              token (AwaitReviewDocuments) that the upload completing the checklist answers.
//   acceptance the review goes on; accepting the contract is refused (409 naming the missing documents) until the
//              checklist is complete. The offer's own validity bounds the wait.
//   payout     the contract may be accepted; the payout waits with a task token (AwaitPayoutDocuments) until complete.
//
// An application decided without review (an automatic approval) is never held: the channel verified the identity at
// sign-up, and §3 lists the checklists "for applications that go to review".
//
// A wait is bounded: the applicant is reminded once after 2 days (the review-SLA run), and the wait expires — the
// application becomes EXPIRED, the applicant is told why — at `dueAt`: the policy's review expiry (SLA
// `expireAfterHours`) after the wait began for a wait before review, the offer's validity (`offerValidDays`) for a
// wait before payout.

import type { Application, ApplicationDocument } from './application';
import { answerWaitingTask, notifyApplicantOnce, withFreshApplication } from './application-updates';
import type { ApplicationStatus } from './lifecycle';
import type { ApplicationRepository, TaskTokens } from './ports';
import { DEFAULT_DOCUMENT_GATE, type DocumentGate, type DocumentKind } from './products';
import { NotFoundError, TaskTokenGoneError, ValidationError } from '../kernel/errors';
import type { Clock, Notifier, PiiProtector } from '../kernel/ports';
import type { Policy } from '../decisioning/policy';

/** The gates the pipeline waits at with a task token (acceptance is gated by the acceptance itself). */
export type WaitingGate = Exclude<DocumentGate, 'acceptance'>;
export const WAITING_GATES: readonly WaitingGate[] = ['review', 'payout'];

/** The error the review-SLA run fails a documents wait with when it expires (the state machine catches it). */
export const DOCUMENTS_EXPIRED_ERROR = 'DocumentsExpired';
/** The applicant is reminded of missing documents once, this long after the wait began (PRODUCT.md §2.2). */
export const DOCUMENTS_REMINDER_AFTER_HOURS = 48;

/** The pipeline's wait for documents, kept on the application (never removed: completed or expired, it is history). */
export interface DocumentsWait {
  before: WaitingGate;
  since: string;
  /** When the wait expires the application. */
  dueAt: string;
  taskToken: string;
  completedAt?: string;
  expiredAt?: string;
}

/** The status an application is in while it waits at a gate. */
const WAITING_STATUS: Record<WaitingGate, ApplicationStatus> = { review: 'PENDING_REVIEW', payout: 'ACCEPTED' };

const HOUR_MS = 3600 * 1000;

// ---------------------------------------------------------------------------------------------------------------
// The rules (pure)
// ---------------------------------------------------------------------------------------------------------------

export function receivedKinds(documents: readonly ApplicationDocument[]): DocumentKind[] {
  return [...new Set(documents.filter((d) => d.status === 'RECEIVED').map((d) => d.kind))];
}

export function missingDocuments(application: Pick<Application, 'requiredDocuments'>, documents: readonly ApplicationDocument[]): DocumentKind[] {
  const received = receivedKinds(documents);
  return application.requiredDocuments.filter((kind) => !received.includes(kind));
}

/**
 * The step this application's checklist gates, or undefined when it gates nothing: no document is required, or the
 * application was not routed to review (not decided yet, or decided without review).
 */
export function documentGateOf(application: Pick<Application, 'requiredDocuments' | 'decision' | 'documentsRequiredBefore'>): DocumentGate | undefined {
  if (application.requiredDocuments.length === 0) return undefined;
  if (!application.decision || application.decision.levelsRequired === 0) return undefined;
  return application.documentsRequiredBefore ?? DEFAULT_DOCUMENT_GATE;
}

/** The documents that hold the application at `gate` (empty: the gate is open). */
export function documentsHolding(
  application: Pick<Application, 'requiredDocuments' | 'decision' | 'documentsRequiredBefore'>,
  documents: readonly ApplicationDocument[],
  gate: DocumentGate,
): DocumentKind[] {
  return documentGateOf(application) === gate ? missingDocuments(application, documents) : [];
}

/** The wait the pipeline is in now, if any. */
export function openDocumentsWait(application: Pick<Application, 'documentsWait'>): DocumentsWait | undefined {
  const wait = application.documentsWait;
  return wait && !wait.completedAt && !wait.expiredAt ? wait : undefined;
}

/** How long a new wait at `gate` may last, by the policy. */
export function documentsDueAt(gate: WaitingGate, since: Date, policy: Pick<Policy, 'sla' | 'offerValidDays'>): string {
  const hours = gate === 'review' ? policy.sla.expireAfterHours : policy.offerValidDays * 24;
  return new Date(since.getTime() + hours * HOUR_MS).toISOString();
}

/**
 * What the application view says of the gate: what it waits for (`awaiting: 'documents'`) and by when, or why it
 * expired.
 */
export function documentsGateView(application: Application, documents: readonly ApplicationDocument[]) {
  const wait = openDocumentsWait(application);
  const heldAtAcceptance = application.status === 'APPROVED' && documentsHolding(application, documents, 'acceptance').length > 0;
  return {
    awaiting: wait || heldAtAcceptance ? ('documents' as const) : undefined,
    dueBy: wait ? wait.dueAt : heldAtAcceptance ? application.offer?.expiresAt : undefined,
    expired: application.status === 'EXPIRED' && application.documentsWait?.expiredAt !== undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The pipeline's steps
// ---------------------------------------------------------------------------------------------------------------

export interface DocumentsDeps {
  applications: ApplicationRepository;
  taskTokens: TaskTokens;
  clock: Clock;
}

export interface AwaitDocumentsInput {
  applicationId: string;
  gate: WaitingGate;
  taskToken: string;
}

export type AwaitDocumentsResult =
  /** Every required document is in (or the gate does not apply): the token was answered `{complete: true}`. */
  | { outcome: 'complete'; status: ApplicationStatus }
  /** The pipeline waits with this token until the checklist is complete or the wait expires. */
  | { outcome: 'waiting'; status: ApplicationStatus; missing: DocumentKind[]; dueAt: string }
  /** The application is no longer where the gate holds it (withdrawn, …): answered `{complete: false, status}`. */
  | { outcome: 'not_waiting'; status: ApplicationStatus };

/** What the pipeline's documents wait receives. */
export type DocumentsTaskOutput = { complete: true } | { complete: false; status: ApplicationStatus };

/**
 * The pipeline's AwaitReviewDocuments / AwaitPayoutDocuments task (`.waitForTaskToken`). Records the token on the
 * application while documents are missing (a retried or re-entered task keeps the wait's start and deadline and only
 * moves the token); answers at once when nothing is missing. The documents are read again after the token is stored,
 * so an upload that completed the checklist meanwhile is never missed.
 */
export async function awaitDocuments(deps: DocumentsDeps & { policies: { current(): Promise<Pick<Policy, 'sla' | 'offerValidDays'>> } }, input: AwaitDocumentsInput): Promise<AwaitDocumentsResult> {
  if (typeof input.taskToken !== 'string' || input.taskToken.length === 0) throw new ValidationError('a task token is required');
  if (!WAITING_GATES.includes(input.gate)) throw new ValidationError(`gate must be review or payout, got ${String(input.gate)}`);
  const application = await deps.applications.get(input.applicationId);
  if (!application) throw new NotFoundError(`no application ${input.applicationId}`);
  if (application.status !== WAITING_STATUS[input.gate]) {
    await answerWaitingTask(deps.taskTokens, input.taskToken, { complete: false, status: application.status });
    return { outcome: 'not_waiting', status: application.status };
  }
  const missing = documentsHolding(application, await deps.applications.listDocuments(input.applicationId), input.gate);
  if (missing.length === 0) return complete(deps, input.applicationId, input.taskToken);

  const policy = await deps.policies.current();
  const waiting = await withFreshApplication(deps.applications, input.applicationId, async (current) => {
    if (current.status !== WAITING_STATUS[input.gate]) return undefined;
    const open = openDocumentsWait(current);
    const now = deps.clock.now();
    const same = open && open.before === input.gate ? open : undefined;
    if (same?.taskToken === input.taskToken) return current;
    const wait: DocumentsWait = same
      ? { ...same, taskToken: input.taskToken }
      : { before: input.gate, since: now.toISOString(), dueAt: documentsDueAt(input.gate, now, policy), taskToken: input.taskToken };
    return deps.applications.annotate({
      application: current,
      at: now.toISOString(),
      changes: { documentsWait: wait },
      audit: same ? [] : [{ actor: 'pipeline', action: 'documents.awaited', details: { before: input.gate, missing, dueAt: wait.dueAt } }],
    });
  });
  if (!waiting) {
    const now = await deps.applications.get(input.applicationId);
    await answerWaitingTask(deps.taskTokens, input.taskToken, { complete: false, status: now!.status });
    return { outcome: 'not_waiting', status: now!.status };
  }
  // An upload that arrived between the first read and the stored token found no token to answer: look again.
  const still = documentsHolding(waiting, await deps.applications.listDocuments(input.applicationId), input.gate);
  if (still.length === 0) return complete(deps, input.applicationId, input.taskToken);
  return { outcome: 'waiting', status: waiting.status, missing: still, dueAt: waiting.documentsWait!.dueAt };
}

async function complete(deps: DocumentsDeps, applicationId: string, taskToken: string): Promise<AwaitDocumentsResult> {
  await answerWaitingTask(deps.taskTokens, taskToken, { complete: true });
  const application = await markWaitCompleted(deps, applicationId);
  return { outcome: 'complete', status: application.status };
}

/** Records the open wait (if any) as completed, with the audit event `documents.completed`. */
async function markWaitCompleted(deps: Pick<DocumentsDeps, 'applications' | 'clock'>, applicationId: string): Promise<Application> {
  return withFreshApplication(deps.applications, applicationId, async (application) => {
    const open = openDocumentsWait(application);
    if (!open) return application;
    const at = deps.clock.now().toISOString();
    return deps.applications.annotate({
      application,
      at,
      changes: { documentsWait: { ...open, completedAt: at } },
      audit: [{ actor: 'pipeline', action: 'documents.completed', details: { before: open.before, waitedSince: open.since } }],
    });
  });
}

export interface ExpiryDeps {
  applications: ApplicationRepository;
  notifier: Notifier;
  pii: PiiProtector;
  clock: Clock;
}

/** Where the pipeline goes after a documents wait ended without the upload's answer (its timeout or the expiry). */
export type DocumentsCheckNext = 'Continue' | 'Wait' | 'End';

/**
 * The pipeline's CheckReviewDocuments / CheckPayoutDocuments task: the documents wait timed out (a daily backstop) or
 * was failed by the review-SLA run's expiry. Complete meanwhile → `Continue`; past its deadline → EXPIRED (`End`);
 * otherwise `Wait` again (the await task keeps the wait's start and deadline). An application that left the gate's
 * status (withdrawn, expired) → `End`.
 */
export async function checkDocumentsWait(deps: ExpiryDeps, input: { applicationId: string; gate: WaitingGate }): Promise<{ status: ApplicationStatus; next: DocumentsCheckNext }> {
  const application = await deps.applications.get(input.applicationId);
  if (!application) throw new NotFoundError(`no application ${input.applicationId}`);
  if (application.status !== WAITING_STATUS[input.gate]) return { status: application.status, next: 'End' };
  const missing = documentsHolding(application, await deps.applications.listDocuments(input.applicationId), input.gate);
  if (missing.length === 0) {
    const completed = await markWaitCompleted(deps, input.applicationId);
    return { status: completed.status, next: 'Continue' };
  }
  const open = openDocumentsWait(application);
  if (open && open.before === input.gate && deps.clock.now().getTime() >= Date.parse(open.dueAt)) {
    const status = await expireDocumentsWait(deps, input.applicationId);
    return { status, next: status === 'EXPIRED' ? 'End' : 'Wait' };
  }
  return { status: application.status, next: 'Wait' };
}

/**
 * The wait is past its deadline with documents still missing: the application becomes EXPIRED (audit
 * `documents.expired`, the missing documents named) and the applicant is told why, once. Returns the status after.
 */
export async function expireDocumentsWait(deps: ExpiryDeps, applicationId: string): Promise<ApplicationStatus> {
  const result = await withFreshApplication(deps.applications, applicationId, async (application) => {
    const open = openDocumentsWait(application);
    if (!open || application.status !== WAITING_STATUS[open.before]) return { status: application.status, changed: false };
    const now = deps.clock.now();
    if (now.getTime() < Date.parse(open.dueAt)) return { status: application.status, changed: false };
    const missing = documentsHolding(application, await deps.applications.listDocuments(applicationId), open.before);
    if (missing.length === 0) return { status: application.status, changed: false };
    const at = now.toISOString();
    const moved = await deps.applications.transition({
      application,
      to: 'EXPIRED',
      at,
      by: 'pipeline',
      changes: { documentsWait: { ...open, expiredAt: at } },
      audit: [{ actor: 'pipeline', action: 'documents.expired', details: { before: open.before, missing, since: open.since, dueAt: open.dueAt } }],
    });
    return { status: moved.status, changed: true, missing };
  });
  const expired = await deps.applications.get(applicationId);
  if (expired?.status === 'EXPIRED' && expired.documentsWait?.expiredAt) {
    await notifyApplicantOnce(deps, applicationId, 'documents_expired', 'documents_expired', undefined, {
      documents: missingDocuments(expired, await deps.applications.listDocuments(applicationId)),
    });
  }
  return result.status;
}

// ---------------------------------------------------------------------------------------------------------------
// An upload arrived (document-uploaded)
// ---------------------------------------------------------------------------------------------------------------

/**
 * After a document is received: if the pipeline waits for documents and none is missing now, it is resumed
 * (`{complete: true}`) and the wait recorded as completed. The answer is sent before the record, so a retried event
 * (EventBridge delivers at least once) repairs a record that failed; a token already answered is not an error.
 */
export async function resumeIfChecklistComplete(deps: DocumentsDeps, applicationId: string): Promise<'resumed' | 'still_missing' | 'not_waiting'> {
  const application = await deps.applications.get(applicationId);
  const open = application ? openDocumentsWait(application) : undefined;
  if (!application || !open) return 'not_waiting';
  if (documentsHolding(application, await deps.applications.listDocuments(applicationId), open.before).length > 0) return 'still_missing';
  await answerWaitingTask(deps.taskTokens, open.taskToken, { complete: true });
  await markWaitCompleted(deps, applicationId);
  return 'resumed';
}

// ---------------------------------------------------------------------------------------------------------------
// The scheduled run (review-sla): remind once after 2 days, expire past the deadline
// ---------------------------------------------------------------------------------------------------------------

export interface DocumentsSlaResult {
  documentsReminded: number;
  documentsExpired: number;
  documentsFailed: number;
}

const SLA_PAGE = 100;

/**
 * Every application waiting for documents (read from the PENDING_REVIEW and ACCEPTED status partitions: applications
 * in review or about to be paid out, a number bounded by the lender's review capacity): the applicant is reminded once
 * after 2 days, in their language, of what is missing; a wait past its deadline expires the application and fails the
 * pipeline's wait (DocumentsExpired), which then ends.
 */
export async function runDocumentsSla(
  deps: ExpiryDeps & { taskTokens: TaskTokens; logger?: { error(message: string, ...extra: Record<string, unknown>[]): void } },
): Promise<DocumentsSlaResult> {
  const result: DocumentsSlaResult = { documentsReminded: 0, documentsExpired: 0, documentsFailed: 0 };
  const now = deps.clock.now();
  for (const status of ['PENDING_REVIEW', 'ACCEPTED'] as const) {
    let cursor: string | undefined;
    do {
      const page = await deps.applications.listAll(SLA_PAGE, cursor, status);
      for (const listed of page.items) {
        const open = openDocumentsWait(listed);
        if (!open) continue;
        try {
          if (now.getTime() >= Date.parse(open.dueAt)) {
            if ((await expireDocumentsWait(deps, listed.applicationId)) === 'EXPIRED') {
              result.documentsExpired += 1;
              try {
                await deps.taskTokens.sendTaskFailure(open.taskToken, DOCUMENTS_EXPIRED_ERROR, `the required documents of ${listed.applicationId} were not received by ${open.dueAt}`);
              } catch (error) {
                if (!(error instanceof TaskTokenGoneError)) throw error;
              }
            }
            continue;
          }
          const key = `documents_reminder:${open.before}`;
          if (now.getTime() >= Date.parse(open.since) + DOCUMENTS_REMINDER_AFTER_HOURS * HOUR_MS && !listed.notified?.includes(key)) {
            const missing = documentsHolding(listed, await deps.applications.listDocuments(listed.applicationId), open.before);
            if (missing.length === 0) continue;
            await notifyApplicantOnce(deps, listed.applicationId, 'documents_reminder', key, undefined, { documents: missing, dueBy: open.dueAt });
            result.documentsReminded += 1;
          }
        } catch (error) {
          result.documentsFailed += 1;
          deps.logger?.error('documents SLA step failed', { applicationId: listed.applicationId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  return result;
}
