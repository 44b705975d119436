// File-side helpers of the scorecard commands: reading a CSV with its hash, and turning a training run into the three
// artifact texts. Kept apart from the CLIs so the reproducibility test runs exactly what `npm run model:train` runs.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  DEFAULT_SETTINGS,
  TRAINER_VERSION,
  artifactJson,
  compileScorecard,
  renderReport,
  scoreRow,
  trainScorecard,
  type Dataset,
  type ScorecardModel,
  type TrainingReport,
  type TrainingSettings,
} from '../training/scorecard';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A CSV with a header row; every cell stays text (the trainer and the scorer decide what is numeric). */
export function parseCsv(text: string): Dataset {
  const records = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  const [columns, ...rows] = records;
  if (!columns) throw new Error('the CSV has no header row');
  return { columns, rows };
}

export function readCsvFile(path: string): { data: Dataset; sha256: string } {
  const bytes = readFileSync(path);
  return { data: parseCsv(bytes.toString('utf8')), sha256: sha256(bytes) };
}

export interface TrainRequest {
  name: string;
  target: string;
  bad: string;
  categorical?: string[];
  exclude?: string[];
  expectedBadRate?: number;
  seed?: number;
}

export interface Artifacts {
  model: ScorecardModel;
  report: TrainingReport;
  /** File name → exact text. */
  files: Record<'model.json' | 'report.json' | 'report.md', string>;
}

/**
 * Trains and renders. The version is name-TRAINER_VERSION+hash, the hash covering the data, target and settings: it
 * changes whenever the artifact could, and never with the time or the machine.
 */
export function buildArtifacts(data: Dataset, dataSha256: string, request: TrainRequest): Artifacts {
  const settings: TrainingSettings = {
    ...DEFAULT_SETTINGS,
    categorical: request.categorical ?? [],
    exclude: request.exclude ?? [],
    expectedBadRate: request.expectedBadRate ?? DEFAULT_SETTINGS.expectedBadRate,
    seed: request.seed ?? DEFAULT_SETTINGS.seed,
  };
  if (!(settings.expectedBadRate > 0 && settings.expectedBadRate < 1)) throw new Error('--expected-bad-rate must be between 0 and 1');
  const fingerprint = sha256(JSON.stringify({ trainer: TRAINER_VERSION, dataSha256, target: request.target, bad: request.bad, settings }));
  const version = `${request.name}-${TRAINER_VERSION}+${fingerprint.slice(0, 10)}`;
  const { model, report } = trainScorecard({ data, target: request.target, bad: request.bad, name: request.name, version, dataSha256, settings });
  return {
    model,
    report,
    files: { 'model.json': artifactJson(model), 'report.json': artifactJson(report), 'report.md': renderReport(model, report) },
  };
}

export function writeArtifacts(dir: string, files: Artifacts['files']): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/** Comma-separated list option → names (blank → none). */
export function listOption(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The input rows in their order with `score`, `pd` (calibrated P(bad), 6 decimals) and `reasons` (codes joined by ;) added. */
export function scoreTable(model: ScorecardModel, data: Dataset): string[][] {
  const compiled = compileScorecard(model);
  for (const added of ['score', 'pd', 'reasons']) {
    if (data.columns.includes(added)) throw new Error(`the input already has a column named ${added}`);
  }
  const out: string[][] = [[...data.columns, 'score', 'pd', 'reasons']];
  data.rows.forEach((row, i) => {
    const record = Object.fromEntries(data.columns.map((name, j) => [name, row[j] ?? '']));
    try {
      const result = scoreRow(compiled, record);
      out.push([...row, String(result.score), result.pd.toFixed(6), result.reasons.map((r) => r.code).join(';')]);
    } catch (error) {
      throw new Error(`row ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return out;
}
