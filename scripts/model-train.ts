// npm run model:train -- --data FILE.csv --target COLUMN --bad VALUE [--categorical c1,c2] [--exclude c3,c4]
//                        [--expected-bad-rate 0.05] [--seed 42] [--name NAME] --out DIR
// Writes DIR/model.json, DIR/report.json and DIR/report.md (see training/scorecard/train.ts for the recipe). The model
// is measured on held-out rows, then refitted on all rows; the report says how, and has a fairness section.

import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildArtifacts, listOption, readCsvFile, writeArtifacts } from './scorecard-files';

const USAGE =
  'usage: npm run model:train -- --data FILE.csv --target COLUMN --bad VALUE [--categorical c1,c2] [--exclude c3,c4] ' +
  '[--expected-bad-rate 0.05] [--seed 42] [--name NAME] --out DIR';

function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      target: { type: 'string' },
      bad: { type: 'string' },
      categorical: { type: 'string' },
      exclude: { type: 'string' },
      'expected-bad-rate': { type: 'string' },
      seed: { type: 'string' },
      name: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.data || !values.target || values.bad === undefined || !values.out) throw new Error(USAGE);
  const number = (text: string | undefined, flag: string) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) throw new Error(`--${flag} must be a number`);
    return value;
  };
  const seed = number(values.seed, 'seed');
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error('--seed must be an integer');
  const started = performance.now();
  const { data, sha256 } = readCsvFile(values.data);
  const { model, report, files } = buildArtifacts(data, sha256, {
    name: values.name ?? basename(resolve(values.out)),
    target: values.target,
    bad: values.bad,
    categorical: listOption(values.categorical),
    exclude: listOption(values.exclude),
    expectedBadRate: number(values['expected-bad-rate'], 'expected-bad-rate'),
    seed,
  });
  writeArtifacts(values.out, files);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const { test } = report.metrics;
  console.log(`${model.version}: ${model.features.length} features, refitted on all ${report.data.rows} rows; held-out check: test AUC ${test.auc} ` +
    `(plain WoE-LR ${report.baseline.test.auc}), KS ${test.ks}; ${report.crossValidation.folds}-fold CV cost ${report.crossValidation.pooledCost}, ` +
    `pooled AUC ${report.crossValidation.pooledAuc}; cut-off score ${model.cutoff.score}`);
  const unfair = report.fairness.attributes.filter((a) => !a.fourFifthsRule).map((a) => `${a.attribute} ${a.lowestDisparateImpact}`);
  if (report.fairness.protectedInputs.length > 0) console.log(`warning: protected attributes used as inputs: ${report.fairness.protectedInputs.join(', ')} (name them in --exclude)`);
  if (unfair.length > 0) console.log(`fairness: below the four-fifths rule for ${unfair.join(', ')} (see report.md)`);
  console.log(`wrote ${values.out}/model.json, report.json, report.md in ${seconds} s`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
