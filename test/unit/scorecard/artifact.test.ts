// The "done when" of issue 3: training on the German data reproduces the committed artifact byte for byte.
// This runs exactly what `npm run model:train` runs (buildArtifacts), with the arguments in models/README.md.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scoreRow, type ScorecardModel } from '../../../functions/core/assessment/scorecard';
import { buildArtifacts, readCsvFile } from '../../../scripts/scorecard-files';

const ROOT = resolve(import.meta.dirname, '../../..');
const DATA = resolve(ROOT, 'data/german_credit.csv');
const MODEL_DIR = resolve(ROOT, 'models/german-credit');

const CATEGORICAL =
  'checking_status,credit_history,purpose,savings,employment_since,personal_status_sex,other_debtors,property,' +
  'other_installment_plans,housing,job,telephone,foreign_worker';

describe('the shipped German credit scorecard', () => {
  const { data, sha256 } = readCsvFile(DATA);
  const built = buildArtifacts(data, sha256, {
    name: 'german-credit',
    target: 'class',
    bad: '2',
    categorical: CATEGORICAL.split(','),
    exclude: ['personal_status_sex', 'foreign_worker', 'age_years'],
  });

  it.each(['model.json', 'report.json', 'report.md'] as const)('retraining reproduces %s byte for byte', (file) => {
    expect(built.files[file]).toBe(readFileSync(resolve(MODEL_DIR, file), 'utf8'));
  });

  it('never uses the protected attributes (sex, age, foreign worker), and scores every training row in range', () => {
    const model = JSON.parse(readFileSync(resolve(MODEL_DIR, 'model.json'), 'utf8')) as ScorecardModel;
    expect(model.trainingData.sha256).toBe(sha256);
    expect(model.features.map((f) => f.name)).not.toEqual(expect.arrayContaining(['personal_status_sex']));
    expect(model.features.map((f) => f.name)).not.toEqual(expect.arrayContaining(['foreign_worker']));
    expect(model.features.map((f) => f.name)).not.toEqual(expect.arrayContaining(['age_years']));
    // Refitted on all rows, and the report's fairness section finds no protected input.
    expect(model.trainingData.developmentRows).toBe(data.rows.length);
    expect(built.report.fairness.protectedInputs).toEqual([]);
    expect(built.report.fairness.attributes.map((a) => [a.attribute, a.excludedFromInputs])).toEqual([
      ['sex', true],
      ['age band', true],
      ['foreign worker', true],
    ]);
    for (const row of data.rows) {
      const record = Object.fromEntries(data.columns.map((c, j) => [c, row[j] ?? '']));
      const { score, pd, reasons } = scoreRow(model, record);
      expect(score).toBeGreaterThanOrEqual(300);
      expect(score).toBeLessThanOrEqual(850);
      expect(pd).toBeGreaterThan(0);
      expect(pd).toBeLessThan(1);
      expect(reasons.length).toBeLessThanOrEqual(4);
    }
  });
});
