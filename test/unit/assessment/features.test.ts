import { annuityInstallmentMinor, mapFeatures, type BureauFeatures, type FeatureInput } from '../../../functions/core/assessment/features';
import { ageOn } from '../../../functions/core/kernel/dates';

const input: FeatureInput = {
  dateOfBirth: '1990-03-07',
  assessedOn: '2026-11-29',
  amountMinor: 800_000,
  currency: 'CNY',
  termMonths: 12,
  purpose: 'electronics',
  household: { housing: 'own', dependents: 1 },
  employment: { status: 'employed', occupation: 'skilled', yearsInCurrentJob: 6, monthlyIncome: { minor: 1_500_000, currency: 'CNY' } },
  finances: {
    monthlyDebtPayments: { minor: 100_000, currency: 'CNY' },
    checkingAccount: 'positive_low',
    savings: 'medium',
    assets: 'real_estate',
    otherInstallmentPlans: 'none',
    existingLoansWithUs: 0,
  },
  yearsAtAddress: 4,
  guarantor: null,
  hasPhone: true,
};

const cleanBureau: BureauFeatures = { creditHistory: 'paid_duly_till_now', existingCredits: 1, monthlyDebtPaymentsMinor: 0 };

describe('application → German credit features', () => {
  it('maps the API.md example to the data\'s codes', () => {
    const { row } = mapFeatures(input, cleanBureau);
    expect(row).toEqual({
      checking_status: 'A12',
      duration_months: 12,
      credit_history: 'A33', // existing credits paid duly till now (corrected codes)
      purpose: 'A43',
      credit_amount: 2000, // 8,000.00 CNY at 4 CNY per 1994 DM
      savings: 'A62',
      employment_since: 'A74',
      installment_rate_pct: 1, // 733.44 / 15,000 ≈ 4.9 % of income
      other_debtors: 'A101',
      residence_since: 3,
      property: 'A121',
      age_years: 36,
      other_installment_plans: 'A143',
      housing: 'A152',
      existing_credits: 2, // the bureau's one credit and this loan: 2-3 credits
      job: 'A173',
      num_dependents: 1, // one dependent: 0-2 people
      telephone: 'A192',
      debt_to_income: 0.1156,
      age_at_maturity: 37,
    });
  });

  it('derives debt-to-income after the loan from the larger of declared and bureau debts', () => {
    const installment = annuityInstallmentMinor(800_000, 0.18, 12);
    expect(installment).toBe(73_344); // 8,000 at 1.5 % a month over 12 months: 733.44
    const declared = mapFeatures(input, cleanBureau).derived;
    expect(declared.debtToIncomeAfterLoan).toBeCloseTo((100_000 + installment) / 1_500_000, 4);
    const bureauHigher = mapFeatures(input, { ...cleanBureau, monthlyDebtPaymentsMinor: 700_000 }).derived;
    expect(bureauHigher.debtToIncomeAfterLoan).toBeCloseTo((700_000 + installment) / 1_500_000, 4);
  });

  it('codes the installment burden 1–4 with the heavier burden higher', () => {
    const share = (income: number) => mapFeatures({ ...input, employment: { ...input.employment, monthlyIncome: { minor: income, currency: 'CNY' } } }, cleanBureau).row.installment_rate_pct;
    expect(share(73_344 * 6)).toBe(1); // 16.7 %
    expect(share(73_344 * 4.5)).toBe(2); // 22.2 %
    expect(share(73_344 * 3.5)).toBe(3); // 28.6 %
    expect(share(73_344 * 2)).toBe(4); // 50 %
    expect(share(0)).toBe(4);
  });

  it('takes credit history and existing credits from the bureau, in the corrected codes', () => {
    const history = (creditHistory: BureauFeatures['creditHistory']) => mapFeatures(input, { ...cleanBureau, creditHistory }).row.credit_history;
    const histories: BureauFeatures['creditHistory'][] = ['past_delays', 'critical_account', 'no_credits', 'paid_duly_till_now', 'all_paid_duly'];
    expect(histories.map(history)).toEqual(['A30', 'A31', 'A32', 'A33', 'A34']);
    const credits = (existingCredits: number) => mapFeatures(input, { ...cleanBureau, existingCredits }).row.existing_credits;
    expect([0, 1, 2, 3, 4, 5, 9].map(credits)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });

  it('codes people maintained as 0-2 or 3 and more', () => {
    const dependents = (n: number) => mapFeatures({ ...input, household: { ...input.household, dependents: n } }, cleanBureau).row.num_dependents;
    expect([0, 2, 3, 6].map(dependents)).toEqual([1, 1, 2, 2]);
  });

  it('maps employment, guarantors and purposes the data lacks', () => {
    const unemployed = mapFeatures({ ...input, employment: { ...input.employment, status: 'unemployed' } }, cleanBureau).row;
    expect(unemployed.employment_since).toBe('A71');
    const selfEmployed = mapFeatures({ ...input, employment: { ...input.employment, status: 'self_employed', yearsInCurrentJob: 0.5 } }, cleanBureau).row;
    expect([selfEmployed.employment_since, selfEmployed.job]).toEqual(['A72', 'A174']);
    expect(mapFeatures({ ...input, guarantor: { type: 'guarantor' } }, cleanBureau).row.other_debtors).toBe('A103');
    expect(mapFeatures({ ...input, purpose: 'agriculture' }, cleanBureau).row.purpose).toBe('A49');
  });

  it('computes age at maturity for the age knock-out', () => {
    const old = mapFeatures({ ...input, dateOfBirth: '1958-12-01', termMonths: 36 }, cleanBureau).derived;
    expect(old.ageYears).toBe(67);
    expect(old.ageAtMaturityYears).toBe(70);
  });
});

describe('ageOn', () => {
  it('counts completed years, birthdays included', () => {
    expect(ageOn('1990-03-07', '2026-03-06')).toBe(35);
    expect(ageOn('1990-03-07', '2026-03-07')).toBe(36);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });
});
