// Issue 12, item 5: a reason code describes the applicant's own bin against the feature's best bin, and never says
// something the input contradicts. The bins below are the shipped German model's shape that showed the problem:
// "no checking account" (A14) scores best, so a high balance (A13) still loses points; a short time at the address
// scores best, so a long one loses points.

import { scoreRow, type ModelFeature, type ScorecardModel } from '../../../functions/core/assessment/scorecard';
import { categorical, numeric, scorecardOf } from './tiny-model';

const model = (features: ModelFeature[]) => scorecardOf(features, 600);

// As in the shipped German model: no checking account best, then a high balance, a low one, a negative one.
const checkingNoneBest = categorical('checking_status', [[['A11'], -49], [['A12'], -16], [['A13'], 23], [['A14'], 59]], 0);
const checkingHighBest = categorical('checking_status', [[['A11'], -49], [['A12'], -16], [['A13'], 59], [['A14'], 23]], 0);
// As in the shipped German model: under 2 years at the address scores best.
const residenceShortBest = numeric('residence_since', [2], [8, -1], 0);
const residenceLongBest = numeric('residence_since', [2], [-6, 8], 0);

const reasonsOf = (m: ScorecardModel, row: Record<string, string | number>) => scoreRow(m, row).reasons;

describe('reason codes never contradict the input', () => {
  it('never tells an applicant with a high checking balance that the balance is low or negative', () => {
    const reasons = reasonsOf(model([checkingNoneBest]), { checking_status: 'A13' });
    expect(reasons.map((r) => r.en).join(' ')).not.toMatch(/low|negative/i);
    expect(reasons.map((r) => r.zhCN).join(' ')).not.toMatch(/偏低|为负|低于/);
    // A13 is the top of the balance scale and "no account" is not on it: nothing true to say, so no reason.
    expect(reasons).toEqual([]);
  });

  it('says "lower than the best band" only when the balance is lower than the best band', () => {
    const lower = reasonsOf(model([checkingHighBest]), { checking_status: 'A12' });
    expect(lower).toEqual([expect.objectContaining({ code: 'RC01', feature: 'checking_status', pointsLost: 75 })]);
    expect(lower[0]!.en).toMatch(/lower than/i);
    // Against "no account" a low balance is described as what it is, not as a comparison.
    const low = reasonsOf(model([checkingNoneBest]), { checking_status: 'A12' });
    expect(low).toEqual([expect.objectContaining({ code: 'RC01', en: 'Checking account balance is low' })]);
    const none = reasonsOf(model([checkingHighBest]), { checking_status: 'A14' });
    expect(none).toEqual([expect.objectContaining({ code: 'RC01', en: 'Has no checking account' })]);
  });

  it('never gives a long time at the address as an adverse reason', () => {
    const reasons = reasonsOf(model([residenceShortBest]), { residence_since: 4 });
    expect(reasons.map((r) => r.en).join(' ')).not.toMatch(/long time/i);
    expect(reasons).toEqual([]);
    // A short time, where a longer one scores best, is a reason and says so against the best band.
    const short = reasonsOf(model([residenceLongBest]), { residence_since: 1 });
    expect(short).toEqual([expect.objectContaining({ code: 'RC10', pointsLost: 14 })]);
    expect(short[0]!.en).toMatch(/shorter/i);
  });

  it('gives no reason for a feature whose bin is the best one or loses no points', () => {
    expect(reasonsOf(model([checkingNoneBest, residenceShortBest]), { checking_status: 'A14', residence_since: 1 })).toEqual([]);
    const tie = categorical('housing', [[['A151'], 5], [['A152'], 5], [['A153'], -3]], 0);
    expect(reasonsOf(model([tie]), { housing: 'A151' })).toEqual([]);
  });

  it('does not call paid-duly credit history a repayment problem when another paid-duly history scores best', () => {
    const history = categorical('credit_history', [[['A30', 'A31'], -40], [['A32'], -4], [['A33'], 7], [['A34'], 23]], 0);
    expect(reasonsOf(model([history]), { credit_history: 'A33' })).toEqual([]);
    expect(reasonsOf(model([history]), { credit_history: 'A31' })[0]).toMatchObject({ code: 'RC03' });
  });
});

describe('the shipped German scorecard', () => {
  it('gives no reason that its own input contradicts, on every training row', async () => {
    const { readFileSync } = await import('node:fs');
    const { resolve } = await import('node:path');
    const { readCsvFile } = await import('../../../scripts/scorecard-files');
    const root = resolve(import.meta.dirname, '../../..');
    const shipped = JSON.parse(readFileSync(resolve(root, 'models/german-credit/model.json'), 'utf8')) as ScorecardModel;
    const { data } = readCsvFile(resolve(root, 'data/german_credit.csv'));
    for (const row of data.rows) {
      const record = Object.fromEntries(data.columns.map((c, j) => [c, row[j] ?? '']));
      const reasons = scoreRow(shipped, record).reasons;
      const text = reasons.map((r) => `${r.en} ${r.zhCN}`).join(' | ');
      if (record.checking_status === 'A13') expect(text).not.toMatch(/balance is (low|negative)|余额偏低|余额为负/);
      if (record.credit_history === 'A33' || record.credit_history === 'A34') expect(reasons.map((r) => r.code)).not.toContain('RC03');
      expect(text).not.toMatch(/long time|for a long/i);
      for (const reason of reasons) expect(reason.pointsLost).toBeGreaterThan(0);
    }
  });
});
