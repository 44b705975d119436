// The offer made with an approval (PRODUCT.md §2.6): principal, the band's annual rate, the installment and the total
// repayable for the product's interest method, valid for the policy's days. The installment here is the first one of
// the schedule; the full schedule (and the APR, contract and fees) comes from the schedule generator.

import type { OfferContract } from '../contracting/contract';
import { aprPercent, scheduleCashFlows } from '../lending-math/apr';
import { dayIn } from '../kernel/dates';
import { fromMinor, type Money } from '../kernel/money';
import { generateSchedule, type ScheduleTerms } from '../lending-math/schedule';
import type { InterestMethod } from '../applications/products';

export interface Offer {
  principal: Money;
  annualRatePercent: string;
  /** The APR: the internal rate of return of the schedule's cash flows, annualised (apr.ts). */
  aprPercent: string;
  termMonths: number;
  method: InterestMethod;
  /** The first installment (equal principal: the largest one). */
  installment: Money;
  totalRepayable: Money;
  expiresAt: string;
  /** The contract generated for this offer (the Contract step), with its SHA-256; absent until it is ready. */
  contract?: OfferContract;
}

/**
 * The offer's figures come from the schedule generator (the same one that writes the contract and the loan), for a
 * monthly schedule from the decision day: the first installment, the total repayable and the APR (the IRR of the
 * cash flows, effective annual on actual/365 days — see apr.ts).
 */
export function offerFor(input: {
  principalMinor: number;
  currency: string;
  annualRatePercent: string;
  termMonths: number;
  method: InterestMethod;
  decidedAt: Date;
  validDays: number;
  /** The lender's time zone: the schedule starts on the day of the decision there. */
  timeZone: string;
}): Offer {
  const terms: ScheduleTerms = {
    principalMinor: input.principalMinor,
    currency: input.currency,
    annualRatePercent: input.annualRatePercent,
    numberOfInstallments: input.termMonths,
    frequency: 'monthly',
    method: input.method,
    disbursementDate: dayIn(input.decidedAt, input.timeZone),
  };
  const schedule = generateSchedule(terms);
  const money = (minor: number) => fromMinor({ minor, currency: input.currency });
  return {
    principal: money(input.principalMinor),
    annualRatePercent: input.annualRatePercent,
    aprPercent: aprPercent(scheduleCashFlows(terms, schedule)),
    termMonths: input.termMonths,
    method: input.method,
    installment: money(schedule.installments[0]!.totalMinor),
    totalRepayable: money(schedule.totals.totalMinor),
    expiresAt: new Date(input.decidedAt.getTime() + input.validDays * 86_400_000).toISOString(),
  };
}
