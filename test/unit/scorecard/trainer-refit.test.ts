// Issue 12, item 1 (and the training side of item 6): the trainer measures on held-out rows, then ships a model
// refitted on all rows; bins are monotonic unless the data clearly shows one turn; the held-out check is compared with
// a plain WoE logistic regression; the same input gives the same bytes; the report has a fairness section.

import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { DEFAULT_SETTINGS, artifactJson, renderReport, scoreRow, trainScorecard, type Dataset, type NumericBin, type TrainingSettings } from '../../../training/scorecard';
import { binNumeric } from '../../../training/scorecard/binning';

/** Risk falls with income, rises with term, is U-shaped in utilisation; sex and age are recorded but carry no risk. */
function book(rows: number, seed: number): Dataset {
  const rng = xoroshiro128plus(seed);
  const uniform = () => uniformInt(rng, 0, 999_999) / 1_000_000;
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const income = uniformInt(rng, 10, 90);
    const term = uniformInt(rng, 1, 8) * 6;
    const utilisation = uniformInt(rng, 0, 100);
    const sex = uniformInt(rng, 0, 1) === 0 ? 'female' : 'male';
    const age = uniformInt(rng, 19, 70);
    const logOddsBad = -1 - 0.04 * (income - 50) + 0.05 * (term - 24) + 2.5 * ((utilisation - 50) / 50) ** 2 - 0.8;
    const bad = uniform() < 1 / (1 + Math.exp(-logOddsBad));
    out.push([String(income), String(term), String(utilisation), sex, String(age), bad ? 'bad' : 'good']);
  }
  return { columns: ['income', 'term', 'utilisation', 'sex', 'age', 'outcome'], rows: out };
}

const settings: TrainingSettings = {
  ...DEFAULT_SETTINGS,
  maxBinsGrid: [10],
  lambdaGrid: [0, 10],
  innerFolds: 3,
  cvFolds: 3,
  categorical: ['sex'],
  exclude: ['sex', 'age'],
};

const train = (data: Dataset, overrides: Partial<TrainingSettings> = {}) =>
  trainScorecard({ data, target: 'outcome', bad: 'bad', name: 'book', version: 'book-test', dataSha256: 'abc', settings: { ...settings, ...overrides } });

describe('the trainer', () => {
  const data = book(3000, 11);
  const { model, report } = train(data);

  it('reproduces model.json, report.json and report.md byte for byte from the same input', () => {
    const again = train(data);
    expect(artifactJson(again.model)).toBe(artifactJson(model));
    expect(artifactJson(again.report)).toBe(artifactJson(report));
    expect(renderReport(again.model, again.report)).toBe(renderReport(model, report));
  });

  it('keeps the held-out check, then ships a model refitted on all rows', () => {
    expect(report.metrics.test.rows).toBe(900);
    expect(report.metrics.development.rows).toBe(2100);
    expect(model.trainingData.developmentRows).toBe(3000);
    expect(model.trainingData.testRows).toBe(0);
    for (const feature of model.features) expect(feature.bins.reduce((s, b) => s + b.count, 0)).toBe(3000);
    expect(report.metrics.shipped.rows).toBe(3000);
  });

  it("scores its own rows exactly as the production scorer does (the shipped figures are scoreRow's)", () => {
    const matrix = { goodAccepted: 0, goodRejected: 0, badAccepted: 0, badRejected: 0 };
    for (const row of data.rows) {
      const record = Object.fromEntries(data.columns.map((c, j) => [c, row[j] ?? '']));
      const accepted = scoreRow(model, record).score >= model.cutoff.score;
      const isBad = record.outcome === 'bad';
      if (accepted) isBad ? matrix.badAccepted++ : matrix.goodAccepted++;
      else isBad ? matrix.badRejected++ : matrix.goodRejected++;
    }
    expect(report.metrics.shipped.confusion).toEqual(matrix);
  });

  it('bins monotonically where the data supports it, and keeps a clear U shape', () => {
    const shape = (name: string) => report.features.find((f) => f.name === name)?.shape;
    expect(shape('income')).toBe('decreasing');
    expect(shape('term')).toBe('increasing');
    expect(shape('utilisation')).toBe('valley');
    const income = model.features.find((f) => f.name === 'income')!;
    const rates = income.bins.filter((b) => !('missing' in b)).map((b) => (b as NumericBin).badRate as number);
    for (let k = 1; k < rates.length; k++) expect(rates[k]).toBeLessThan(rates[k - 1] as number);
  });

  it('pools a small wiggle into monotonic bins rather than keeping a turn', () => {
    // Bad rates 10 %, 20 %, 15 %, 30 %, 40 %, 35 %, 50 %: a rising trend with noise, not a turn.
    const rates = [2, 4, 3, 6, 8, 7, 10];
    const values: number[] = [];
    const bad: number[] = [];
    rates.forEach((bads, k) => {
      for (let r = 0; r < 20; r++) {
        values.push(k + 1);
        bad.push(r < bads ? 1 : 0);
      }
    });
    const binning = binNumeric(values, bad, { maxBins: 10, minCount: 5, woeSmoothing: 0.5 });
    expect(binning.direction).toBe('increasing');
  });

  it('measures a plain WoE logistic regression on the same split, and the recipe at least matches it', () => {
    expect(report.baseline.test.rows).toBe(900);
    expect(report.baseline.test.auc).toBeGreaterThan(0.6);
    expect(report.baseline.recipeTestAuc).toBe(report.metrics.test.auc);
    expect(report.baseline.recipeMatchesBaseline).toBe(true);
    expect(report.metrics.test.auc).toBeGreaterThanOrEqual(report.baseline.test.auc);
  });

  it('reports approval rate, mean PD and bad rate by sex and age band, with the disparate-impact ratio', () => {
    const fairness = report.fairness;
    expect(fairness.protectedInputs).toEqual([]);
    expect(fairness.attributes.map((a) => [a.attribute, a.column, a.excludedFromInputs])).toEqual([
      ['sex', 'sex', true],
      ['age band', 'age', true],
    ]);
    const sex = fairness.attributes[0]!;
    expect(sex.groups.map((g) => g.group)).toEqual(['female', 'male']);
    expect(sex.groups.reduce((s, g) => s + g.rows, 0)).toBe(3000);
    for (const group of sex.groups) {
      expect(group.approvalRate).toBeCloseTo(group.approved / group.rows, 4);
      expect(group.meanPd).toBeGreaterThan(0);
      expect(group.badRate).toBeGreaterThan(0);
    }
    const highest = Math.max(...sex.groups.map((g) => g.approvalRate));
    for (const group of sex.groups) expect(group.disparateImpact).toBeCloseTo(group.approvalRate / highest, 3);
    expect(sex.fourFifthsRule).toBe(sex.lowestDisparateImpact >= 0.8);
    expect(fairness.attributes[1]!.groups.map((g) => g.group)).toEqual(['under 25', '25–34', '35–49', '50 and over']);
    expect(renderReport(model, report)).toContain('## Fairness');
  });

  it('says so when a protected attribute is a model input', () => {
    const withSex = train(data, { exclude: ['age'] }).report.fairness;
    const sex = withSex.attributes.find((a) => a.attribute === 'sex')!;
    expect(sex.excludedFromInputs).toBe(false);
  });
});
