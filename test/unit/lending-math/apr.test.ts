// APR = the effective annual internal rate of return on actual days / 365 (functions/core/lending-math/apr.ts). Each expected value
// is computed by hand in the comment.

import { annualPercentageRate, aprPercent, formatPercent, scheduleCashFlows } from '../../../functions/core/lending-math/apr';
import { generateSchedule, type ScheduleTerms } from '../../../functions/core/lending-math/schedule';

describe('APR', () => {
  it('one repayment a year later: the APR is the simple growth', () => {
    // −1000.00 on 2025-01-01, +1100.00 on 2026-01-01 (365 days): 1100 / 1000 − 1 = 10 %.
    const flows = [{ date: '2025-01-01', amountMinor: -100_000 }, { date: '2026-01-01', amountMinor: 110_000 }];
    expect(annualPercentageRate(flows)).toBeCloseTo(0.1, 12);
    expect(aprPercent(flows)).toBe('10.00');
  });

  it('a fee kept at disbursement raises it: 1100 / 950 − 1', () => {
    // 50.00 fee withheld: the borrower receives 950.00 and repays 1100.00 a year later: 1100 / 950 − 1 = 15.789474 %.
    const flows = [{ date: '2025-01-01', amountMinor: -95_000 }, { date: '2026-01-01', amountMinor: 110_000 }];
    expect(annualPercentageRate(flows)).toBeCloseTo(1100 / 950 - 1, 12);
    expect(aprPercent(flows)).toBe('15.79');
  });

  it('two annual repayments: the root of the quadratic', () => {
    // 1000 = 600 v + 600 v², v = 1 / (1 + X): v = (−600 + √(600² + 4 · 600 · 1000)) / 1200 = 0.884437…, X = 13.066 %.
    const v = (-600 + Math.sqrt(600 ** 2 + 4 * 600 * 1000)) / 1200;
    const flows = [
      { date: '2025-01-01', amountMinor: -100_000 },
      { date: '2026-01-01', amountMinor: 60_000 },
      { date: '2027-01-01', amountMinor: 60_000 },
    ];
    expect(annualPercentageRate(flows)).toBeCloseTo(1 / v - 1, 12);
    expect(aprPercent(flows)).toBe('13.07');
  });

  const loan: ScheduleTerms = {
    principalMinor: 1_200_000,
    currency: 'CNY',
    annualRatePercent: '12',
    numberOfInstallments: 12,
    frequency: 'monthly',
    method: 'equal_installments',
    disbursementDate: '2026-01-15',
  };

  it('without fees, a monthly loan at 12 % nominal has the effective rate of 1 % a month: 1.01^12 − 1 = 12.68 %', () => {
    // Real months are 28–31 days, not 365/12 (1 % for February's 28 days costs more per day), and the installment is
    // rounded to the fen, so the IRR is close to, not exactly, 12.6825 %: 12.738 % for this 2026 calendar.
    const schedule = generateSchedule(loan);
    const apr = annualPercentageRate(scheduleCashFlows(loan, schedule));
    expect(Math.abs(apr - (1.01 ** 12 - 1))).toBeLessThan(0.001);
  });

  it('with weekly periods at 13 equal 28-day months a year the effective rate is exact', () => {
    // Every 4 weeks is 28 days; at 12 % × 4 / 52 per period, (1 + 0.12 × 4 / 52)^(365 / 28) − 1 = 13.0266 % up to the
    // rounding of the installment to the fen (±0.01 % here).
    const terms: ScheduleTerms = { ...loan, frequency: 'weekly', repaymentEvery: 4, numberOfInstallments: 13 };
    const apr = annualPercentageRate(scheduleCashFlows(terms, generateSchedule(terms)));
    expect(apr).toBeCloseTo((1 + (0.12 * 4) / 52) ** (365 / 28) - 1, 4);
  });

  it('fees charged with the first installment, or kept up front, both raise the APR', () => {
    const plain = annualPercentageRate(scheduleCashFlows(loan, generateSchedule(loan)));
    const withFee = { ...loan, feesMinor: 24_000 }; // 2 % of the principal
    const feeFirst = annualPercentageRate(scheduleCashFlows(withFee, generateSchedule(withFee)));
    const feeUpfront = annualPercentageRate(scheduleCashFlows(loan, generateSchedule(loan), { upfrontFeesMinor: 24_000 }));
    expect(feeFirst).toBeGreaterThan(plain + 0.02);
    expect(feeUpfront).toBeGreaterThan(feeFirst); // paid a month earlier: more expensive
  });

  it('solves extreme cases without overflow (bisection keeps Newton in its bracket)', () => {
    // 100 repaid with 199 one day later: (1.99)^365 − 1 ≈ 6.7 × 10^108; in u = ln(1 + X) that is 365 · ln 1.99.
    const flows = [{ date: '2026-01-01', amountMinor: -10_000 }, { date: '2026-01-02', amountMinor: 19_900 }];
    expect(Math.log1p(annualPercentageRate(flows))).toBeCloseTo(365 * Math.log(1.99), 8);
    expect(aprPercent(flows)).toMatch(/^\d{110,}\.\d\d$/);
    // A loan repaid with less than it lent has a negative APR: 900 a year after 1000 → −10 %.
    expect(aprPercent([{ date: '2025-01-01', amountMinor: -100_000 }, { date: '2026-01-01', amountMinor: 90_000 }])).toBe('-10.00');
  });

  it('needs money in both directions', () => {
    expect(() => annualPercentageRate([{ date: '2025-01-01', amountMinor: 100 }])).toThrow(RangeError);
  });

  it('formats percentages with two decimals and no exponent', () => {
    expect(formatPercent(0.126825)).toBe('12.68');
    expect(formatPercent(0)).toBe('0.00');
    expect(formatPercent(0.00004)).toBe('0.00');
    expect(formatPercent(0.05)).toBe('5.00');
  });
});
