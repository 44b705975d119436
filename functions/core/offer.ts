// The offer made with an approval (PRODUCT.md §2.6): principal, the band's annual rate, the installment and the total
// repayable for the product's interest method, valid for the policy's days. The installment here is the first one of
// the schedule; the full schedule (and the APR, contract and fees) comes from the schedule generator.

import type { OfferContract } from './contract';
import { fromMinor, type Money } from './money';
import type { InterestMethod } from './products';

export interface Offer {
  principal: Money;
  annualRatePercent: string;
  termMonths: number;
  method: InterestMethod;
  /** The first installment (equal principal: the largest one). */
  installment: Money;
  totalRepayable: Money;
  expiresAt: string;
  /** The contract generated for this offer (the Contract step), with its SHA-256; absent until it is ready. */
  contract?: OfferContract;
}

/** Round half up to a whole minor unit. */
const roundMinor = (value: number) => Math.floor(value + 0.5);

export function offerFor(input: {
  principalMinor: number;
  currency: string;
  annualRatePercent: string;
  termMonths: number;
  method: InterestMethod;
  decidedAt: Date;
  validDays: number;
}): Offer {
  const { principalMinor: p, termMonths: n } = input;
  const r = Number(input.annualRatePercent) / 100 / 12;
  let installment: number;
  let total: number;
  switch (input.method) {
    case 'equal_installments': {
      installment = r === 0 ? roundMinor(p / n) : roundMinor((p * r) / (1 - (1 + r) ** -n));
      // The last installment absorbs the rounding: the total is what the schedule will actually collect.
      let balance = p;
      total = 0;
      for (let k = 1; k <= n; k += 1) {
        const interest = roundMinor(balance * r);
        const principalPart = k === n ? balance : installment - interest;
        total += principalPart + interest;
        balance -= principalPart;
      }
      break;
    }
    case 'equal_principal': {
      const principalPart = Math.floor(p / n);
      installment = principalPart + roundMinor(p * r);
      let balance = p;
      total = 0;
      for (let k = 1; k <= n; k += 1) {
        const part = k === n ? balance : principalPart;
        total += part + roundMinor(balance * r);
        balance -= part;
      }
      break;
    }
    case 'flat': {
      total = p + roundMinor(p * r * n);
      installment = Math.ceil(total / n);
      break;
    }
  }
  const expiresAt = new Date(input.decidedAt.getTime() + input.validDays * 86_400_000).toISOString();
  const money = (minor: number) => fromMinor({ minor, currency: input.currency });
  return {
    principal: money(p),
    annualRatePercent: input.annualRatePercent,
    termMonths: n,
    method: input.method,
    installment: money(installment),
    totalRepayable: money(total),
    expiresAt,
  };
}
