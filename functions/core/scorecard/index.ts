// The scorecard: training (pure, used by scripts/model-train.ts), scoring and reason codes (used at run time).

export { compileScorecard, scoreRow, type CompiledScorecard, type ScoreResult } from './score';
export { MAX_REASONS, REASON_CODES, pickReasons, reasonEntry, reasonText, type ReasonCode, type ReasonEntry, type ReasonSide, type ReasonText } from './reasons';
export { DEFAULT_SCALING, clipScore, interceptShift, logOddsOfScore, pdOfLogOdds, scalingFactor, scoreOfLogOdds, scoreOfOdds } from './scaling';
export { DEFAULT_SETTINGS, TRAINER_VERSION, chooseCutoff, trainScorecard, type Dataset, type TrainInput, type TrainingReport, type TrainingSettings } from './train';
export { artifactJson, renderReport, trainingCommand } from './report';
export { SCORECARD_FORMAT } from './types';
export type { CategoricalBin, MissingBin, ModelBin, ModelFeature, NumericBin, RowValue, Scaling, ScorecardModel, ScoringRow, TrainingParameters } from './types';
