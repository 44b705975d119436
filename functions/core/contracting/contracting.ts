// The Contract step and the applicant's acceptance (PRODUCT.md §2.6, API.md `POST …/contract/accept`).
//
// prepareContract — Step Functions task with `.waitForTaskToken`. For an APPROVED application: the schedule, the
//   contract text (both languages, the applicant's first), stored with its SHA-256, recorded on the application as
//   `offer.contract` together with the waiting task token (`contractTaskToken`), an audit event `contract.generated`,
//   and the applicant told once (SMS + e-mail) that the contract is ready. The pipeline then waits until
//   acceptContract answers the token. Idempotent: a retried or re-entered task (a new token) finds the contract and
//   only records the new token; an application already ACCEPTED answers the new token at once; one that is no longer
//   APPROVED (withdrawn, expired) answers `{accepted: false, status}` so the pipeline can end.
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
import { notifyApplicantOnce, withFreshApplication } from '../applications/application-updates';
import { ConflictError, NotFoundError, TaskTokenGoneError, TemporarilyUnavailableError, ValidationError } from '../kernel/errors';
import type { Caller } from '../applications/intake';
import type { ApplicationStatus } from '../applications/lifecycle';
import { toMinor } from '../kernel/money';
import type { Offer } from '../decisioning/offer';
import type { Clock, IdGenerator, Notifier, PiiProtector } from '../kernel/ports';
import type { ApplicationRepository, ProductCatalog, TaskTokens } from '../applications/ports';
import type { Product } from '../applications/products';
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
// The schedule shown in the contract
// ---------------------------------------------------------------------------------------------------------------

/** The schedule of an offer as the contract shows it, with the APR the schedule generator computed. */
export interface ContractSchedule {
  /** YYYY-MM-DD: the disbursement date the schedule assumes. */
  disbursementDate: string;
  installments: ContractInstallment[];
  aprPercent: string;
}

/** Builds the contract's schedule for an offer (see `offerSchedule`). */
export type ContractScheduleSource = (input: { application: Application; offer: Offer; product: Product | undefined; disbursementDate: string }) => ContractSchedule;

// ---------------------------------------------------------------------------------------------------------------
// prepareContract
// ---------------------------------------------------------------------------------------------------------------

export interface PrepareContractDeps {
  applications: ApplicationRepository;
  contracts: Pick<ContractStore, 'put'>;
  products: ProductCatalog;
  notifier: Notifier;
  pii: PiiProtector;
  ids: IdGenerator;
  clock: Clock;
  taskTokens: TaskTokens;
  /** The lender's name in the contract, and its time zone (the schedule starts on the day the contract is made there). */
  settings: { lenderName?: string; timeZone: string };
}

export interface PrepareContractInput {
  applicationId: string;
  taskToken: string;
  executionName?: string;
  /** The schedule builder; default `offerSchedule`. */
  schedule?: ContractScheduleSource;
  /** Default DEFAULT_LATE_FEE_RULE. */
  lateFee?: LateFeeRule;
}

export type PrepareContractResult =
  /** The contract is stored (now or before) and the pipeline waits with this token. */
  | { outcome: 'waiting'; status: ApplicationStatus; contractId: string; sha256: string; created: boolean; acceptBy: string }
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

/** The sealed applicant blob (intake.ts): what the contract and the disbursement need from it. */
interface SealedApplicant {
  applicant: { fullName: string; nationalId: string };
  disbursementAccount?: DisbursementAccount | null;
}

export async function prepareContract(deps: PrepareContractDeps, input: PrepareContractInput): Promise<PrepareContractResult> {
  if (typeof input.taskToken !== 'string' || input.taskToken.length === 0) throw new ValidationError('a task token is required');
  const step = await withFreshApplication(deps.applications, input.applicationId, async (application) => {
    if (application.acceptance && (application.status === 'ACCEPTED' || application.status === 'DISBURSED')) {
      return { kind: 'accepted' as const, application };
    }
    if (application.status !== 'APPROVED') return { kind: 'not_approved' as const, application };
    const offer = application.offer;
    if (!offer) throw new ConflictError(`application ${application.applicationId} is APPROVED without an offer`);
    const now = deps.clock.now();
    const at = now.toISOString();
    if (offer.contract) {
      // A retried or re-entered task: the contract stands; the pipeline now waits with this token.
      if (application.contractTaskToken === input.taskToken) return { kind: 'waiting' as const, application, contract: offer.contract, created: false };
      const updated = await deps.applications.annotate({ application, at, changes: { contractTaskToken: input.taskToken }, audit: [] });
      return { kind: 'waiting' as const, application: updated, contract: offer.contract, created: false };
    }

    const product = await deps.products.get(application.productId);
    const sealed = await deps.pii.open<SealedApplicant>(application.sealedApplicant);
    const schedule = (input.schedule ?? offerSchedule)({ application, offer, product, disbursementDate: dayIn(now, deps.settings.timeZone) });
    const contractId = deps.ids.next();
    const rendered = renderContract({
      contractId,
      applicationId: application.applicationId,
      generatedAt: at,
      language: application.preferredLanguage,
      terms: { ...DEFAULT_CONTRACT_TERMS, ...(deps.settings.lenderName ? { lenderName: deps.settings.lenderName } : {}) },
      borrower: { fullName: sealed.applicant.fullName, nationalId: sealed.applicant.nationalId },
      currency: application.currency,
      principalMinor: application.amountMinor,
      annualRatePercent: offer.annualRatePercent,
      aprPercent: schedule.aprPercent,
      termMonths: offer.termMonths,
      method: offer.method,
      frequency: product?.frequency ?? 'monthly',
      lateFee: input.lateFee ?? DEFAULT_LATE_FEE_RULE,
      schedule: { disbursementDate: schedule.disbursementDate, installments: schedule.installments },
      offerExpiresAt: offer.expiresAt,
    });
    // A fresh contract id per attempt: two overlapping attempts never overwrite each other's text, and only the one
    // whose conditional write below wins is ever referenced.
    const stored = await deps.contracts.put(application.applicationId, contractId, rendered.text);
    if (stored.sha256 !== rendered.sha256) throw new Error(`the contract store answered another hash for contract ${contractId}`);
    const contract: OfferContract = {
      contractId,
      sha256: rendered.sha256,
      objectKey: stored.objectKey,
      generatedAt: at,
      templateVersion: rendered.templateVersion,
    };
    const updated = await deps.applications.annotate({
      application,
      at,
      changes: { offer: { ...offer, contract }, contractTaskToken: input.taskToken },
      audit: [
        {
          actor: 'pipeline',
          action: 'contract.generated',
          details: {
            contractId,
            sha256: rendered.sha256,
            templateVersion: CONTRACT_TEMPLATE_VERSION,
            language: application.preferredLanguage,
            installments: schedule.installments.length,
            aprPercent: schedule.aprPercent,
            offerExpiresAt: offer.expiresAt,
          },
        },
      ],
    });
    return { kind: 'waiting' as const, application: updated, contract, created: true };
  });

  const { application } = step;
  if (step.kind === 'accepted') {
    const acceptance = application.acceptance!;
    await answer(deps.taskTokens, input.taskToken, acceptanceOutput(acceptance));
    return { outcome: 'accepted', status: application.status, contractId: acceptance.contractId, sha256: acceptance.sha256 };
  }
  if (step.kind === 'not_approved') {
    await answer(deps.taskTokens, input.taskToken, { accepted: false, status: application.status });
    return { outcome: 'not_approved', status: application.status };
  }
  await notifyApplicantOnce(deps, application.applicationId, 'contract_ready');
  return {
    outcome: 'waiting',
    status: application.status,
    contractId: step.contract.contractId,
    sha256: step.contract.sha256,
    created: step.created,
    acceptBy: application.offer!.expiresAt,
  };
}

/** Answers a waiting task; a token that no longer waits is not an error here (the pipeline moved on). */
async function answer(taskTokens: TaskTokens, taskToken: string, output: Record<string, unknown>): Promise<'delivered' | 'gone'> {
  try {
    await taskTokens.sendTaskSuccess(taskToken, output);
    return 'delivered';
  } catch (error) {
    if (error instanceof TaskTokenGoneError) return 'gone';
    throw error;
  }
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
      delivery = await answer(deps.taskTokens, application.contractTaskToken, acceptanceOutput(acceptance));
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
  deps: Pick<PrepareContractDeps, 'applications' | 'notifier' | 'pii' | 'clock'>,
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

// ---------------------------------------------------------------------------------------------------------------
// The default schedule source
// ---------------------------------------------------------------------------------------------------------------

/**
 * The contract's schedule for an offer: the schedule generator (schedule.ts) on the offer's principal, rate, term and
 * method with the product's frequency and the generator's default conventions, from `disbursementDate` (the day the
 * contract is generated, in the lender's time zone), no grace and no fees (products carry none yet); the APR is the
 * IRR of those cash flows (apr.ts). Installments: the term in months for monthly products; for bi-weekly and weekly
 * ones the whole periods in that many months (26 or 52 a year, rounded).
 */
export function offerSchedule(input: { application: Application; offer: Offer; product: Product | undefined; disbursementDate: string }): ContractSchedule {
  const { offer, product, disbursementDate } = input;
  const frequency = product?.frequency ?? 'monthly';
  const numberOfInstallments =
    frequency === 'monthly' ? offer.termMonths : Math.max(1, Math.round((offer.termMonths * (frequency === 'biweekly' ? 26 : 52)) / 12));
  const terms: ScheduleTerms = {
    principalMinor: toMinor(offer.principal).minor,
    currency: offer.principal.currency,
    annualRatePercent: offer.annualRatePercent,
    numberOfInstallments,
    frequency,
    method: offer.method,
    disbursementDate,
  };
  const schedule = generateSchedule(terms);
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
    aprPercent: aprPercent(scheduleCashFlows(terms, schedule)),
  };
}
