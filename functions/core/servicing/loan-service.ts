// Loan use cases through their port: opening a loan at disbursement (idempotent on the loan id) and recording a
// repayment (idempotent on its reference, exact under concurrency: optimistic lock on the loan, re-read and re-apply
// on a race). The rules of allocation are in loan.ts.

import { dayIn } from '../kernel/dates';
import { recordRepaymentBucket } from './overdue';
import { ConcurrentModificationError, ConflictError, NotFoundError, TemporarilyUnavailableError, ValidationError, type FieldProblem } from '../kernel/errors';
import { exponentialBackoff, retrying, type Sleep } from '../kernel/retry';
import { applyRepayment, createLoan, outstandingOf, sumParts, type Loan, type LoanStatus, type RepaymentAllocation, type NewLoanInput } from './loan';
import type { Clock, Page } from '../kernel/ports';

export interface Repayment {
  loanId: string;
  /** The payer's (bank's or staff's) payment reference: one repayment per loan and reference. */
  reference: string;
  amountMinor: number;
  currency: string;
  /** When the money was paid (ISO 8601 UTC). */
  paidAt: string;
  /** When it was recorded here. */
  recordedAt: string;
  /** `ops:<subject>` or `bank-webhook`. */
  recordedBy: string;
  channel: 'staff' | 'bank-webhook';
  allocation: RepaymentAllocation;
  loanStatusAfter: LoanStatus;
  /** Everything still owed on the loan's schedule after this repayment. */
  outstandingAfterMinor: number;
}

/** The reference has been recorded already (a retry, or a concurrent delivery of the same payment). */
export class RepaymentExistsError extends ConflictError {}

export interface LoanRepository {
  /** Stores a new loan with its installments. False (and nothing written) when a loan with this id exists. */
  create(loan: Loan): Promise<boolean>;
  get(loanId: string): Promise<Loan | undefined>;
  /** A customer's loans, newest disbursement first. */
  listByOwner(ownerId: string, limit: number, cursor?: string): Promise<Page<Loan>>;
  /**
   * ACTIVE loans whose oldest unpaid installment is due on or before `throughDate`, oldest first, a page at a time
   * (the overdue scan's sparse index: a loan that owes nothing due by then is never read).
   */
  listDue(throughDate: string, limit: number, cursor?: string): Promise<Page<Loan>>;
  getRepayment(loanId: string, reference: string): Promise<Repayment | undefined>;
  /** The loan's repayments in the order they were recorded. */
  listRepayments(loanId: string): Promise<Repayment[]>;
  /**
   * Writes the loan as it is after the repayment (if it is still at `loan.version`; stored as version + 1) and the
   * repayment, all or nothing. Throws RepaymentExistsError when the reference is taken, ConcurrentModificationError
   * when the loan changed meanwhile.
   */
  recordRepayment(input: { loan: Loan; repayment: Repayment }): Promise<Loan>;
  /** Writes other changes (penalties, reminders, risk flags: issue 6) under the same optimistic lock. */
  save(loan: Loan): Promise<Loan>;
}

/** What a function that only reads loans may do with them. */
export type LoanReader = Pick<LoanRepository, 'get' | 'listByOwner' | 'listDue' | 'getRepayment' | 'listRepayments'>;

/** A new loan's terms as the disbursement knows them (loan.ts NewLoanInput without the record's own instant). */
export type OpenLoanInput = Omit<NewLoanInput, 'disbursementDate' | 'at' | 'lateFeeRule'> & {
  /** The lender's day of the disbursement; default: the day of disbursedAt in `timeZone`. */
  disbursementDate?: string;
};

/**
 * Creates the loan ACTIVE with its installments, once: a second call with the same loan id (a retried disbursement
 * step) returns the stored loan unchanged. The same id for another application or customer is a ConflictError.
 */
export async function openLoan(
  deps: { loans: LoanRepository; clock: Clock },
  input: OpenLoanInput,
  options: { timeZone: string },
): Promise<{ loan: Loan; created: boolean }> {
  const disbursedAt = new Date(input.disbursedAt);
  if (Number.isNaN(disbursedAt.getTime())) throw new ValidationError('invalid disbursement instant', [{ path: 'disbursedAt', message: 'must be an ISO 8601 instant' }]);
  const loan = createLoan({
    ...input,
    disbursedAt: disbursedAt.toISOString(),
    disbursementDate: input.disbursementDate ?? dayIn(disbursedAt, options.timeZone),
    at: deps.clock.now().toISOString(),
  });
  if (await deps.loans.create(loan)) return { loan, created: true };
  const existing = await deps.loans.get(input.loanId);
  if (!existing) throw new ConcurrentModificationError(`loan ${input.loanId} changed meanwhile`);
  if (existing.applicationId !== input.applicationId || existing.ownerId !== input.ownerId) {
    throw new ConflictError(`loan ${input.loanId} exists already for another application`);
  }
  return { loan: existing, created: false };
}

export interface RepaymentRequest {
  loanId: string;
  amountMinor: number;
  currency: string;
  paidAt: string;
  reference: string;
  recordedBy: string;
  channel: Repayment['channel'];
}

/** How far in the future a payment's time may be (clock skew between the bank and us). */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * Tries of a repayment whose write keeps meeting other repayments of the same loan (each try re-reads the loan),
 * with exponential backoff and jitter between them: enough for 20 writers at once on one loan on a busy machine. The
 * pauses add up to 3.7–7.4 s (about 5.6 s) when every try loses, inside the function's 10 s.
 */
export const REPAYMENT_ATTEMPTS = 24;
export const REPAYMENT_BACKOFF = { baseMs: 10, capMs: 400 };

/**
 * Records a repayment exactly once per (loan, reference) and allocates it. A repeat of a recorded reference with the
 * same amount and time returns the first repayment (`replayed: true`) and changes nothing; with other details it is a
 * ConflictError. A concurrent repayment on the same loan makes the write fail on the version: the loan is read again
 * and the payment allocated again on top of the other one, so both are applied exactly.
 */
export async function recordRepayment(
  deps: { loans: LoanRepository; clock: Clock },
  request: RepaymentRequest,
  options: {
    timeZone: string;
    maxAttempts?: number;
    /** How the backoff between tries waits (default a timer) and its randomness (default Math.random). */
    sleep?: Sleep;
    random?: () => number;
  },
): Promise<{ repayment: Repayment; replayed: boolean }> {
  const paidAtDate = new Date(request.paidAt);
  if (Number.isNaN(paidAtDate.getTime())) throw new ValidationError('invalid payment time', [{ path: 'paidAt', message: 'must be an ISO 8601 instant' }]);
  const paidAt = paidAtDate.toISOString();
  const maxAttempts = options.maxAttempts ?? REPAYMENT_ATTEMPTS;

  const replay = (existing: Repayment): { repayment: Repayment; replayed: boolean } => {
    if (existing.amountMinor !== request.amountMinor || existing.currency !== request.currency || existing.paidAt !== paidAt) {
      throw new ConflictError(`the reference ${request.reference} was recorded already for another payment (${existing.currency} ${existing.amountMinor} minor units at ${existing.paidAt})`);
    }
    return { repayment: existing, replayed: true };
  };

  const attempt = () => retrying(
    async () => {
      const loan = await deps.loans.get(request.loanId);
      if (!loan) throw new NotFoundError(`no loan ${request.loanId}`);
      const existing = await deps.loans.getRepayment(request.loanId, request.reference);
      if (existing) return replay(existing);

      const now = deps.clock.now();
      const problems: FieldProblem[] = [];
      if (request.currency !== loan.currency) problems.push({ path: 'amount.currency', message: `must be the loan's currency ${loan.currency}` });
      if (paidAtDate.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) problems.push({ path: 'paidAt', message: 'must not be in the future' });
      if (paidAt < loan.disbursedAt) problems.push({ path: 'paidAt', message: `must not be before the disbursement (${loan.disbursedAt})` });
      if (problems.length > 0) throw new ValidationError(`the repayment has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);

      const date = dayIn(paidAtDate, options.timeZone);
      const at = now.toISOString();
      const { loan: applied, allocation } = applyRepayment(loan, { amountMinor: request.amountMinor, date: date < loan.disbursementDate ? loan.disbursementDate : date, at });
      // Paying the arrears moves the stored bucket back at once (not at the next scan): the reports and the view agree.
      const after = recordRepaymentBucket(applied, dayIn(now, options.timeZone));
      const repayment: Repayment = {
        loanId: loan.loanId,
        reference: request.reference,
        amountMinor: request.amountMinor,
        currency: request.currency,
        paidAt,
        recordedAt: at,
        recordedBy: request.recordedBy,
        channel: request.channel,
        allocation,
        loanStatusAfter: after.status,
        outstandingAfterMinor: sumParts(outstandingOf(after)),
      };
      try {
        await deps.loans.recordRepayment({ loan: after, repayment });
        return { repayment, replayed: false };
      } catch (error) {
        if (error instanceof RepaymentExistsError) {
          // The same payment delivered twice at once: the other delivery won; answer with its allocation.
          const winner = await deps.loans.getRepayment(request.loanId, request.reference);
          if (winner) return replay(winner);
          throw error;
        }
        throw error;
      }
    },
    {
      attempts: maxAttempts,
      pauseMs: exponentialBackoff({ ...REPAYMENT_BACKOFF, ...(options.random ? { random: options.random } : {}) }),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    },
  );
  try {
    return await attempt();
  } catch (error) {
    // Still racing other repayments after every try: nothing was written, so the same request may simply be sent
    // again. That is not a conflict with this payment (a 409 is kept for a reference used for another payment).
    if (error instanceof ConcurrentModificationError) {
      throw new TemporarilyUnavailableError(`loan ${request.loanId} is receiving many repayments at this moment; nothing was recorded, retry with the same reference`, { cause: error });
    }
    throw error;
  }
}
