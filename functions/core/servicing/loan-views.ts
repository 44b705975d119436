// The loan API's request schemas and response views (API.md: Loan view, Schedule, Payoff, repayments). Amounts are
// Money ({amount: "12.34", currency}) made from integer minor units; `today` is the lender's calendar day.

import { z } from 'zod';
import { calendarDate, moneySchema } from '../applications/application-schema';
import {
  delinquencyOf,
  installmentStatus,
  nextDueOf,
  outstandingOf,
  remainingOf,
  sumParts,
  type Loan,
  type Parts,
  type PayoffQuote,
} from './loan';
import type { Repayment } from './loan-service';
import { fromMinor, toMinor, type Money } from '../kernel/money';

/** Payment references: what banks use, without the characters that would confuse a key or a URL. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

const positiveMoney = moneySchema.superRefine((money, ctx) => {
  if (/^[A-Z]{3}$/.test(money.currency) && /^\d+(?:\.\d+)?$/.test(money.amount)) {
    try {
      if (toMinor(money).minor <= 0) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'must be more than zero' });
    } catch {
      // the decimal problem is reported by moneySchema
    }
  }
});

const repaymentFields = {
  amount: positiveMoney,
  paidAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant such as 2026-12-01T08:00:00Z' }),
  reference: z.string().regex(REFERENCE, 'must be 1–64 characters: letters, digits and . _ : / - (starting with a letter or digit)'),
};

/** POST /v1/loans/{loanId}/repayments (role ops). */
export const repaymentSchema = z.strictObject(repaymentFields);

/** POST /v1/webhooks/repayments (the bank, HMAC-signed): the same, with the loan in the signed body. */
export const webhookRepaymentSchema = z.strictObject({
  loanId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a loan id'),
  ...repaymentFields,
});

export type RepaymentBody = z.infer<typeof repaymentSchema>;

/** GET /v1/loans/{loanId}/payoff?date= (other query parameters are ignored) */
export const payoffQuerySchema = z.object({ date: calendarDate.optional() });

function moneyOf(currency: string) {
  return (minor: number): Money => fromMinor({ minor, currency });
}

function partsView(parts: Parts, currency: string) {
  const money = moneyOf(currency);
  return {
    principal: money(parts.principal),
    interest: money(parts.interest),
    fees: money(parts.fees),
    penalties: money(parts.penalties),
    total: money(sumParts(parts)),
  };
}

export function toLoanView(loan: Loan, today: string) {
  const money = moneyOf(loan.currency);
  const delinquency = delinquencyOf(loan, today);
  const next = nextDueOf(loan, today);
  return {
    loanId: loan.loanId,
    applicationId: loan.applicationId,
    ...(loan.productId ? { productId: loan.productId } : {}),
    status: loan.status,
    principal: money(loan.principalMinor),
    annualRatePercent: loan.annualRatePercent,
    disbursedAt: loan.disbursedAt,
    outstanding: partsView(outstandingOf(loan), loan.currency),
    credit: money(loan.creditMinor),
    ...(next ? { nextDue: { n: next.n, dueDate: next.dueDate, amount: money(next.amountMinor) } } : {}),
    delinquency: {
      daysPastDue: delinquency.daysPastDue,
      bucket: delinquency.bucket,
      riskFlags: [...loan.riskFlags],
      /** Late fees charged so far (paid or not; what is unpaid is in outstanding.penalties). */
      lateFeesCharged: money(loan.installments.reduce((sum, installment) => sum + installment.due.penalties, 0)),
      ...(loan.delinquency?.behaviourScore !== undefined ? { behaviourScore: loan.delinquency.behaviourScore } : {}),
      ...(loan.delinquency ? { lastScanned: loan.delinquency.asOf } : {}),
      amountPastDue: money(delinquency.amountPastDueMinor),
      ...(delinquency.oldestUnpaidDueDate ? { oldestUnpaidDueDate: delinquency.oldestUnpaidDueDate } : {}),
    },
    remindersSent: loan.remindersSent.map(({ at, stage, channel, refused }) => ({ at, stage, channel, ...(refused ? { refused } : {}) })),
    ...(loan.closedAt ? { closedAt: loan.closedAt } : {}),
    installmentsRemaining: loan.installments.filter((installment) => sumParts(remainingOf(installment)) > 0).length,
  };
}

export function toScheduleView(loan: Loan, today: string) {
  const money = moneyOf(loan.currency);
  return {
    loanId: loan.loanId,
    currency: loan.currency,
    installments: loan.installments.map((installment) => {
      const { due, paid, waived } = installment;
      return {
        n: installment.n,
        dueDate: installment.dueDate,
        principal: money(due.principal),
        interest: money(due.interest),
        fees: money(due.fees),
        penalties: money(due.penalties),
        total: money(sumParts(due)),
        outstandingAfter: money(installment.outstandingAfterMinor),
        paid: partsView(paid, loan.currency),
        ...(sumParts(waived) > 0 ? { waived: partsView(waived, loan.currency) } : {}),
        outstanding: money(sumParts(remainingOf(installment))),
        status: installmentStatus(loan, installment, today),
        ...(installment.settledOn ? { settledOn: installment.settledOn } : {}),
      };
    }),
  };
}

export function toPayoffView(loan: Loan, quote: PayoffQuote) {
  const money = moneyOf(loan.currency);
  const { breakdown } = quote;
  return {
    loanId: loan.loanId,
    date: quote.date,
    amount: money(quote.amountMinor),
    breakdown: {
      principal: money(breakdown.principal),
      interest: money(breakdown.interest),
      fees: money(breakdown.fees),
      penalties: money(breakdown.penalties),
    },
  };
}

/** The answer to POST …/repayments (201, and 200 with the same body for a repeated reference). */
export function toRepaymentView(repayment: Repayment) {
  const money = moneyOf(repayment.currency);
  const { allocation } = repayment;
  return {
    loanId: repayment.loanId,
    reference: repayment.reference,
    amount: money(repayment.amountMinor),
    paidAt: repayment.paidAt,
    recordedAt: repayment.recordedAt,
    allocation: {
      date: allocation.date,
      principal: money(allocation.totals.principal),
      interest: money(allocation.totals.interest),
      fees: money(allocation.totals.fees),
      penalties: money(allocation.totals.penalties),
      credit: money(allocation.creditMinor),
      prepaidPrincipal: money(allocation.prepaidPrincipalMinor),
      waived: { interest: money(allocation.waived.interest), fees: money(allocation.waived.fees) },
      payoff: allocation.payoff,
      installments: allocation.installments.map((line) => ({
        n: line.n,
        principal: money(line.principal),
        interest: money(line.interest),
        fees: money(line.fees),
        penalties: money(line.penalties),
      })),
    },
    loan: { status: repayment.loanStatusAfter, outstanding: money(repayment.outstandingAfterMinor) },
  };
}
