// The contract (PRODUCT.md §2.6, API.md `POST …/contract/accept`).
//
// draftContract — called by the decision that approves (decide.ts), so that APPROVED, the offer and its contract are
//   written together and no reader ever sees an approval without its contract. Renders the contract (both languages,
//   the applicant's first) from the offer's terms, fixed now from the product as it is; stores it with its SHA-256.
//   The terms are recorded with the contract: the loan is opened from them (disbursement.ts), never from the product.
//
// prepareContract — Step Functions task with `.waitForTaskToken`. For an APPROVED application: records the waiting
//   task token (`contractTaskToken`); the pipeline then waits until acceptContract answers the token. Idempotent: a
//   retried or re-entered task (a new token) only records the new token; an application already ACCEPTED answers the
//   new token at once; one that is no longer APPROVED (withdrawn, expired) answers `{accepted: false, status}` so the
//   pipeline can end.
//
// acceptContract — only the owner (anyone else: 404); the application APPROVED, its contract ready, the offer not
//   expired by the clock; `contractSha256` equal to the stored hash (else 422 naming `contractSha256`, nothing changes);
//   a disbursement account given now or at submission (else 422 naming `disbursementAccount`). Records the acceptance
//   (time, channel, the hash accepted), moves APPROVED → ACCEPTED with the audit event `contract.accepted`, and resumes
//   the pipeline: `sendTaskSuccess(token, {accepted: true, acceptedAt, contractId, sha256, channel})`.
//   Accepting again with the same hash is idempotent: 200 with the recorded acceptance (`replayed: true`) while the
//   application is ACCEPTED or DISBURSED, and the task success is sent again if still ACCEPTED (harmless when the
//   pipeline no longer waits), so a response lost on the way is repaired by retrying. In any other status (FAILED,
//   WITHDRAWN, EXPIRED, …) the answer is 409.
//
// expireOffer — the pipeline's wait timed out: an APPROVED application whose offer has expired by the clock becomes
//   EXPIRED (audit `offer.expired`, the applicant told once). Not yet expired → unchanged `APPROVED` (the pipeline
//   waits again by re-entering prepareContract); ACCEPTED meanwhile → unchanged `ACCEPTED` (go on to disburse).

import { z } from 'zod';
import type { Application } from '../applications/application';
import {
  ACCEPTANCE_CHANNELS,
  CONTRACT_TEMPLATE_VERSION,
  DEFAULT_CONTRACT_TERMS,
  DEFAULT_LATE_FEE_RULE,
  renderContract,
  type AcceptanceChannel,
  type ContractAcceptance,
  type ContractInstallment,
  type ContractStore,
  type LateFeeRule,
  type OfferContract,
} from './contract';
import { disbursementAccountSchema, type DisbursementAccount } from './core-banking';
import { answerWaitingTask, notifyApplicantOnce, withFreshApplication } from '../applications/application-updates';
import { ConflictError, DocumentsMissingError, NotFoundError, TemporarilyUnavailableError, ValidationError } from '../kernel/errors';
import type { Caller } from '../applications/intake';
import type { ApplicationStatus } from '../applications/lifecycle';
import { documentsHolding } from '../applications/document-checklist';
import type { ContractedTerms, Offer } from '../decisioning/offer';
import type { Clock, IdGenerator, Notifier, PiiProtector } from '../kernel/ports';
import type { ApplicationRepository, TaskTokens } from '../applications/ports';
import { dayIn } from '../kernel/dates';
import { generateSchedule, type ScheduleTerms } from '../lending-math/schedule';
import { aprPercent, scheduleCashFlows } from '../lending-math/apr';

// ---------------------------------------------------------------------------------------------------------------
// Request schema (POST /v1/applications/{applicationId}/contract/accept)
// ---------------------------------------------------------------------------------------------------------------

export const contractAcceptanceSchema = z.strictObject({
  contractSha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be the SHA-256 of the contract as 64 hex digits (offer.contract.sha256 in the application)')
    .transform((hash) => hash.toLowerCase()),
  /** Where to pay the loan, if it was not given with the application (given here, it replaces that one). */
  disbursementAccount: disbursementAccountSchema.nullable().optional(),
});
export type ContractAcceptanceRequest = z.infer<typeof contractAcceptanceSchema>;

/** The header that names the acceptance channel; absent → `api`. */
export const CHANNEL_HEADER = 'x-channel';

/** The channel of an acceptance from the request header (web, app, partner, branch); absent → `api`. */
export function acceptanceChannel(header: string | undefined): AcceptanceChannel {
  if (header === undefined || header.trim() === '') return 'api';
  const value = header.trim().toLowerCase();
  if (!(ACCEPTANCE_CHANNELS as readonly string[]).includes(value)) {
    throw new ValidationError('the request has 1 problem', [{ path: 'X-Channel', message: `must be one of ${ACCEPTANCE_CHANNELS.join(', ')}` }]);
  }
  return value as AcceptanceChannel;
}

// ---------------------------------------------------------------------------------------------------------------
// The schedule of a contract
// ---------------------------------------------------------------------------------------------------------------

/** A contract's schedule on a disbursement date, with the APR the schedule generator computed. */
export interface ContractSchedule {
  /** YYYY-MM-DD: the disbursement date the schedule assumes. */
  disbursementDate: string;
  installments: ContractInstallment[];
  aprPercent: string;
}

/**
 * The schedule of the contracted terms from `disbursementDate`: the schedule generator (schedule.ts) on exactly those
 * terms; the APR is the IRR of its cash flows (apr.ts). The contract shows it from the day it is made; the loan is
 * opened with it from the day the money is paid out — same terms, so only the dates and the amounts they give move.
 */
export function contractSchedule(terms: ContractedTerms, disbursementDate: string): ContractSchedule {
  const scheduleTerms: ScheduleTerms = { ...terms, disbursementDate };
  const schedule = generateSchedule(scheduleTerms);
  return {
    disbursementDate,
    installments: schedule.installments.map(({ n, dueDate, principalMinor, interestMinor, feesMinor, totalMinor }) => ({
      n,
      dueDate,
      principalMinor,
      interestMinor,
      feesMinor,
      totalMinor,
    })),
    aprPercent: aprPercent(scheduleCashFlows(scheduleTerms, schedule)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// draftContract (with the approval)
// ---------------------------------------------------------------------------------------------------------------

export interface DraftContractDeps {
  contracts: Pick<ContractStore, 'put'>;
  pii: PiiProtector;
  ids: IdGenerator;
  /** The lender's name in the contract, and its time zone (the schedule starts on the day the contract is made there). */
  settings: { lenderName?: string; timeZone: string };
}

/** The sealed applicant blob (intake.ts): what the contract and the disbursement need from it. */
interface SealedApplicant {
  applicant: { fullName: string; nationalId: string };
  disbursementAccount?: DisbursementAccount | null;
}

/**
 * Renders and stores the contract of an offer made now, on `terms`. Returns the record to write with the approval and
 * its audit event. A fresh contract id per call: two overlapping attempts never overwrite each other's text, and only
 * the one whose conditional write of the approval wins is ever referenced.
 */
export async function draftContract(
  deps: DraftContractDeps,
  input: { application: Application; offer: Offer; terms: ContractedTerms; now: Date; lateFee?: LateFeeRule },
): Promise<{ contract: OfferContract; audit: { actor: string; action: string; details: Record<string, unknown> } }> {
  const { application, offer, terms, now } = input;
  const at = now.toISOString();
  const sealed = await deps.pii.open<SealedApplicant>(application.sealedApplicant);
  const schedule = contractSchedule(terms, dayIn(now, deps.settings.timeZone));
  const contractId = deps.ids.next();
  const rendered = renderContract({
    contractId,
    applicationId: application.applicationId,
    generatedAt: at,
    language: application.preferredLanguage,
    terms: { ...DEFAULT_CONTRACT_TERMS, ...(deps.settings.lenderName ? { lenderName: deps.settings.lenderName } : {}) },
    borrower: { fullName: sealed.applicant.fullName, nationalId: sealed.applicant.nationalId },
    currency: terms.currency,
    principalMinor: terms.principalMinor,
    annualRatePercent: terms.annualRatePercent,
    aprPercent: schedule.aprPercent,
    termMonths: offer.termMonths,
    method: terms.method,
    frequency: terms.frequency,
    lateFee: input.lateFee ?? DEFAULT_LATE_FEE_RULE,
    schedule: { disbursementDate: schedule.disbursementDate, installments: schedule.installments },
    offerExpiresAt: offer.expiresAt,
  });
  const stored = await deps.contracts.put(application.applicationId, contractId, rendered.text);
  if (stored.sha256 !== rendered.sha256) throw new Error(`the contract store answered another hash for contract ${contractId}`);
  return {
    contract: { contractId, sha256: rendered.sha256, objectKey: stored.objectKey, generatedAt: at, templateVersion: rendered.templateVersion, terms },
    audit: {
      actor: 'pipeline',
      action: 'contract.generated',
      details: {
        contractId,
        sha256: rendered.sha256,
        templateVersion: CONTRACT_TEMPLATE_VERSION,
        language: application.preferredLanguage,
        installments: schedule.installments.length,
        frequency: terms.frequency,
        aprPercent: schedule.aprPercent,
        offerExpiresAt: offer.expiresAt,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// prepareContract
// ---------------------------------------------------------------------------------------------------------------

export interface PrepareContractDeps {
  applications: ApplicationRepository;
  clock: Clock;
  taskTokens: TaskTokens;
}

export interface PrepareContractInput {
  applicationId: string;
  taskToken: string;
  executionName?: string;
}

export type PrepareContractResult =
  /** The pipeline waits with this token for the acceptance of the contract made with the approval. */
  | { outcome: 'waiting'; status: ApplicationStatus; contractId: string; sha256: string; acceptBy: string }
  /** Accepted already: the token was answered with the acceptance. */
  | { outcome: 'accepted'; status: ApplicationStatus; contractId: string; sha256: string }
  /** No longer APPROVED (withdrawn, expired, …): the token was answered with `{accepted: false, status}`. */
  | { outcome: 'not_approved'; status: ApplicationStatus };

/** What the pipeline's wait receives when the applicant accepts. */
export interface AcceptanceTaskOutput {
  [key: string]: unknown;
  accepted: true;
  acceptedAt: string;
  contractId: string;
  sha256: string;
  channel: AcceptanceChannel;
}

export async function prepareContract(deps: PrepareContractDeps, input: PrepareContractInput): Promise<PrepareContractResult> {
  if (typeof input.taskToken !== 'string' || input.taskToken.length === 0) throw new ValidationError('a task token is required');
  const step = await withFreshApplication(deps.applications, input.applicationId, async (application) => {
    if (application.acceptance && (application.status === 'ACCEPTED' || application.status === 'DISBURSED')) {
      return { kind: 'accepted' as const, application };
    }
    if (application.status !== 'APPROVED') return { kind: 'not_approved' as const, application };
    const contract = application.offer?.contract;
    // The approval writes its contract with it (draftContract): an approval without one is a defect, not a wait.
    if (!contract) throw new ConflictError(`application ${application.applicationId} is APPROVED without its contract`);
    if (application.contractTaskToken === input.taskToken) return { kind: 'waiting' as const, application, contract };
    const updated = await deps.applications.annotate({ application, at: deps.clock.now().toISOString(), changes: { contractTaskToken: input.taskToken }, audit: [] });
    return { kind: 'waiting' as const, application: updated, contract };
  });

  const { application } = step;
  if (step.kind === 'accepted') {
    const acceptance = application.acceptance!;
    await answerWaitingTask(deps.taskTokens, input.taskToken, acceptanceOutput(acceptance));
    return { outcome: 'accepted', status: application.status, contractId: acceptance.contractId, sha256: acceptance.sha256 };
  }
  if (step.kind === 'not_approved') {
    await answerWaitingTask(deps.taskTokens, input.taskToken, { accepted: false, status: application.status });
    return { outcome: 'not_approved', status: application.status };
  }
  return { outcome: 'waiting', status: application.status, contractId: step.contract.contractId, sha256: step.contract.sha256, acceptBy: application.offer!.expiresAt };
}

function acceptanceOutput(acceptance: ContractAcceptance): AcceptanceTaskOutput {
  return { accepted: true, acceptedAt: acceptance.acceptedAt, contractId: acceptance.contractId, sha256: acceptance.sha256, channel: acceptance.channel };
}

// ---------------------------------------------------------------------------------------------------------------
// acceptContract
// ---------------------------------------------------------------------------------------------------------------

export interface AcceptContractDeps {
  applications: ApplicationRepository;
  taskTokens: TaskTokens;
  pii: PiiProtector;
  clock: Clock;
}

export interface AcceptContractResult {
  applicationId: string;
  status: ApplicationStatus;
  acceptance: { contractId: string; sha256: string; acceptedAt: string; channel: AcceptanceChannel };
  /** True when this request repeated an acceptance already recorded. */
  replayed: boolean;
  /** Whether the waiting pipeline got the answer now ('gone': it no longer waits; 'none': no token recorded). */
  delivery: 'delivered' | 'gone' | 'none';
}

const ACCEPTED_STATUSES: readonly ApplicationStatus[] = ['ACCEPTED', 'DISBURSED'];

export async function acceptContract(
  deps: AcceptContractDeps,
  caller: Caller,
  applicationId: string,
  request: ContractAcceptanceRequest,
  channel: AcceptanceChannel = 'api',
): Promise<AcceptContractResult> {
  const hash = request.contractSha256.toLowerCase();
  const accepted = await withFreshApplication(deps.applications, applicationId, async (application) => {
    // Only the owner: staff and other applicants get the same 404 as for an id that does not exist.
    if (application.ownerId !== caller.subject) throw new NotFoundError(`no application ${applicationId}`);
    if (application.acceptance && ACCEPTED_STATUSES.includes(application.status)) {
      if (application.acceptance.sha256 !== hash) throw hashMismatch('does not match the contract already accepted for this application');
      return { application, replayed: true };
    }
    if (application.status !== 'APPROVED') {
      throw new ConflictError(`an application in status ${application.status} has no contract to accept`);
    }
    const offer = application.offer;
    const contract = offer?.contract;
    if (!offer || !contract) throw new ConflictError('the contract is not ready yet; read the application again in a moment');
    const now = deps.clock.now();
    if (now.getTime() >= Date.parse(offer.expiresAt)) throw new ConflictError(`the offer expired at ${offer.expiresAt}; it can no longer be accepted`);
    if (hash !== contract.sha256) throw hashMismatch('does not match the offered contract: read the contract at offer.contract.url and send its offer.contract.sha256');
    // The product's checklist gates the acceptance (a reviewed application): every required document first.
    const missing = documentsHolding(application, await deps.applications.listDocuments(applicationId), 'acceptance');
    if (missing.length > 0) {
      throw new DocumentsMissingError(`the contract can be accepted once the required documents are received; missing: ${missing.join(', ')}`, missing);
    }

    const given = request.disbursementAccount ?? undefined;
    if (!given) {
      const sealed = await deps.pii.open<SealedApplicant>(application.sealedApplicant);
      if (!sealed.disbursementAccount) {
        throw new ValidationError('the request has 1 problem', [
          { path: 'disbursementAccount', message: 'is required: no account to pay the loan into was given with the application' },
        ]);
      }
    }
    const at = now.toISOString();
    const acceptance: ContractAcceptance = { contractId: contract.contractId, sha256: hash, acceptedAt: at, channel, acceptedBy: `applicant:${caller.subject}` };
    const moved = await deps.applications.transition({
      application,
      to: 'ACCEPTED',
      at,
      by: 'applicant',
      changes: { acceptance, ...(given ? { sealedDisbursementAccount: await deps.pii.seal(given) } : {}) },
      audit: [
        {
          actor: `applicant:${caller.subject}`,
          action: 'contract.accepted',
          details: { contractId: contract.contractId, sha256: hash, channel, disbursementAccountFrom: given ? 'acceptance' : 'application' },
        },
      ],
    });
    return { application: moved, replayed: false };
  });

  const { application, replayed } = accepted;
  const acceptance = application.acceptance!;
  let delivery: AcceptContractResult['delivery'] = 'none';
  if (application.status === 'ACCEPTED' && application.contractTaskToken) {
    try {
      delivery = await answerWaitingTask(deps.taskTokens, application.contractTaskToken, acceptanceOutput(acceptance));
    } catch (error) {
      throw new TemporarilyUnavailableError('the acceptance is recorded, but the disbursement could not be started yet; send the same request again', {
        cause: error,
      });
    }
  }
  return {
    applicationId: application.applicationId,
    status: application.status,
    acceptance: { contractId: acceptance.contractId, sha256: acceptance.sha256, acceptedAt: acceptance.acceptedAt, channel: acceptance.channel },
    replayed,
    delivery,
  };
}

function hashMismatch(message: string): ValidationError {
  return new ValidationError('the contract hash does not match', [{ path: 'contractSha256', message }]);
}

// ---------------------------------------------------------------------------------------------------------------
// expireOffer
// ---------------------------------------------------------------------------------------------------------------

export async function expireOffer(
  deps: { applications: ApplicationRepository; notifier: Notifier; pii: PiiProtector; clock: Clock },
  input: { applicationId: string },
): Promise<{ status: ApplicationStatus; changed: boolean }> {
  const result = await withFreshApplication(deps.applications, input.applicationId, async (application) => {
    if (application.status !== 'APPROVED' || !application.offer) return { status: application.status, changed: false };
    const now = deps.clock.now();
    if (now.getTime() < Date.parse(application.offer.expiresAt)) return { status: application.status, changed: false };
    const moved = await deps.applications.transition({
      application,
      to: 'EXPIRED',
      at: now.toISOString(),
      by: 'pipeline',
      audit: [
        {
          actor: 'pipeline',
          action: 'offer.expired',
          details: { expiresAt: application.offer.expiresAt, contractId: application.offer.contract?.contractId ?? null },
        },
      ],
    });
    return { status: moved.status, changed: true };
  });
  if (result.changed) await notifyApplicantOnce(deps, input.applicationId, 'offer_expired');
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// For the Disburse step
// ---------------------------------------------------------------------------------------------------------------

/**
 * The account to pay the loan into: the one given with the acceptance, else the one given with the application;
 * undefined when neither was given (the Disburse step then fails the application with that reason).
 */
export async function disbursementAccountOf(deps: { pii: PiiProtector }, application: Application): Promise<DisbursementAccount | undefined> {
  if (application.sealedDisbursementAccount) return deps.pii.open<DisbursementAccount>(application.sealedDisbursementAccount);
  const sealed = await deps.pii.open<SealedApplicant>(application.sealedApplicant);
  return sealed.disbursementAccount ?? undefined;
}
