import fc from 'fast-check';
import {
  REASON_CODES,
  compileScorecard,
  pickReasons,
  reasonEntry,
  scoreRow,
  type ReasonCode,
} from '../../../functions/core/assessment/scorecard';
import { BEST_APPLICANT, tinyModel } from './tiny-model';

const worst = { duration_months: 30, checking_status: 'A11', housing: 'A151', purpose: 'A40', savings: 'A61', age_years: 22 };

describe('scoring a row', () => {
  it('adds the base points and one bin per feature, and derives both PDs from that sum', () => {
    const result = scoreRow(tinyModel(), worst);
    expect(result.points).toEqual({ duration_months: -30, checking_status: -20, housing: -5, purpose: -10, savings: -10, age_years: -15 });
    expect(result.score).toBe(700 - 30 - 20 - 5 - 10 - 10 - 15);
    // 610 = 500 + 50·log2(odds) → odds 2^2.2
    expect(result.pd).toBeCloseTo(1 / (1 + 2 ** 2.2), 12);
    expect(result.pdSample).toBeCloseTo(1 / (1 + Math.exp(2.2 * Math.LN2 - 2.097141)), 12);
    expect(result.pdSample).toBeGreaterThan(result.pd);
  });

  it('reads numeric bins as lower ≤ x < upper and accepts numbers or numeric text', () => {
    const points = (duration: string | number) => scoreRow(tinyModel(), { ...BEST_APPLICANT, duration_months: duration }).points.duration_months;
    expect([11.99, 12, 23.99, 24, 72].map(points)).toEqual([20, 0, 0, -30, -30]);
    expect(points(' 12 ')).toBe(0);
  });

  it('scores blanks, nulls and unseen levels as the missing bin, and refuses text in a numeric feature', () => {
    const model = tinyModel();
    expect(scoreRow(model, { ...BEST_APPLICANT, duration_months: '' }).points.duration_months).toBe(-5);
    expect(scoreRow(model, { ...BEST_APPLICANT, duration_months: null }).points.duration_months).toBe(-5);
    expect(scoreRow(model, { ...BEST_APPLICANT, duration_months: undefined }).points.duration_months).toBe(-5);
    expect(scoreRow(model, { ...BEST_APPLICANT, checking_status: 'A19' }).points.checking_status).toBe(0);
    expect(scoreRow(model, { ...BEST_APPLICANT, checking_status: '  ' }).points.checking_status).toBe(0);
    expect(() => scoreRow(model, { ...BEST_APPLICANT, age_years: 'forty' })).toThrow(/age_years is numeric/);
  });

  it('clips the score to 300–850 but keeps the PD of the unclipped sum', () => {
    const high = scoreRow(tinyModel(840), BEST_APPLICANT);
    expect(high.score).toBe(850);
    expect(high.pd).toBeCloseTo(1 / (1 + 2 ** ((840 + 80 - 500) / 50)), 12);
    const low = scoreRow(tinyModel(350), worst);
    expect(low.score).toBe(300);
    expect(low.pd).toBeCloseTo(1 / (1 + 2 ** ((350 - 90 - 500) / 50)), 12);
  });

  it('refuses a malformed model when compiling it', () => {
    const gap = tinyModel();
    const bin = gap.features[0]?.bins[1] as { lower: number | null };
    bin.lower = 13;
    expect(() => compileScorecard(gap)).toThrow(/contiguous/);
    const twice = tinyModel();
    (twice.features[1]?.bins[1] as { values: string[] }).values = ['A11'];
    expect(() => compileScorecard(twice)).toThrow(/in two bins/);
  });

  it('always returns a score in range and points that add up (property)', () => {
    const model = tinyModel();
    const compiled = compileScorecard(model);
    const applicant = fc.record({
      duration_months: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constant(null)),
      checking_status: fc.constantFrom('A11', 'A12', 'A13', 'A14', 'A99', ''),
      housing: fc.constantFrom('A151', 'A152', 'A153'),
      purpose: fc.constantFrom('A40', 'A43', 'A49'),
      savings: fc.constantFrom('A61', 'A65'),
      age_years: fc.integer({ min: 18, max: 90 }),
    });
    fc.assert(
      fc.property(applicant, (row) => {
        const result = scoreRow(compiled, row);
        const sum = Object.values(result.points).reduce((s, p) => s + p, model.basePoints);
        expect(result.score).toBe(Math.min(850, Math.max(300, sum)));
        expect(result.reasons.length).toBeLessThanOrEqual(4);
      }),
    );
  });
});

describe('reason codes', () => {
  it('names the four features with the largest loss against their best bin, ties by code', () => {
    const reasons = scoreRow(tinyModel(), worst).reasons;
    // Losses: checking 50, duration 50, purpose 20, savings 20, age 20, housing 10
    expect(reasons.map((r) => [r.code, r.feature, r.pointsLost])).toEqual([
      ['RC01', 'checking_status', 50],
      ['RC02', 'duration_months', 50],
      ['RC04', 'purpose', 20],
      ['RC06', 'savings', 20],
    ]);
    // A11 is below the best bin (A13, A14) on the balance scale.
    expect(reasons[0]).toMatchObject({ en: 'Checking account balance is lower than in the best-rated group', zhCN: '支票账户余额低于评分最好的档位' });
  });

  it('gives no reason where nothing was lost, and fewer than four when fewer features lost points', () => {
    expect(scoreRow(tinyModel(), BEST_APPLICANT).reasons).toEqual([]);
    const one = scoreRow(tinyModel(), { ...BEST_APPLICANT, housing: 'A153' }).reasons;
    expect(one).toEqual([{ code: 'RC14', feature: 'housing', pointsLost: 10, en: 'Does not own the home', zhCN: '没有自有住房' }]);
  });

  it('words numeric reasons by the side of the best bin, and missing values as missing information', () => {
    const text = (row: Record<string, string | number>) => scoreRow(tinyModel(), { ...BEST_APPLICANT, ...row }).reasons[0];
    expect(text({ duration_months: 48 })).toMatchObject({ code: 'RC02', en: 'Loan term is longer than in the best-rated range' });
    expect(text({ age_years: 20 })).toMatchObject({ code: 'RC12', en: 'Age group younger than the best-rated one' });
    expect(text({ duration_months: '' })).toMatchObject({ code: 'RC02', en: 'Information on the loan term is missing', zhCN: '缺少贷款期限信息' });
  });

  it('picks at most four, largest loss first, only losses, deterministic on ties', () => {
    const c = (code: string, pointsLost: number): ReasonCode => ({ code, feature: code.toLowerCase(), pointsLost, en: '', zhCN: '' });
    const picked = pickReasons([c('RC09', 5), c('RC03', 0), c('RC02', 5), c('RC07', 12), c('RC05', -3), c('RC11', 1), c('RC01', 2)]);
    expect(picked.map((r) => r.code)).toEqual(['RC07', 'RC02', 'RC09', 'RC01']);
    expect(pickReasons([c('RC03', 0)])).toEqual([]);
  });

  it('keeps one stable code per feature, with texts in both languages', () => {
    const codes = Object.fromEntries(Object.entries(REASON_CODES).map(([feature, entry]) => [feature, entry.code]));
    // Written out so a change of meaning fails here rather than slipping into a retrain.
    expect(codes).toEqual({
      checking_status: 'RC01', duration_months: 'RC02', credit_history: 'RC03', purpose: 'RC04', credit_amount: 'RC05',
      savings: 'RC06', employment_since: 'RC07', installment_rate_pct: 'RC08', other_debtors: 'RC09', residence_since: 'RC10',
      property: 'RC11', age_years: 'RC12', other_installment_plans: 'RC13', housing: 'RC14', existing_credits: 'RC15',
      job: 'RC16', num_dependents: 'RC17', telephone: 'RC18', debt_to_income: 'RC19', age_at_maturity: 'RC20',
    });
    for (const entry of Object.values(REASON_CODES)) {
      for (const text of [entry.factor, entry.adverse, entry.high, entry.low, ...Object.values(entry.levels ?? {})]) {
        if (!text) continue;
        expect(text.en).toMatch(/^[\w'’ ,()-]+$/u);
        expect(text.zhCN).toMatch(/[\u4e00-\u9fff]/u);
      }
    }
    expect(reasonEntry('my_column')).toMatchObject({ code: 'RC_MY_COLUMN', high: { en: 'Value of my_column is higher than in the best-rated range' } });
    expect(REASON_CODES.personal_status_sex).toBeUndefined();
    expect(REASON_CODES.foreign_worker).toBeUndefined();
  });
});
