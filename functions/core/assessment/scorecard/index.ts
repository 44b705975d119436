// The scorecard at run time: scoring and reason codes. Training lives in training/scorecard (used by scripts/ only).

export { compileScorecard, scoreRow, type CompiledScorecard, type ScoreResult } from './score';
export { MAX_REASONS, REASON_CODES, pickReasons, reasonEntry, reasonText, reasonTexts, type ReasonCode, type ReasonEntry, type ReasonSide, type ReasonText } from './reasons';
export { DEFAULT_SCALING, clipScore, interceptShift, logOddsOfScore, pdOfLogOdds, scalingFactor, scoreOfLogOdds, scoreOfOdds } from './scaling';
export { SCORECARD_FORMAT } from './types';
export type { CategoricalBin, MissingBin, ModelBin, ModelFeature, NumericBin, RowValue, Scaling, ScorecardModel, ScoringRow, TrainingParameters } from './types';
