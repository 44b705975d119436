// The scorecard shipped with the code (models/german-credit/model.json, trained by `npm run model:train`), compiled
// once per process. The JSON is bundled into the Lambda, so scoring needs no I/O.

import shippedModel from '../../../models/german-credit/model.json' with { type: 'json' };
import { compileScorecard, scoreRow } from '../../core/assessment/scorecard/score';
import { binIndex } from '../../core/assessment/scorecard/values';
import type { ScorecardModel } from '../../core/assessment/scorecard/types';
import type { Scorer } from '../../core/assessment/scoring';

export function createScorecardScorer(model: ScorecardModel): Scorer {
  const compiled = compileScorecard(model);
  return {
    modelVersion: model.version,
    score(row) {
      const result = scoreRow(compiled, row);
      return {
        score: result.score,
        pd: result.pd,
        bins: result.bins,
        scoreBucket: model.scoreDistribution ? binIndex(model.scoreDistribution.cuts, result.score) : null,
        reasons: result.reasons.map((reason) => ({
          code: reason.code,
          feature: reason.feature,
          pointsLost: reason.pointsLost,
          description: { en: reason.en, 'zh-CN': reason.zhCN },
        })),
      };
    },
  };
}

export function createShippedScorer(): Scorer {
  return createScorecardScorer(shippedScorecardModel());
}

/** The shipped artifact itself (its training distributions are what drift is measured against). */
export function shippedScorecardModel(): ScorecardModel {
  return shippedModel as unknown as ScorecardModel;
}
