// Weight of evidence and information value.
// WoE = ln(%good / %bad) where %good = goods in the bin / all goods. To keep empty cells finite, each bin gets
// `smoothing` pseudo-rows split in the sample's overall good:bad mix, so an empty bin (or a bin never seen) has
// WoE exactly 0 — the average risk — and a bin with only goods gets a large but finite WoE.

export interface Cell {
  count: number;
  bads: number;
}

export interface Totals {
  goods: number;
  bads: number;
}

export function totalsOf(cells: readonly Cell[]): Totals {
  let goods = 0;
  let bads = 0;
  for (const cell of cells) {
    goods += cell.count - cell.bads;
    bads += cell.bads;
  }
  return { goods, bads };
}

function smoothedShares(cell: Cell, totals: Totals, smoothing: number): { good: number; bad: number } {
  const all = totals.goods + totals.bads;
  const goods = cell.count - cell.bads + (smoothing * totals.goods) / all;
  const bads = cell.bads + (smoothing * totals.bads) / all;
  return { good: goods / totals.goods, bad: bads / totals.bads };
}

export function weightOfEvidence(cell: Cell, totals: Totals, smoothing: number): number {
  if (totals.goods === 0 || totals.bads === 0) throw new Error('WoE needs both goods and bads in the sample');
  const share = smoothedShares(cell, totals, smoothing);
  return Math.log(share.good / share.bad);
}

/** IV = Σ (%good − %bad) · WoE over the bins, with the same smoothed shares as the WoE. */
export function informationValue(cells: readonly Cell[], totals: Totals, smoothing: number): number {
  let iv = 0;
  for (const cell of cells) {
    const share = smoothedShares(cell, totals, smoothing);
    iv += (share.good - share.bad) * Math.log(share.good / share.bad);
  }
  return iv;
}
