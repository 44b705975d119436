// npm run model:score -- --model DIR/model.json --data FILE.csv --out OUT.csv
// Writes the input rows in their order with three columns added: score, pd (calibrated P(bad)) and reasons.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import type { ScorecardModel } from '../functions/core/assessment/scorecard';
import { readCsvFile, scoreTable } from './scorecard-files';

function main(): void {
  const { values } = parseArgs({ options: { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' } } });
  if (!values.model || !values.data || !values.out) {
    throw new Error('usage: npm run model:score -- --model DIR/model.json --data FILE.csv --out OUT.csv');
  }
  const model = JSON.parse(readFileSync(values.model, 'utf8')) as ScorecardModel;
  const { data } = readCsvFile(values.data);
  const table = scoreTable(model, data);
  writeFileSync(values.out, stringify(table));
  console.log(`scored ${table.length - 1} rows with ${model.version} → ${values.out}`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
