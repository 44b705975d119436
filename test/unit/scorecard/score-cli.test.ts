import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { scoreRow, type ScorecardModel } from '../../../functions/core/assessment/scorecard';
import { scoreTable } from '../../../scripts/scorecard-files';
import { BEST_APPLICANT, tinyModel } from './tiny-model';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('npm run model:score', () => {
  const dir = mkdtempSync(join(tmpdir(), 'model-score-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const input = [
    'id,duration_months,checking_status,housing,purpose,savings,age_years',
    '1,6,A14,A152,A43,A65,40',
    '2,30,A11,A151,A40,A61,22',
    '3,,A99,A152,"A43",A65,40',
  ].join('\n');

  it('writes the input rows in order with score, pd and reasons', () => {
    const model = tinyModel();
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    writeFileSync(join(dir, 'in.csv'), `${input}\n`);
    const run = spawnSync(
      process.execPath,
      [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/model-score.ts', '--model', join(dir, 'model.json'), '--data', join(dir, 'in.csv'), '--out', join(dir, 'out.csv')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = parse(readFileSync(join(dir, 'out.csv'), 'utf8')) as string[][];
    expect(out[0]).toEqual(['id', 'duration_months', 'checking_status', 'housing', 'purpose', 'savings', 'age_years', 'score', 'pd', 'reasons']);
    expect(out.slice(1).map((row) => row[0])).toEqual(['1', '2', '3']);
    expect(out[1]?.slice(7)).toEqual(['780', (1 / (1 + 2 ** (280 / 50))).toFixed(6), '']);
    expect(out[2]?.slice(7)).toEqual(['610', (1 / (1 + 2 ** 2.2)).toFixed(6), 'RC01;RC02;RC04;RC06']);
    // Blank term and an unseen checking code fall into their missing bins.
    expect(out[3]?.slice(7, 8)).toEqual([String(scoreRow(model, { ...BEST_APPLICANT, duration_months: '', checking_status: 'A99' }).score)]);
    expect(out[3]?.[9]).toBe('RC01;RC02');
  });

  it('refuses an input that already has a score column, naming rows it cannot score', () => {
    const model: ScorecardModel = tinyModel();
    expect(() => scoreTable(model, { columns: ['score'], rows: [['1']] })).toThrow(/already has a column named score/);
    expect(() => scoreTable(model, { columns: ['age_years'], rows: [['40'], ['old']] })).toThrow(/row 2: feature age_years is numeric/);
  });

  it('exits non-zero with a usage line when arguments are missing', () => {
    const run = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/model-score.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/usage: npm run model:score/);
  });
});
