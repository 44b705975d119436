// The yardstick for the held-out check: a plain weight-of-evidence logistic regression on the same development rows,
// scored on the same test rows. Plain means: every candidate feature (the same --exclude), numeric ones cut at the
// deciles with too-small bins merged (no monotonic pooling), categorical ones one bin per level (small ones merged),
// WoE with the same smoothing, an unpenalised fit on all of them — no IV filter, no sign check, no points rounding.
// The recipe's test AUC must at least match it; the report says whether it does.

import { logLoss, auc, brier, ks } from './metrics';
import { fitLogisticFlat } from './logistic';
import { roundTo } from '../../functions/core/assessment/scorecard/values';
import { binColumn, designOf, type Prepared, type TrainingSettings } from './train';

export interface BaselineReport {
  method: string;
  fineBins: number;
  features: number;
  converged: boolean;
  test: { rows: number; auc: number; gini: number; ks: number; brier: number; logLoss: number };
  /** The recipe's development model on the same test rows. */
  recipeTestAuc: number;
  recipeMatchesBaseline: boolean;
}

export const BASELINE_FINE_BINS = 10;

export function plainWoeBaseline(prep: Prepared, trainRows: Int32Array, testRows: Int32Array, settings: TrainingSettings, recipeTestAuc: number): BaselineReport {
  const n = prep.bad.length;
  const mask = new Uint8Array(n);
  for (const i of trainRows) mask[i] = 1;
  const binned = prep.columns.map((column) =>
    binColumn(column, mask, trainRows.length, prep.bad, BASELINE_FINE_BINS, settings, { free: true }),
  );
  const good = Uint8Array.from(trainRows, (i) => 1 - (prep.bad[i] as number));
  let goods = 0;
  for (const g of good) goods += g;
  const design = designOf(binned, trainRows);
  const fit = fitLogisticFlat(design, good, 0, { start: [Math.log(goods / (good.length - goods)), ...binned.map(() => 1)] });
  const testDesign = designOf(binned, testRows);
  const pd = new Float64Array(testRows.length);
  const k = testDesign.k;
  for (let r = 0; r < testRows.length; r++) {
    let z = fit.coefficients[0] as number;
    for (let j = 0; j < k; j++) z += (fit.coefficients[j + 1] as number) * (testDesign.x[r * k + j] as number);
    pd[r] = 1 / (1 + Math.exp(z));
  }
  const bad = Uint8Array.from(testRows, (i) => prep.bad[i] as number);
  const baselineAuc = roundTo(auc(pd, bad), 4);
  return {
    method: `plain WoE logistic regression: all ${binned.length} candidate features, numeric ones in ${BASELINE_FINE_BINS} quantile bins (small bins merged, no monotonic pooling), unpenalised, no selection`,
    fineBins: BASELINE_FINE_BINS,
    features: binned.length,
    converged: fit.converged,
    test: {
      rows: testRows.length,
      auc: baselineAuc,
      gini: roundTo(2 * baselineAuc - 1, 4),
      ks: roundTo(ks(pd, bad), 4),
      brier: roundTo(brier(pd, bad), 4),
      logLoss: roundTo(logLoss(pd, bad), 4),
    },
    recipeTestAuc,
    recipeMatchesBaseline: recipeTestAuc >= baselineAuc,
  };
}
