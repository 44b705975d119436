// Bounded JSON numbers for request schemas. Every number a request may carry is bounded to what it can mean, which
// also keeps it storable: DynamoDB refuses numbers outside 1e-130..1e126 or with more than 38 significant digits
// (a 500 "Number underflow" for 1e-200), and zod's min/max alone let such values through.

import { z } from 'zod';

/**
 * The decimal places of a number as the client wrote it (JavaScript prints the shortest text that reads back as the
 * same number): 0.25 → 2, 1e-200 → 200, 1.5e-7 → 8, 1e21 → 0.
 */
export function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).toLowerCase().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** A number from `min` to `max` (above `min` with `minExclusive`) with at most `decimals` decimal places. */
export function boundedDecimal(bounds: { min: number; max: number; decimals: number; minExclusive?: boolean }) {
  const { min, max, decimals } = bounds;
  const base = bounds.minExclusive ? z.number().gt(min, `must be above ${min}`) : z.number().min(min, `must be at least ${min}`);
  return base
    .max(max, `must be at most ${max}`)
    .refine((value) => decimalPlaces(value) <= decimals, decimals === 0 ? 'must be a whole number' : `must have at most ${decimals} decimal places`);
}
