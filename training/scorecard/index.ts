// The scorecard trainer (pure, used by scripts/model-train.ts and the tests): binning, logistic regression, metrics,
// the training pipeline and its report. The run-time half (scoring, reasons, scaling) is in functions/core/assessment/scorecard.

export * from '../../functions/core/assessment/scorecard';
export { DEFAULT_SETTINGS, TRAINER_VERSION, chooseCutoff, trainScorecard, type Dataset, type TrainInput, type TrainingReport, type TrainingSettings } from './train';
export { artifactJson, renderReport, trainingCommand } from './report';
