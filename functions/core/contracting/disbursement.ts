// The Disburse step (PRODUCT.md §2.7): after the contract is accepted, the money is sent exactly once — the core
// banking transfer's idempotency key is the loan id, which is derived from the application id, so every retry of
// the step (Step Functions Retry, a re-driven execution) asks the bank for the same transfer — then the loan is
// opened with the schedule of the accepted contract and the applicant is told.

import type { Application } from '../applications/application';
import { disbursementAccountOf, offerSchedule } from './contracting';
import type { CoreBanking } from './core-banking';
import { TransferRejectedError } from './core-banking';
import { dayIn } from '../kernel/dates';
import { notifyApplicantOnce, withFreshApplication } from '../applications/application-updates';
import type { DecideDeps } from '../decisioning/decide';
import { NotFoundError } from '../kernel/errors';
import type { ApplicationStatus } from '../applications/lifecycle';
import { openLoan, type LoanRepository } from '../servicing/loan-service';
import { toMinor } from '../kernel/money';

export interface DisburseDeps extends DecideDeps {
  coreBanking: CoreBanking;
  loans: LoanRepository;
}

/** One loan per application, named so that the id alone says which application it came from. */
export function loanIdFor(applicationId: string): string {
  return `LN${applicationId}`;
}

/** A loan paid out and opened by this call, for the business metrics. */
export interface LoanDisbursed {
  loanId: string;
  productId: string;
  principalMinor: number;
  currency: string;
}

/**
 * `onDisbursed` is called once, when this call moves the application to DISBURSED (before the applicant is told, so
 * that a failed notification and the task's retry neither lose nor repeat it).
 */
export async function disburseApplication(
  deps: DisburseDeps,
  applicationId: string,
  hooks: { onDisbursed?: (disbursed: LoanDisbursed) => void } = {},
): Promise<{ status: ApplicationStatus; loanId: string | null }> {
  const first = await deps.applications.get(applicationId);
  if (!first) throw new NotFoundError(`no application ${applicationId}`);
  if (first.status === 'DISBURSED') return { status: first.status, loanId: first.loanId ?? null };
  if (first.status !== 'ACCEPTED') return { status: first.status, loanId: null };

  const offer = first.offer!;
  const contract = offer.contract!;
  const loanId = loanIdFor(applicationId);
  const account = await disbursementAccountOf(deps, first);
  if (!account) {
    throw new TransferRejectedError('no disbursement account was given with the application or the contract acceptance', { reason: 'account_invalid' });
  }
  const amount = toMinor(offer.principal);
  const transfer = await deps.coreBanking.transfer({
    idempotencyKey: loanId,
    amount,
    toAccount: { ...(account.bankName ? { bank: account.bankName } : {}), accountNumber: account.accountNumber, holderName: account.holderName },
    reference: `Loan ${loanId}`,
  });

  // The schedule the applicant accepted: the contract's, computed again from the same inputs (it is deterministic).
  const product = await deps.products.get(first.productId);
  const schedule = offerSchedule({ application: first, offer, product, disbursementDate: dayIn(new Date(contract.generatedAt), deps.settings.timeZone) });
  await openLoan(deps, {
    loanId,
    applicationId,
    ownerId: first.ownerId,
    productId: first.productId,
    currency: amount.currency,
    principalMinor: amount.minor,
    annualRatePercent: offer.annualRatePercent,
    disbursedAt: transfer.completedAt,
    disbursementDate: schedule.disbursementDate,
    schedule: schedule.installments.map((installment, index, all) => ({
      ...installment,
      outstandingAfterMinor: all.slice(index + 1).reduce((sum, next) => sum + next.principalMinor, 0),
    })),
  }, { timeZone: deps.settings.timeZone });

  const disbursed = await withFreshApplication(deps.applications, applicationId, async (application: Application) => {
    if (application.status !== 'ACCEPTED') return application;
    const transitioned = await deps.applications.transition({
      application,
      to: 'DISBURSED',
      at: deps.clock.now().toISOString(),
      by: 'pipeline',
      changes: { loanId },
      audit: [
        {
          actor: 'pipeline',
          action: 'disbursement.completed',
          details: { loanId, transferId: transfer.transferId, amountMinor: amount.minor, currency: amount.currency, completedAt: transfer.completedAt },
        },
      ],
    });
    hooks.onDisbursed?.({ loanId, productId: first.productId, principalMinor: amount.minor, currency: amount.currency });
    return transitioned;
  });
  if (disbursed.status === 'DISBURSED') await notifyApplicantOnce(deps, applicationId, 'disbursed');
  return { status: disbursed.status, loanId };
}
