// The offer made with an approval (PRODUCT.md §2.6): principal, the band's annual rate, the installment and the total
// repayable, valid for the policy's days. The schedule terms are fixed here, once, from the product as it is at the
// approval: the contract shows them and the loan is opened from them, whatever the product becomes later. The
// installment here is the first one of the schedule; the full schedule (and the APR, contract and fees) comes from the
// schedule generator.

import type { OfferContract } from '../contracting/contract';
import { aprPercent, scheduleCashFlows } from '../lending-math/apr';
import { dayIn } from '../kernel/dates';
import { fromMinor, type Money } from '../kernel/money';
import { generateSchedule, type ScheduleTerms } from '../lending-math/schedule';
import type { InterestMethod, Product } from '../applications/products';

/**
 * The schedule terms of a contract: everything the schedule generator needs but the disbursement date, which is known
 * only when the money is paid out (the schedule is computed again on that day from these terms).
 */
export type ContractedTerms = Omit<ScheduleTerms, 'disbursementDate' | 'firstDueDate' | 'frequency'> & { frequency: Product['frequency'] };

/**
 * The terms of an approval: the term in months as that many monthly installments; for bi-weekly and weekly products
 * the whole periods in that many months (26 or 52 a year, rounded); the generator's default conventions, no grace and
 * no fees (products carry none yet).
 */
export function contractedTermsFor(input: {
  principalMinor: number;
  currency: string;
  annualRatePercent: string;
  termMonths: number;
  method: InterestMethod;
  frequency: Product['frequency'];
}): ContractedTerms {
  const { frequency, termMonths } = input;
  const perYear: Record<Product['frequency'], number> = { monthly: 12, biweekly: 26, weekly: 52 };
  const numberOfInstallments = frequency === 'monthly' ? termMonths : Math.max(1, Math.round((termMonths * perYear[frequency]) / 12));
  return {
    principalMinor: input.principalMinor,
    currency: input.currency,
    annualRatePercent: input.annualRatePercent,
    numberOfInstallments,
    frequency,
    method: input.method,
  };
}

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
  /** The contract of this offer, made with the approval, with its SHA-256 and the terms the loan is opened from. */
  contract?: OfferContract;
}

/**
 * The offer's figures come from the schedule generator (the same one that writes the contract and the loan), on the
 * offer's terms from the decision day: the first installment, the total repayable and the APR (the IRR of the cash
 * flows, effective annual on actual/365 days — see apr.ts).
 */
export function offerFor(input: {
  terms: ContractedTerms;
  termMonths: number;
  decidedAt: Date;
  validDays: number;
  /** The lender's time zone: the schedule starts on the day of the decision there. */
  timeZone: string;
}): Offer {
  const { terms } = input;
  const scheduleTerms: ScheduleTerms = { ...terms, disbursementDate: dayIn(input.decidedAt, input.timeZone) };
  const schedule = generateSchedule(scheduleTerms);
  const money = (minor: number) => fromMinor({ minor, currency: terms.currency });
  return {
    principal: money(terms.principalMinor),
    annualRatePercent: terms.annualRatePercent,
    aprPercent: aprPercent(scheduleCashFlows(scheduleTerms, schedule)),
    termMonths: input.termMonths,
    method: terms.method,
    installment: money(schedule.installments[0]!.totalMinor),
    totalRepayable: money(schedule.totals.totalMinor),
    expiresAt: new Date(input.decidedAt.getTime() + input.validDays * 86_400_000).toISOString(),
  };
}
