import fc from 'fast-check';
import { decimalProblem, fromMinor, toMinor } from '../../../functions/core/kernel/money';

describe('money in minor units', () => {
  it('parses decimal strings into integer minor units', () => {
    expect(toMinor({ amount: '12000.00', currency: 'CNY' })).toEqual({ minor: 1_200_000, currency: 'CNY' });
    expect(toMinor({ amount: '0.5', currency: 'CNY' })).toEqual({ minor: 50, currency: 'CNY' });
    expect(toMinor({ amount: '1500', currency: 'JPY' })).toEqual({ minor: 1500, currency: 'JPY' });
    expect(toMinor({ amount: '1.234', currency: 'KWD' })).toEqual({ minor: 1234, currency: 'KWD' });
  });

  it('refuses more decimals than the currency has, signs, exponents and leading zeros', () => {
    expect(decimalProblem('1.005', 'CNY')).toMatch(/at most 2 decimal places/);
    expect(decimalProblem('1.5', 'JPY')).toMatch(/at most 0 decimal places/);
    for (const bad of ['-1.00', '1e3', '01.00', '1,000.00', ' 1.00', '', '.5']) expect(decimalProblem(bad, 'CNY')).toBeDefined();
    expect(() => toMinor({ amount: '1.005', currency: 'CNY' })).toThrow(/invalid amount/);
  });

  it('formats minor units with the currency\'s digits', () => {
    expect(fromMinor({ minor: 1_200_000, currency: 'CNY' })).toEqual({ amount: '12000.00', currency: 'CNY' });
    expect(fromMinor({ minor: 5, currency: 'CNY' })).toEqual({ amount: '0.05', currency: 'CNY' });
    expect(fromMinor({ minor: -105, currency: 'USD' })).toEqual({ amount: '-1.05', currency: 'USD' });
    expect(fromMinor({ minor: 1500, currency: 'JPY' })).toEqual({ amount: '1500', currency: 'JPY' });
  });

  it('round-trips any amount exactly (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_000_000_000_000 }), fc.constantFrom('CNY', 'JPY', 'KWD', 'USD'), (minor, currency) => {
        expect(toMinor(fromMinor({ minor, currency }))).toEqual({ minor, currency });
      }),
    );
  });
});
