// How raw cell values become model inputs, shared by training and scoring so both read a value the same way.
// A value is missing when it is null, undefined, NaN or blank after trimming; nothing else is guessed.

import type { RowValue } from './types';

// Bound once: inside a sandbox such as Jest's vm context every global lookup (Math.exp …) is slow in a hot loop.
const toNumber = Number;
const isNaN = Number.isNaN;

/** The number in a numeric cell, NaN when missing; throws on text that is not a number (a mislabelled column). */
export function numericValue(value: RowValue, feature: string): number {
  if (value === null || value === undefined) return NaN;
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (text === '') return NaN;
  const parsed = toNumber(text);
  if (isNaN(parsed)) throw new Error(`feature ${feature} is numeric but got "${value}"`);
  return parsed;
}

/** The level of a categorical cell, null when missing. Numbers become their decimal text (3 → "3"). */
export function categoricalValue(value: RowValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return isNaN(value) ? null : String(value);
  const text = value.trim();
  return text === '' ? null : text;
}

/** Orders "A40" < "A49" < "A410" (digit runs compare as numbers), so codebook levels read in their natural order. */
export function naturalCompare(a: string, b: string): number {
  const chunks = /(\d+|\D+)/g;
  const left = a.match(chunks) ?? [];
  const right = b.match(chunks) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] as string;
    const y = right[i] as string;
    if (x === y) continue;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    if (bothDigits && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  if (left.length !== right.length) return left.length - right.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rounds to a fixed number of decimals so the artifacts are stable text; -0 becomes 0. */
export function roundTo(value: number, decimals: number): number {
  const rounded = Number(value.toFixed(decimals));
  return rounded === 0 ? 0 : rounded;
}

/** Index of the bin holding x for bins [−∞, c0), [c0, c1), …, [c_last, ∞): the number of cut points ≤ x. */
export function binIndex(cuts: readonly number[], x: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cuts[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
