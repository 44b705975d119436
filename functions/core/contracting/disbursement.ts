// The Disburse step (PRODUCT.md §2.7): after the contract is accepted, the money is sent exactly once — the core
// banking transfer's idempotency key is the loan id, which is derived from the application id, so every retry of
// the step (Step Functions Retry, a re-driven or restarted execution) first asks the bank for the transfer under that
// key and pays only if there is none — then the loan is opened together with the move to DISBURSED (one transaction),
// and the applicant is told, with the final schedule.
//
// The loan is the contract: its schedule is the contracted terms (recorded with the contract) computed on the day
// the transfer completed, in the lender's time zone — as the contract says. Interest runs from the payout, not from
// the day the contract was made, and nothing the product has become since the approval changes the loan.

import type { Application } from '../applications/application';
import { contractSchedule, disbursementAccountOf } from './contracting';
import { TransferRejectedError, type CoreBanking, type TransferResult } from './core-banking';
import { dayIn } from '../kernel/dates';
import { notifyApplicantOnce, withFreshApplication } from '../applications/application-updates';
import { NotFoundError } from '../kernel/errors';
import type { ApplicationStatus } from '../applications/lifecycle';
import { createLoan } from '../servicing/loan';
import { toMinor, type MinorAmount } from '../kernel/money';
import type { Clock, Notifier, PiiProtector } from '../kernel/ports';
import type { ApplicationRepository } from '../applications/ports';

export interface DisburseDeps {
  applications: ApplicationRepository;
  coreBanking: CoreBanking;
  notifier: Notifier;
  pii: PiiProtector;
  clock: Clock;
  /** The lender's time zone: the loan's schedule starts on the day of the payout there. */
  settings: { timeZone: string };
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
  if (first.status === 'DISBURSED') {
    await notifyApplicantOnce(deps, applicationId, 'disbursed');
    return { status: first.status, loanId: first.loanId ?? null };
  }
  if (first.status !== 'ACCEPTED') return { status: first.status, loanId: null };

  const offer = first.offer!;
  const contract = offer.contract!;
  const loanId = loanIdFor(applicationId);
  const amount = toMinor(offer.principal);
  // Asked first: a step retried after a crash or a lost answer finds the money already sent and does not pay again
  // (the transfer itself is idempotent on the same key too; this makes it visible before any request to pay).
  const transfer = (await deps.coreBanking.findTransfer(loanId)) ?? (await payOut(deps, first, loanId, amount));

  const disbursedAt = new Date(transfer.completedAt);
  const schedule = contractSchedule(contract.terms, dayIn(disbursedAt, deps.settings.timeZone));
  const loan = createLoan({
    loanId,
    applicationId,
    ownerId: first.ownerId,
    productId: first.productId,
    currency: amount.currency,
    principalMinor: amount.minor,
    annualRatePercent: offer.annualRatePercent,
    disbursedAt: disbursedAt.toISOString(),
    disbursementDate: schedule.disbursementDate,
    schedule: schedule.installments.map((installment, index, all) => ({
      ...installment,
      outstandingAfterMinor: all.slice(index + 1).reduce((sum, next) => sum + next.principalMinor, 0),
    })),
    ...(first.protectedGroup ? { protectedGroup: first.protectedGroup } : {}),
    at: deps.clock.now().toISOString(),
  });

  // The loan and DISBURSED in one transaction: there is never a loan on an application that is not DISBURSED, nor a
  // DISBURSED application without its loan, whatever crashes between the steps.
  const disbursed = await withFreshApplication(deps.applications, applicationId, async (application: Application) => {
    if (application.status !== 'ACCEPTED') return application;
    const transitioned = await deps.applications.transition({
      application,
      to: 'DISBURSED',
      at: deps.clock.now().toISOString(),
      by: 'pipeline',
      changes: {
        loanId,
        disbursement: {
          disbursedAt: disbursedAt.toISOString(),
          disbursementDate: schedule.disbursementDate,
          installments: schedule.installments.length,
          firstDueDate: schedule.installments[0]!.dueDate,
          firstInstallmentMinor: schedule.installments[0]!.totalMinor,
          lastDueDate: schedule.installments.at(-1)!.dueDate,
        },
      },
      openLoan: loan,
      audit: [
        {
          actor: 'pipeline',
          action: 'disbursement.completed',
          details: {
            loanId,
            transferId: transfer.transferId,
            amountMinor: amount.minor,
            currency: amount.currency,
            completedAt: transfer.completedAt,
            // The schedule as opened: from the payout day, on the contract's terms (the contract assumed its own day).
            disbursementDate: schedule.disbursementDate,
            contractDisbursementDate: dayIn(new Date(contract.generatedAt), deps.settings.timeZone),
            installments: schedule.installments.length,
            firstDueDate: schedule.installments[0]!.dueDate,
          },
        },
      ],
    });
    hooks.onDisbursed?.({ loanId, productId: first.productId, principalMinor: amount.minor, currency: amount.currency });
    return transitioned;
  });
  if (disbursed.status === 'DISBURSED') await notifyApplicantOnce(deps, applicationId, 'disbursed');
  return { status: disbursed.status, loanId };
}

/** The transfer, once per loan (the loan id is its idempotency key). */
async function payOut(deps: DisburseDeps, application: Application, loanId: string, amount: MinorAmount): Promise<TransferResult> {
  const account = await disbursementAccountOf(deps, application);
  if (!account) {
    throw new TransferRejectedError('no disbursement account was given with the application or the contract acceptance', { reason: 'account_invalid' });
  }
  return deps.coreBanking.transfer({
    idempotencyKey: loanId,
    amount,
    toAccount: { ...(account.bankName ? { bank: account.bankName } : {}), accountNumber: account.accountNumber, holderName: account.holderName },
    reference: `Loan ${loanId}`,
  });
}
