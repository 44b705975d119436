// Training time on one core: a synthetic book of 30,000 rows × 25 feature columns, generated deterministically (the
// same seed always gives the same CSV bytes), trained exactly as `npm run model:train` trains (buildArtifacts: the
// held-out split, the selection, the refit on all rows, the 10-fold cross-validation and the report).
// `npx tsx scripts/bench-train.ts [rows]` prints the result; benchTrain() returns it for scripts/bench.ts.

import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { pathToFileURL } from 'node:url';
import { buildArtifacts, parseCsv, sha256 } from './scorecard-files';

export interface SyntheticBook {
  csv: string;
  categorical: string[];
}

/**
 * 15 numeric columns (monotone effects of different strengths, one U-shaped, some pure noise, two with blanks) and
 * 10 categorical ones (3–8 levels, some informative, some noise); the outcome is drawn from a logistic model of them.
 */
export function syntheticBook(rows = 30_000, seed = 20_261_204): SyntheticBook {
  const rng = xoroshiro128plus(seed);
  const uniform = () => uniformInt(rng, 0, 999_999) / 1_000_000;
  const normal = () => {
    // Sum of 12 uniforms − 6: close enough to N(0, 1) for a benchmark, and exactly reproducible.
    let s = 0;
    for (let k = 0; k < 12; k++) s += uniform();
    return s - 6;
  };
  const numericEffects = [0.6, -0.5, 0.4, -0.35, 0.3, -0.25, 0.2, 0.15, -0.1, 0, 0, 0, 0, 0, 0];
  const levelCounts = [3, 4, 5, 6, 8, 3, 4, 5, 6, 8];
  const levelEffects = levelCounts.map((count, j) => Array.from({ length: count }, (_, l) => (j < 6 ? ((l * 7 + j * 3) % count) / count - 0.5 : 0)));
  const header = [
    ...numericEffects.map((_, j) => `n${String(j + 1).padStart(2, '0')}`),
    ...levelCounts.map((_, j) => `c${String(j + 1).padStart(2, '0')}`),
    'default',
  ];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    let logOdds = -1.4;
    const cells: string[] = [];
    numericEffects.forEach((effect, j) => {
      const z = normal();
      logOdds += effect * z + (j === 9 ? 0.35 * (z * z - 1) : 0);
      // Amount-like columns: scaled, rounded; two columns have blanks.
      const value = Math.round((z * 15 + 50) * 10) / 10;
      cells.push((j === 3 || j === 7) && i % 25 === j ? '' : String(value));
    });
    levelCounts.forEach((count, j) => {
      const level = uniformInt(rng, 0, count - 1);
      logOdds += (levelEffects[j] as number[])[level] as number;
      cells.push(`L${level}`);
    });
    cells.push(uniform() < 1 / (1 + Math.exp(-logOdds)) ? '1' : '0');
    lines.push(cells.join(','));
  }
  return { csv: `${lines.join('\n')}\n`, categorical: levelCounts.map((_, j) => `c${String(j + 1).padStart(2, '0')}`) };
}

export interface TrainBenchResult {
  rows: number;
  featureColumns: number;
  dataSha256: string;
  /** Wall-clock seconds of the training call, and the CPU seconds it used (on a busy machine the honest figure). */
  seconds: number;
  cpuSeconds: number;
  modelVersion: string;
  features: number;
  testAuc: number;
  baselineTestAuc: number;
  cvPooledAuc: number;
}

export function benchTrain(rows = 30_000): TrainBenchResult {
  const book = syntheticBook(rows);
  const data = parseCsv(book.csv);
  const dataSha256 = sha256(book.csv);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const { model, report } = buildArtifacts(data, dataSha256, { name: 'synthetic-book', target: 'default', bad: '1', categorical: book.categorical });
  const cpu = process.cpuUsage(cpuStarted);
  const seconds = (performance.now() - started) / 1000;
  return {
    rows,
    featureColumns: data.columns.length - 1,
    dataSha256,
    seconds: Number(seconds.toFixed(2)),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    modelVersion: model.version,
    features: model.features.length,
    testAuc: report.metrics.test.auc,
    baselineTestAuc: report.baseline.test.auc,
    cvPooledAuc: report.crossValidation.pooledAuc,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(benchTrain(Number(process.argv[2] ?? 30_000)));
}
