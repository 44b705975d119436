import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import {
  DEFAULT_SETTINGS,
  artifactJson,
  chooseCutoff,
  renderReport,
  scalingFactor,
  scoreRow,
  trainScorecard,
  type Dataset,
  type NumericBin,
  type TrainingSettings,
} from '../../../training/scorecard';

/** A synthetic portfolio: risk falls with age, rises with term, depends on a category; noise is pure noise. */
function syntheticData(rows: number, seed: number): Dataset {
  const rng = xoroshiro128plus(seed);
  const uniform = () => uniformInt(rng, 0, 1_000_000) / 1_000_000;
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const age = uniformInt(rng, 19, 70);
    const term = uniformInt(rng, 1, 8) * 6;
    const status = ['A', 'B', 'C', 'D'][uniformInt(rng, 0, 3)] as string;
    const noise = uniformInt(rng, 0, 100);
    const logOddsBad = -0.8 - 0.05 * (age - 40) + 0.04 * (term - 24) + ({ A: -0.8, B: 0, C: 0.4, D: 1.2 } as Record<string, number>)[status]!;
    const bad = uniform() < 1 / (1 + Math.exp(-logOddsBad));
    // One in twenty ages is blank, to exercise the missing bin.
    out.push([i % 20 === 0 ? '' : String(age), String(term), status, String(noise), bad ? 'bad' : 'good']);
  }
  return { columns: ['age', 'term', 'status', 'noise', 'outcome'], rows: out };
}

const settings: TrainingSettings = {
  ...DEFAULT_SETTINGS,
  maxBinsGrid: [5, 10],
  lambdaGrid: [0, 10],
  innerFolds: 3,
  cvFolds: 3,
  categorical: ['status'],
};

const train = (data: Dataset, seed = 42) =>
  trainScorecard({ data, target: 'outcome', bad: 'bad', name: 'synthetic', version: 'synthetic-test', dataSha256: 'abc', settings: { ...settings, seed } });

describe('training a scorecard', () => {
  const data = syntheticData(800, 5);
  const { model, report } = train(data);

  it('is deterministic: the same data and seed give the same artifact text', () => {
    const again = train(data);
    expect(artifactJson(again.model)).toBe(artifactJson(model));
    expect(artifactJson(again.report)).toBe(artifactJson(report));
    expect(renderReport(again.model, again.report)).toBe(renderReport(model, report));
    expect(artifactJson(train(data, 7).model)).not.toBe(artifactJson(model));
  });

  it('keeps the informative features, with positive coefficients, and drops the noise', () => {
    expect(model.features.map((f) => f.name)).toEqual(['age', 'term', 'status']);
    for (const feature of model.features) expect(feature.coefficient).toBeGreaterThan(0);
    expect(report.features.find((f) => f.name === 'noise')).toMatchObject({ status: 'dropped' });
    expect(report.metrics.test.auc).toBeGreaterThan(0.7);
  });

  it('bins numeric features monotonically, with a missing bin, and age risk falling', () => {
    const age = model.features.find((f) => f.name === 'age')!;
    const present = age.bins.filter((b) => !('missing' in b)) as NumericBin[];
    const woe = present.map((b) => b.woe);
    for (let k = 1; k < woe.length; k++) expect(woe[k]).toBeGreaterThan(woe[k - 1] as number);
    expect(present[0]!.lower).toBeNull();
    expect(present[present.length - 1]!.upper).toBeNull();
    const missing = age.bins[age.bins.length - 1]!;
    expect(missing).toMatchObject({ label: 'missing', missing: true });
    // 40 of the 800 ages are blank; the shipped model is refitted on all rows, and every row sits in one bin.
    expect(missing.count).toBe(40);
    expect(age.bins.reduce((s, b) => s + b.count, 0)).toBe(800);
    expect(model.trainingData.developmentRows).toBe(800);
  });

  it('stores points that follow from the stored coefficient and WoE, and a cut-off consistent on every scale', () => {
    const factor = scalingFactor(model.scaling);
    for (const feature of model.features) {
      for (const bin of feature.bins) expect(bin.points).toBe(Math.round(factor * feature.coefficient * bin.woe) || 0);
    }
    expect(model.basePoints).toBe(Math.round(500 + factor * (model.intercept + model.calibration.interceptShift)));
    const records = data.rows.map((row) => Object.fromEntries(data.columns.map((c, j) => [c, row[j] ?? ''])));
    for (const record of records) {
      const result = scoreRow(model, record);
      expect(result.score >= model.cutoff.score).toBe(result.pdSample <= model.cutoff.pdSample);
    }
    expect(report.crossValidation.perFold).toHaveLength(3);
    expect(report.crossValidation.pooledConfusion.goodAccepted + report.crossValidation.pooledConfusion.goodRejected +
      report.crossValidation.pooledConfusion.badAccepted + report.crossValidation.pooledConfusion.badRejected).toBe(800);
  });

  it('corrects the intercept from the sample bad rate to the expected one', () => {
    const sampleBadRate = model.calibration.sampleBadRate;
    expect(model.calibration.interceptShift).toBeCloseTo(Math.log((0.95 / 0.05) * (sampleBadRate / (1 - sampleBadRate))), 5);
    expect(model.cutoff.pd).toBeLessThan(model.cutoff.pdSample);
  });

  it('refuses a target without both outcomes and text in a numeric column', () => {
    const oneClass = { columns: data.columns, rows: data.rows.map((r) => [...r.slice(0, 4), 'good']) };
    expect(() => train(oneClass)).toThrow(/both bad/);
    const text = { columns: data.columns, rows: data.rows.map((r, i) => (i === 3 ? ['old', ...r.slice(1)] : r)) };
    expect(() => train(text)).toThrow(/age is numeric but row 4 holds "old"/);
  });
});

describe('choosing the cut-off', () => {
  const grid = { ...DEFAULT_SETTINGS, cutoffGrid: { from: 0.1, to: 0.5, step: 0.1 } };

  it('minimises cost, and within one standard error prefers the threshold nearest the theory (1/6)', () => {
    // Ten rows: pd and outcome. Rejecting above 0.3 accepts 4 goods and costs 5·0 + 1·2 (two goods rejected).
    const pd = [0.05, 0.1, 0.15, 0.2, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75];
    const bad = [0, 0, 0, 0, 0, 0, 1, 1, 0, 1];
    const choice = chooseCutoff(pd, bad, grid);
    expect(choice.curve.map((p) => [p.pdSample, Number(p.cost.toFixed(4))])).toEqual([
      [0.1, 0.5],
      [0.2, 0.3],
      [0.3, 0.2],
      [0.4, 0.1],
      [0.5, 0.6],
    ]);
    expect(choice.lowestCost).toBe(0.4);
    // Costs at 0.4 per row: one good rejected (1) → mean 0.1, sd √(0.1·0.9·10/9) = 0.3162…, SE = 0.1; 0.2 ≤ 0.1 + 0.1.
    expect(choice.standardError).toBeCloseTo(0.1, 12);
    expect(choice.pdSample).toBe(0.3);
  });
});
