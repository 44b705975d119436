// Scoring throughput on one core: the shipped model scores the 1,000 German rows over and over for about two seconds.
// `npx tsx scripts/bench-score.ts` prints the result; benchScore() returns it for scripts/bench.ts.

import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileScorecard, scoreRow, type ScorecardModel } from '../functions/core/assessment/scorecard';
import { parseCsv } from './scorecard-files';

const MODEL = fileURLToPath(new URL('../models/german-credit/model.json', import.meta.url));
const DATA = fileURLToPath(new URL('../data/german_credit.csv', import.meta.url));

export interface ScoreBenchResult {
  modelVersion: string;
  rows: number;
  scores: number;
  seconds: number;
  scoresPerSecond: number;
}

export function benchScore(durationMs = 2000): ScoreBenchResult {
  const model = JSON.parse(readFileSync(MODEL, 'utf8')) as ScorecardModel;
  const { columns, rows } = parseCsv(readFileSync(DATA, 'utf8'));
  const records = rows.map((row) => Object.fromEntries(columns.map((name, j) => [name, row[j] ?? ''])));
  const compiled = compileScorecard(model);
  let checksum = 0;
  // Warm-up so the timed part measures optimised code.
  for (let k = 0; k < 20; k++) for (const record of records) checksum += scoreRow(compiled, record).score;
  let scores = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (const record of records) checksum += scoreRow(compiled, record).score;
    scores += records.length;
    elapsed = performance.now() - started;
  }
  if (checksum === 0) throw new Error('no scores computed');
  return {
    modelVersion: model.version,
    rows: records.length,
    scores,
    seconds: Number((elapsed / 1000).toFixed(3)),
    scoresPerSecond: Math.round(scores / (elapsed / 1000)),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = benchScore();
  console.log(
    `scorecard ${result.modelVersion}: ${result.scoresPerSecond.toLocaleString('en')} scores/s on one core ` +
      `(${result.scores.toLocaleString('en')} scores of ${result.rows} rows in ${result.seconds} s, with reason codes)`,
  );
}
