// The readable report (report.md) and the stable text of the JSON artifacts. Everything here is a function of the
// model and the report object, so retraining on the same data reproduces the files byte for byte.

import type { TrainingReport } from './train';
import type { ModelBin, ScorecardModel } from '../../functions/core/assessment/scorecard/types';

/** Two-space JSON with a final newline; numbers are already rounded where they were computed. */
export function artifactJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const f = (value: number | null, decimals: number) => (value === null ? '–' : value.toFixed(decimals));
const pct = (value: number | null, decimals = 1) => (value === null ? '–' : `${(value * 100).toFixed(decimals)} %`);

function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function binDescription(bin: ModelBin): string {
  return 'values' in bin ? bin.values.join(', ') : bin.label;
}

export function trainingCommand(model: ScorecardModel): string {
  const p = model.parameters;
  const parts = ['npm run model:train --', '--data FILE.csv', `--target ${model.trainingData.target}`, `--bad ${model.trainingData.bad}`];
  if (p.categorical.length > 0) parts.push(`--categorical ${p.categorical.join(',')}`);
  if (p.exclude.length > 0) parts.push(`--exclude ${p.exclude.join(',')}`);
  parts.push(`--expected-bad-rate ${p.expectedBadRate}`, `--seed ${p.seed}`, `--out DIR`);
  return parts.join(' ');
}

export function renderReport(model: ScorecardModel, report: TrainingReport): string {
  const { development: dev, test, shipped } = report.metrics;
  const cv = report.crossValidation;
  const out: string[] = [];
  // Each block (heading, paragraph, table) is followed by a blank line, as Markdown needs around tables.
  const push = (...blocks: string[]) => {
    for (const block of blocks) out.push(block, '');
  };

  push(
    `# Scorecard ${model.version}`,
    `Trained by \`${trainingCommand(model)}\` on ${report.data.rows} rows (SHA-256 \`${report.data.sha256}\`), ` +
      `target \`${report.data.target}\`, bad = \`${report.data.bad}\`, ${report.data.bads} bads (${pct(report.data.badRate)}). ` +
      `A stratified split (seed ${report.split.seed}) keeps ${report.split.developmentRows} development rows ` +
      `(${report.split.developmentBads} bad) and ${report.split.testRows} test rows (${report.split.testBads} bad). ` +
      'The settings (fine bins, λ, cut-off) are chosen on the development rows and the model developed there is measured ' +
      'on the test rows it never saw: that is the held-out check below. The shipped model is then refitted with those ' +
      `settings on all ${report.data.rows} rows (binning, WoE, selection, coefficients), so no row is left out of it.`,
  );

  const b = report.baseline;
  push(
    '## Summary',
    table(
      ['measure', 'development (held-out check)', 'test (held-out check)', `shipped model, all ${report.data.rows} rows (in sample)`],
      [
        ['AUC', f(dev.auc, 4), f(test.auc, 4), f(shipped.auc, 4)],
        ['Gini', f(dev.gini, 4), f(test.gini, 4), f(shipped.gini, 4)],
        ['KS', f(dev.ks, 4), f(test.ks, 4), f(shipped.ks, 4)],
        ['Brier (sample scale)', f(dev.brier, 4), f(test.brier, 4), f(shipped.brier, 4)],
        [`cost per applicant at the cut-off (score ≥ ${model.cutoff.score})`, f(dev.cost, 4), f(test.cost, 4), f(shipped.cost, 4)],
      ],
    ),
    `Score PSI development → test: ${f(report.psi.scoreDevelopmentVsTest, 4)} ` +
      `(${report.psi.scoreDevelopmentVsTest < 0.1 ? 'below 0.1: stable' : report.psi.scoreDevelopmentVsTest < 0.25 ? '0.1–0.25: some shift' : 'above 0.25: shifted'}). ` +
      `The development model has ${report.metrics.developmentModelFeatures} features, the shipped one ${model.features.length}.`,
  );

  push(
    '## Held-out check against a plain WoE logistic regression',
    `On the same split, a ${b.method} scores the test rows with AUC ${f(b.test.auc, 4)} (KS ${f(b.test.ks, 4)}, Brier ` +
      `${f(b.test.brier, 4)}, log-loss ${f(b.test.logLoss, 4)}); this recipe's development model: AUC ${f(b.recipeTestAuc, 4)}. ` +
      (b.recipeMatchesBaseline ? 'The recipe **matches or beats** the baseline.' : 'The recipe does **not** match the baseline.'),
  );

  const published = report.published;
  const best = published ? Math.min(...published.results.filter((r) => !r.method.startsWith('Reject')).map((r) => r.cost)) : null;
  const verdict =
    best === null
      ? ''
      : cv.pooledCost < best
        ? `This beats the best published figure (${best.toFixed(3)}).`
        : `This does **not** beat the best published figure (${best.toFixed(3)}).`;
  push(
    `## ${cv.folds}-fold cross-validated cost`,
    `Average misclassification cost per applicant (bad accepted = ${model.parameters.costBadAccepted}, good rejected = ` +
      `${model.parameters.costGoodRejected}) over all ${report.data.rows} rows, stratified folds (seed ${cv.seed}): ` +
      `**${f(cv.pooledCost, 3)}** (mean of the folds ${f(cv.meanFoldCost, 3)}, standard deviation between folds ` +
      `${f(cv.sdFoldCost, 3)}). ${verdict}`,
    'Inside each fold the whole recipe runs again on that fold\'s training rows only: binning, WoE, IV filter, the inner ' +
      'cross-validation that picks the bin count and λ, the fit, the sign check and the cut-off (read off that training ' +
      'fold\'s own out-of-fold scores). The held-out tenth is scored by the resulting scorecard and nothing else; the ' +
      'cost is pooled over the ten held-out tenths (every row counted once), and so is the AUC. The cut-off rule (one standard error, see below) was settled ' +
      'after a first version took the plain lowest-cost threshold; both, and the fixed theoretical threshold, are shown.',
    table(
      ['method', 'cost per applicant'],
      [
        ['this recipe, cut-off by the one-standard-error rule (shipped)', `**${f(cv.pooledCost, 3)}**`],
        ['this recipe, cut-off at the plain lowest out-of-fold cost', f(cv.pooledCostAtLowestCost, 3)],
        [`this recipe, fixed theoretical cut-off pdSample > ${f(report.cutoff.theoryPdSample, 4)}`, f(cv.pooledCostAtTheory, 3)],
        // "Reject everyone" is computed on this data in the next row.
        ...(published ? published.results.filter((r) => !r.method.startsWith('Reject')).map((r) => [`${r.method} (published)`, r.cost.toFixed(3)]) : []),
        ['reject everyone (this data)', f(cv.rejectAllCost, 3)],
        ['accept everyone (this data)', f(cv.acceptAllCost, 3)],
      ],
    ),
    `Pooled out-of-fold AUC ${f(cv.pooledAuc, 4)}` +
      (published ? `; published logistic-regression AUCs on this data are around ${published.aucRange[0].toFixed(2)}–${published.aucRange[1].toFixed(2)}.` : '.') +
      (published ? ` Source of the published figures: ${published.source}.` : ''),
    table(
      ['fold', 'rows', 'bads', 'bins', 'λ', 'features', 'cut-off', 'cost', 'lowest-cost cut-off', 'its cost', 'cost at theory', 'AUC'],
      cv.perFold.map((fold) => [
        fold.fold,
        fold.rows,
        fold.bads,
        fold.maxBins,
        fold.lambda,
        fold.features,
        f(fold.cutoffPdSample, 2),
        f(fold.cost, 2),
        f(fold.cutoffLowestCost, 2),
        f(fold.costAtLowestCost, 2),
        f(fold.costAtTheory, 2),
        f(fold.auc, 4),
      ]),
    ),
  );

  const c = test.confusion;
  push(
    '## Cut-off',
    `Accept when **score ≥ ${model.cutoff.score}**, i.e. P(bad) on the sample scale ≤ ${f(model.cutoff.pdSample, 4)} ` +
      `(calibrated P(bad) ≤ ${f(model.cutoff.pd, 4)}). With these costs the theory rejects when P(bad) > ` +
      `${f(report.cutoff.theoryPdSample, 4)}. The threshold is read off the out-of-fold predictions of the inner ` +
      `cross-validation: the lowest cost there is at ${f(report.selection.cutoffLowestCost, 2)}, and among the thresholds ` +
      `within one standard error (${f(report.selection.cutoffStandardError, 4)}) of it the one nearest the theory is kept.`,
    `The cost matrix describes the sample, with its ${pct(model.calibration.sampleBadRate)} bads. If the lender's own ` +
      `bads run at the expected ${pct(model.calibration.expectedBadRate)}, the same costs break even at a calibrated ` +
      `P(bad) of ${f(report.cutoff.theoryPdSample, 4)}, which is score ${report.cutoff.calibratedBreakEvenScore}: the ` +
      'cut-off above is the German sample\'s, not a lending policy.',
    'Test rows at the cut-off (held-out check):',
    table(
      ['', 'accepted', 'rejected'],
      [
        ['good', c.goodAccepted, c.goodRejected],
        ['bad', c.badAccepted, c.badRejected],
      ],
    ),
    `Cost on the test rows: ${f(test.cost, 4)} per applicant.`,
  );

  const cal = report.calibration;
  push(
    '## Calibration',
    `The sample has ${pct(cal.sampleBadRate)} bads; the lender expects ${pct(cal.expectedBadRate)}. Prior correction ` +
      `(King & Zeng) adds ln((1 − τ)/τ · ȳ/(1 − ȳ)) = ${f(cal.interceptShift, 4)} to the log-odds of good, i.e. ` +
      `${Math.round((model.scaling.pdo / Math.LN2) * cal.interceptShift)} points; scores and \`pd\` are on this calibrated ` +
      'scale, `pdSample` is the model before the correction.',
    table(
      ['score', 'P(bad), sample scale', 'P(bad), calibrated'],
      cal.scorePoints.map((p) => [p.score, f(p.pdSample, 4), f(p.pd, 4)]),
    ),
    'Test rows by the policy\'s score bands (observed bad rate is on the sample, so compare it with the sample-scale PD):',
    table(
      ['band', 'scores', 'rows', 'bads', 'observed bad rate', 'mean P(bad), sample', 'mean P(bad), calibrated'],
      cal.testBands.map((b) => [b.band, `${b.minScore}–${b.maxScore}`, b.rows, b.bads, pct(b.observedBadRate), pct(b.meanPdSample), pct(b.meanPd)]),
    ),
  );

  push(
    '## Model selection',
    `Inner ${report.selection.innerFolds}-fold cross-validation on the development rows (3 folds from 10,000 rows), out-of-fold log-loss of the ` +
      `whole recipe for each fine-bin count and L2 strength λ (penalty λ/2 · Σβ² on the total log-likelihood). ` +
      `Chosen: ${report.selection.maxBins} fine bins, λ = ${report.selection.lambda}. The final fit took ` +
      `${report.selection.iterations} Newton steps (${report.selection.converged ? 'converged' : 'NOT converged'}).`,
    table(
      ['fine bins', ...model.parameters.lambdaGrid.map((l) => `λ = ${l}`)],
      model.parameters.maxBinsGrid.map((bins) => [
        bins,
        ...model.parameters.lambdaGrid.map((l) => {
          const point = report.selection.grid.find((g) => g.maxBins === bins && g.lambda === l);
          return point ? f(point.logLoss, 4) : '–';
        }),
      ]),
    ),
  );

  push(
    '## Features',
    `Selected when IV ≥ ${model.parameters.ivMin} and the fitted coefficient on the WoE is positive (a negative one ` +
      `would turn the bin order upside down); dropped features are refitted away one at a time. Bins have at least ` +
      `${pct(model.parameters.minBinShare, 0)} of the rows; numeric bins are monotonic in risk unless the data clearly ` +
      'shows one turn (a valley or a peak, each side monotonic, better in a likelihood-ratio test at p < 0.001). IV and bins ' +
      'are those of the shipped model (all rows).',
    table(
      ['feature', 'type', 'shape', 'bins', 'IV', 'status', 'coefficient', 'reason'],
      report.features.map((x) => [x.name, x.type, x.shape ?? '', x.bins ?? '–', f(x.iv, 4), x.status, f(x.coefficient, 4), x.reason ?? '']),
    ),
  );

  push(
    '## Scorecard',
    `Score = ${model.basePoints} base points + the points of the applicant's bin in each feature, clipped to ` +
      `${model.scaling.min}–${model.scaling.max} (${model.scaling.baseScore} at odds ${model.scaling.baseOdds}:1, ` +
      `${model.scaling.pdo} points to double the odds; intercept ${model.intercept} on the sample scale plus the ` +
      `calibration shift, kept as base points). Points = round(${f(model.scaling.pdo / Math.LN2, 4)} × coefficient × WoE).`,
  );
  for (const feature of model.features) {
    push(
      `### ${feature.name} (${feature.type}, IV ${f(feature.iv, 4)}, coefficient ${f(feature.coefficient, 4)})`,
      table(
        ['bin', 'rows', 'bad rate', 'WoE', 'points'],
        feature.bins.map((bin) => [binDescription(bin), bin.count, pct(bin.badRate), f(bin.woe, 4), bin.points]),
      ),
    );
  }

  const fairness = report.fairness;
  push(
    '## Fairness',
    `Scope: ${fairness.scope} (score ≥ ${fairness.cutoffScore}); overall approval rate ${pct(fairness.approvalRate)}. ` +
      'Disparate impact is a group\'s approval rate over the most-approved group\'s; the four-fifths rule asks for at ' +
      'least 0.8. Mean PD is shown on the sample scale (comparable with the observed bad rate) and calibrated. ' +
      (fairness.protectedInputs.length === 0
        ? 'None of the protected attributes below is a model input (each is excluded by `--exclude`).'
        : `**Protected attributes used as model inputs: ${fairness.protectedInputs.join(', ')}.**`),
    ...(fairness.attributes.length === 0 ? ['The data has no protected attribute the trainer recognises.'] : []),
  );
  for (const attribute of fairness.attributes) {
    push(
      `### ${attribute.attribute} (\`${attribute.column}\`, ${attribute.excludedFromInputs ? 'excluded from the inputs' : '**not excluded from the inputs**'})`,
      table(
        ['group', 'rows', 'approved', 'approval rate', 'mean P(bad), sample', 'mean P(bad), calibrated', 'observed bad rate', 'disparate impact'],
        attribute.groups.map((g) => [g.group, g.rows, g.approved, pct(g.approvalRate), pct(g.meanPdSample), pct(g.meanPd), pct(g.badRate), f(g.disparateImpact, 3)]),
      ),
      `Lowest ratio ${f(attribute.lowestDisparateImpact, 3)}: ` +
        (attribute.fourFifthsRule
          ? 'meets the four-fifths rule.'
          : '**below 0.8: fails the four-fifths rule.** The attribute is not an input, but other inputs can stand in for it: compare the observed bad rates, and review before relying on this cut-off for these groups.'),
    );
  }

  push(
    '## How these figures are measured',
    [
      `- Every figure here is computed by the training command above (\`buildArtifacts\` in scripts/scorecard-files.ts); rerunning it on the same file reproduces model.json, report.json and this report byte for byte.`,
      `- Held-out check: the model developed on the ${report.split.developmentRows} development rows scores the ${report.split.testRows} test rows; the baseline is fitted on the same development rows and scored on the same test rows.`,
      `- Cross-validation: ${cv.folds} stratified folds (seed ${cv.seed}); in each, the recipe runs on the other folds, chooses its bins, λ and cut-off there (the cut-off from that training part's own inner out-of-fold scores), and scores the held-out fold. Cost = (${model.parameters.costBadAccepted} × bads accepted + ${model.parameters.costGoodRejected} × goods rejected) / rows, pooled over all held-out rows; AUC pooled the same way.`,
      '- Training time is not part of this report (it would differ from run to run): `npm run bench -- train` times the same pipeline on a synthetic 30,000-row × 25-column book and writes it to bench/results.json.',
    ].join('\n'),
  );

  push(
    '## Score stability',
    `PSI over the development scores' deciles: ${f(report.psi.scoreDevelopmentVsTest, 4)}.`,
    table(
      ['score from', 'development rows', 'test rows'],
      report.psi.developmentCounts.map((count, k) => [k === 0 ? 'min' : String(report.psi.cuts[k - 1]), count, report.psi.testCounts[k] as number]),
    ),
  );
  return `${out.join('\n').trimEnd()}\n`;
}
