import {
  binCategorical,
  binIndex,
  binNumeric,
  mergeSmallBins,
  monotonicMerge,
  quantileCutPoints,
} from '../../../training/scorecard/binning';
import { informationValue, totalsOf, weightOfEvidence } from '../../../training/scorecard/woe';

/** Rows: `count` copies of value with the first `bads` of them bad. */
function rows(groups: Array<[value: number | string | null, count: number, bads: number]>) {
  const values: Array<number | string | null> = [];
  const bad: number[] = [];
  for (const [value, count, bads] of groups) {
    for (let i = 0; i < count; i++) {
      values.push(value);
      bad.push(i < bads ? 1 : 0);
    }
  }
  return { values, bad };
}

describe('weight of evidence and information value', () => {
  const totals = { goods: 70, bads: 30 };

  it('computes ln(%good/%bad) with 0.5 pseudo-rows split 70:30', () => {
    // 40 goods, 10 bads: ln(((40 + 0.35)/70) / ((10 + 0.15)/30))
    expect(weightOfEvidence({ count: 50, bads: 10 }, totals, 0.5)).toBeCloseTo(0.5328198288, 9);
    // Only goods: still finite, ln((10.35/70) / (0.15/30))
    expect(weightOfEvidence({ count: 10, bads: 0 }, totals, 0.5)).toBeCloseTo(3.3868086442, 9);
    // A bin nobody fell into has the average risk
    expect(weightOfEvidence({ count: 0, bads: 0 }, totals, 0.5)).toBe(0);
    // Without smoothing it is the textbook value ln((40/70)/(10/30))
    expect(weightOfEvidence({ count: 50, bads: 10 }, totals, 0)).toBeCloseTo(Math.log(12 / 7), 12);
  });

  it('computes IV = Σ (%good − %bad)·WoE', () => {
    const cells = [
      { count: 50, bads: 10 },
      { count: 50, bads: 20 },
    ];
    expect(totalsOf(cells)).toEqual({ goods: 70, bads: 30 });
    // (4/7 − 1/3)·ln(12/7) + (3/7 − 2/3)·ln(9/14) by hand
    expect(informationValue(cells, totals, 0)).toBeCloseTo(0.2335307745, 9);
    expect(informationValue([{ count: 100, bads: 30 }], totals, 0)).toBeCloseTo(0, 12);
  });

  it('refuses a sample without goods or without bads', () => {
    expect(() => weightOfEvidence({ count: 5, bads: 5 }, { goods: 0, bads: 5 }, 0.5)).toThrow(/both goods and bads/);
  });
});

describe('numeric binning', () => {
  it('takes distinct quantile cut points above the minimum and looks bins up as [lower, upper)', () => {
    expect(quantileCutPoints([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([3, 5, 7, 9]);
    expect(quantileCutPoints([1, 1, 1, 1, 1, 1, 2, 2, 3, 3], 5)).toEqual([2, 3]);
    expect(quantileCutPoints([4, 4, 4], 10)).toEqual([]);
    const cuts = [3, 5];
    expect([2.99, 3, 4.99, 5, 100].map((x) => binIndex(cuts, x))).toEqual([0, 1, 1, 2, 2]);
  });

  it('pools adjacent violators into a strictly monotonic bad rate', () => {
    const cell = (count: number, bads: number) => ({ count, bads });
    const combine = (a: { count: number; bads: number }, b: { count: number; bads: number }) => cell(a.count + b.count, a.bads + b.bads);
    const merged = monotonicMerge([cell(10, 1), cell(10, 2), cell(10, 1), cell(10, 5)], true, combine);
    // 0.2 then 0.1 violate: pooled to 3/20; equal rates would be pooled too (strict order)
    expect(merged).toEqual([cell(10, 1), cell(20, 3), cell(10, 5)]);
    expect(monotonicMerge([cell(10, 1), cell(10, 1)], true, combine)).toEqual([cell(20, 2)]);
  });

  it('merges a constructed non-monotonic case into monotonic bins with their bounds', () => {
    // Values 1…10, twenty rows each; bad rates 10 %, 20 %, 15 %, 30 %, 40 %, 35 %, 50 %, 60 %, 70 %, 80 %.
    const rates = [1, 2, 1.5, 3, 4, 3.5, 5, 6, 7, 8];
    const data = rows(rates.map((r, k) => [k + 1, 20, Math.round(r * 2)]));
    const binning = binNumeric(data.values as number[], data.bad, { maxBins: 10, minCount: 5, woeSmoothing: 0.5 });
    expect(binning.direction).toBe('increasing');
    expect(binning.bins.map((b) => [b.lower, b.upper, b.count, b.bads])).toEqual([
      [null, 2, 20, 2],
      [2, 4, 40, 7], // 20 % and 15 % pooled
      [4, 5, 20, 6],
      [5, 7, 40, 15], // 40 % and 35 % pooled
      [7, 8, 20, 10],
      [8, 9, 20, 12],
      [9, 10, 20, 14],
      [10, null, 20, 16],
    ]);
    const badRates = binning.bins.map((b) => b.bads / b.count);
    for (let k = 1; k < badRates.length; k++) expect(badRates[k]).toBeGreaterThan(badRates[k - 1] as number);
  });

  it('finds a falling trend too', () => {
    const data = rows([
      [20, 30, 15],
      [30, 30, 9],
      [40, 30, 10],
      [50, 30, 3],
    ]);
    const binning = binNumeric(data.values as number[], data.bad, { maxBins: 4, minCount: 5, woeSmoothing: 0.5 });
    expect(binning.direction).toBe('decreasing');
    expect(binning.bins.map((b) => [b.lower, b.upper, b.count, b.bads])).toEqual([
      [null, 30, 30, 15],
      [30, 50, 60, 19],
      [50, null, 30, 3],
    ]);
  });

  it('merges bins below the minimum size or without goods or bads into the closer neighbour', () => {
    const combine = (a: { count: number; bads: number }, b: { count: number; bads: number }) => ({ count: a.count + b.count, bads: a.bads + b.bads });
    // The 4-row bin (25 % bad) is closer to its left neighbour (20 %) than to its right one (50 %).
    expect(mergeSmallBins([{ count: 50, bads: 10 }, { count: 4, bads: 1 }, { count: 40, bads: 20 }], 5, combine)).toEqual([
      { count: 54, bads: 11 },
      { count: 40, bads: 20 },
    ]);
    // Big enough but with no bads: merged all the same.
    expect(mergeSmallBins([{ count: 50, bads: 10 }, { count: 30, bads: 15 }, { count: 20, bads: 0 }], 5, combine)).toEqual([
      { count: 50, bads: 10 },
      { count: 50, bads: 15 },
    ]);
    // Nothing left to merge with: one bin stays.
    expect(mergeSmallBins([{ count: 3, bads: 0 }], 5, combine)).toEqual([{ count: 3, bads: 0 }]);
  });

  it('keeps missing values in their own bin', () => {
    const data = rows([
      [1, 40, 10],
      [2, 40, 20],
      [null, 20, 15],
    ]);
    const values = data.values.map((v) => (v === null ? Number.NaN : (v as number)));
    const binning = binNumeric(values, data.bad, { maxBins: 5, minCount: 5, woeSmoothing: 0.5 });
    expect(binning.missing).toEqual({ count: 20, bads: 15 });
    expect(binning.bins.reduce((s, b) => s + b.count, 0)).toBe(80);
    const none = binNumeric([1, 2, 3, 4], [0, 1, 0, 1], { maxBins: 2, minCount: 1, woeSmoothing: 0.5 });
    expect(none.missing).toEqual({ count: 0, bads: 0 });
  });
});

describe('categorical binning', () => {
  it('keeps one bin per level, merges small levels by bad rate and lists bins in codebook order', () => {
    const data = rows([
      ['A410', 40, 20], // 50 %
      ['A40', 50, 10], // 20 %
      ['A44', 4, 1], // 25 %, too small: joins A40 (20 %) rather than A49 (40 %)
      ['A49', 30, 12], // 40 %
      [null, 6, 3],
    ]);
    const binning = binCategorical(data.values as Array<string | null>, data.bad, { maxBins: 10, minCount: 5, woeSmoothing: 0.5 });
    expect(binning.bins.map((b) => [b.values, b.count, b.bads])).toEqual([
      [['A40', 'A44'], 54, 11],
      [['A49'], 30, 12],
      [['A410'], 40, 20],
    ]);
    expect(binning.missing).toEqual({ count: 6, bads: 3 });
  });
});
