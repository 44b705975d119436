// Exact arithmetic for money schedules: decimal strings and ratios as BigInt, rounded to whole minor units only where a
// rule says so. Nothing here ever goes through a binary float, so a schedule is the same on every machine.

export const ROUNDING_MODES = ['half_even', 'half_up'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

/** A non-negative ratio num/den (den > 0). */
export interface Ratio {
  num: bigint;
  den: bigint;
}

export const ratio = (num: bigint | number, den: bigint | number = 1n): Ratio => reduce({ num: BigInt(num), den: BigInt(den) });

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function reduce(r: Ratio): Ratio {
  if (r.den <= 0n) throw new RangeError('a ratio needs a positive denominator');
  const g = gcd(r.num, r.den);
  return g > 1n ? { num: r.num / g, den: r.den / g } : r;
}

export const mul = (a: Ratio, b: Ratio): Ratio => reduce({ num: a.num * b.num, den: a.den * b.den });
export const add = (a: Ratio, b: Ratio): Ratio => reduce({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });

/**
 * num/den rounded to an integer. half_even: a tie goes to the even neighbour (banker's rounding, Fineract's and Java
 * BigDecimal's HALF_EVEN); half_up: a tie goes away from zero. Works for negative numerators too.
 */
export function divRound(num: bigint, den: bigint, mode: RoundingMode): bigint {
  if (den <= 0n) throw new RangeError('division by a non-positive number');
  const negative = num < 0n;
  const n = negative ? -num : num;
  let q = n / den;
  const twice = (n % den) * 2n;
  if (twice > den || (twice === den && (mode === 'half_up' || q % 2n === 1n))) q += 1n;
  return negative ? -q : q;
}

/** A ratio rounded to an integer, as a JS number (callers keep results far below 2^53). */
export const roundRatio = (r: Ratio, mode: RoundingMode): number => Number(divRound(r.num, r.den, mode));

/**
 * `value` rounded to the nearest multiple of `step`, a tie by `mode` — as Fineract's Money.roundToMultiplesOf, which
 * divides by the multiple with the tenant's rounding mode (HALF_EVEN: 312.50 → 312, not 313).
 */
export function roundToMultiple(value: Ratio, step: number, mode: RoundingMode): number {
  const s = BigInt(step);
  return Number(divRound(value.num, value.den * s, mode) * s);
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal string such as "12.5" as an exact ratio (125/10). */
export function parseDecimal(text: string): Ratio {
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`not a decimal number: ${text}`);
  const fraction = match[2] ?? '';
  return reduce({ num: BigInt(`${match[1]}${fraction}`), den: 10n ** BigInt(fraction.length) });
}
