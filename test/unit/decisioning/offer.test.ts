import { contractedTermsFor, offerFor } from '../../../functions/core/decisioning/offer';
import type { InterestMethod } from '../../../functions/core/applications/products';
import { TIME_ZONE } from '../../support/settings';

const base = { decidedAt: new Date('2026-11-29T08:00:00Z'), validDays: 7, timeZone: TIME_ZONE };

/** A monthly offer in CNY. */
function monthlyOffer(input: { principalMinor: number; annualRatePercent: string; termMonths: number; method: InterestMethod }) {
  const terms = contractedTermsFor({ ...input, currency: 'CNY', frequency: 'monthly' });
  return offerFor({ ...base, terms, termMonths: input.termMonths });
}

describe('offer', () => {
  it('prices equal installments as an annuity, the last installment absorbing the rounding', () => {
    // 8,000.00 at 8.5 % a year over 12 months: 697.76 a month (8000 · r / (1 − (1 + r)^−12), r = 0.085 / 12).
    const offer = monthlyOffer({ principalMinor: 800_000, annualRatePercent: '8.5', termMonths: 12, method: 'equal_installments' });
    expect(offer.installment).toEqual({ amount: '697.76', currency: 'CNY' });
    expect(Number(offer.totalRepayable.amount)).toBeCloseTo(697.76 * 12, 0);
    expect(offer.expiresAt).toBe('2026-12-06T08:00:00.000Z');
  });

  it('prices equal principal with interest on the declining balance', () => {
    // 12,000.00 at 12 % over 12 months: 1,000.00 principal + 120.00 interest first; interest total 12000·0.01·(12+1)/2 = 780.
    const offer = monthlyOffer({ principalMinor: 1_200_000, annualRatePercent: '12', termMonths: 12, method: 'equal_principal' });
    expect(offer.installment).toEqual({ amount: '1120.00', currency: 'CNY' });
    expect(offer.totalRepayable).toEqual({ amount: '12780.00', currency: 'CNY' });
  });

  it('prices flat interest on the original principal', () => {
    // 10,000.00 at 18 % flat over 6 months: interest 900.00, total 10,900.00, 1,816.67 a month (rounded up).
    const offer = monthlyOffer({ principalMinor: 1_000_000, annualRatePercent: '18', termMonths: 6, method: 'flat' });
    expect(offer.totalRepayable).toEqual({ amount: '10900.00', currency: 'CNY' });
    expect(offer.installment).toEqual({ amount: '1816.67', currency: 'CNY' });
  });

  it('counts a weekly product\'s installments as the whole weeks of the term, so the offer shows what the contract will', () => {
    const terms = contractedTermsFor({ principalMinor: 520_000, currency: 'CNY', annualRatePercent: '0', termMonths: 12, method: 'equal_installments', frequency: 'weekly' });
    expect(terms).toMatchObject({ numberOfInstallments: 52, frequency: 'weekly' });
    expect(offerFor({ ...base, terms, termMonths: 12 }).installment).toEqual({ amount: '100.00', currency: 'CNY' });
  });
});
