// The decision policy against PRODUCT.md §3: version 1's outcomes, levels, rates, knock-outs and boundaries, and the
// schema that validates a new version.

import { toFieldProblems } from '../../../functions/core/applications/application-schema';
import {
  DEFAULT_POLICY,
  DEFAULT_POLICY_DRAFT,
  bandFor,
  evaluatePolicy,
  offerTerms,
  policyDraftSchema,
  policySchema,
  type BureauRule,
  type KnockOutId,
  type Policy,
  type PolicyFacts,
} from '../../../functions/core/decisioning/policy';
import { DEFAULT_PRODUCTS, type Product } from '../../../functions/core/applications/products';

const product = (id: string): Product => DEFAULT_PRODUCTS.find((p) => p.productId === id)!;
const bounds = (p: Product) => ({
  minAmountMinor: p.minAmountMinor,
  maxAmountMinor: p.maxAmountMinor,
  minTermMonths: p.minTermMonths,
  maxTermMonths: p.maxTermMonths,
});

const SCORE_REASONS = [
  { code: 'RC01', description: 'Checking account balance is low' },
  { code: 'RC02', description: 'Short credit history' },
  { code: 'RC03', description: 'High installment share of income' },
  { code: 'RC04', description: 'Few years in current job' },
  { code: 'RC05', description: 'Few savings' },
];

/** A strong, clean applicant for a personal-consumer loan; each case changes what it tests. */
function facts(overrides: Partial<PolicyFacts> & { amount?: string } = {}): PolicyFacts {
  const { amount = '15000.00', ...rest } = overrides;
  const [whole, fraction = '00'] = amount.split('.');
  return {
    score: 750,
    amountMinor: Number(whole) * 100 + Number(fraction.padEnd(2, '0')),
    currency: 'CNY',
    termMonths: 12,
    productId: 'personal-consumer',
    customerType: 'individual',
    product: bounds(product('personal-consumer')),
    ageYears: 35,
    ageAtMaturityYears: 36,
    debtToIncomeAfterLoan: 0.2,
    currentDefault: false,
    fraudFlag: false,
    bureau: { maxDaysPastDueLast24Months: 0, accountsInArrears: 0, inquiriesLast6Months: 1, existingCredits: 1, revolvingUtilisation: 0.3 },
    statement: null,
    scoreReasons: SCORE_REASONS,
    language: 'en',
    ...rest,
  };
}

const microBusiness = { productId: 'micro-business', customerType: 'micro_business' as const, product: bounds(product('micro-business')) };

describe('evaluatePolicy with the default policy (version 1, PRODUCT.md §3)', () => {
  it.each`
    case                            | score  | amount         | extra             | outcome       | levels | rate     | rules
    ${'band A 15,000'}              | ${750} | ${'15000.00'}  | ${{}}             | ${'APPROVED'} | ${0}   | ${'8.5'} | ${['BAND_A', 'AUTO_APPROVE_A_UP_TO_20000']}
    ${'band A exactly 20,000.00'}   | ${750} | ${'20000.00'}  | ${{}}             | ${'APPROVED'} | ${0}   | ${'8.5'} | ${['BAND_A', 'AUTO_APPROVE_A_UP_TO_20000']}
    ${'band A 20,000.01'}           | ${750} | ${'20000.01'}  | ${{}}             | ${'REVIEW'}   | ${1}   | ${'8.5'} | ${['BAND_A', 'REVIEW_UP_TO_50000']}
    ${'band A 30,000'}              | ${750} | ${'30000.00'}  | ${{}}             | ${'REVIEW'}   | ${1}   | ${'8.5'} | ${['BAND_A', 'REVIEW_UP_TO_50000']}
    ${'band A exactly 50,000.00'}   | ${750} | ${'50000.00'}  | ${{}}             | ${'REVIEW'}   | ${1}   | ${'8.5'} | ${['BAND_A', 'REVIEW_UP_TO_50000']}
    ${'band A 50,000.01'}           | ${750} | ${'50000.01'}  | ${{}}             | ${'REVIEW'}   | ${2}   | ${'8.5'} | ${['BAND_A', 'REVIEW_UP_TO_200000']}
    ${'band B 15,000 (not A)'}      | ${700} | ${'15000.00'}  | ${{}}             | ${'REVIEW'}   | ${1}   | ${'12'}  | ${['BAND_B', 'REVIEW_UP_TO_50000']}
    ${'band B 80,000'}              | ${700} | ${'80000.00'}  | ${{}}             | ${'REVIEW'}   | ${2}   | ${'12'}  | ${['BAND_B', 'REVIEW_UP_TO_200000']}
    ${'band B exactly 200,000.00'}  | ${700} | ${'200000.00'} | ${{}}             | ${'REVIEW'}   | ${2}   | ${'12'}  | ${['BAND_B', 'REVIEW_UP_TO_200000']}
    ${'band B 300,000'}             | ${700} | ${'300000.00'} | ${microBusiness}  | ${'REVIEW'}   | ${3}   | ${'12'}  | ${['BAND_B', 'REVIEW_ABOVE_200000']}
    ${'band C 15,000'}              | ${630} | ${'15000.00'}  | ${{}}             | ${'REVIEW'}   | ${2}   | ${'18'}  | ${['BAND_C', 'REVIEW_UP_TO_50000', 'EXTRA_LEVEL_BAND_C']}
    ${'band C 80,000'}              | ${630} | ${'80000.00'}  | ${{}}             | ${'REVIEW'}   | ${3}   | ${'18'}  | ${['BAND_C', 'REVIEW_UP_TO_200000', 'EXTRA_LEVEL_BAND_C']}
    ${'band C 300,000 (capped)'}    | ${630} | ${'300000.00'} | ${microBusiness}  | ${'REVIEW'}   | ${3}   | ${'18'}  | ${['BAND_C', 'REVIEW_ABOVE_200000', 'EXTRA_LEVEL_BAND_C', 'MAX_LEVELS_3']}
    ${'band D'}                     | ${550} | ${'15000.00'}  | ${{}}             | ${'DECLINED'} | ${0}   | ${null}  | ${['BAND_D', 'DECLINE_BAND_D']}
  `('$case → $outcome, $levels level(s), rate $rate', ({ score, amount, extra, outcome, levels, rate, rules }) => {
    const result = evaluatePolicy(DEFAULT_POLICY, facts({ score, amount, ...extra }));
    expect(result).toMatchObject({ outcome, levelsRequired: levels, annualRatePercent: rate, matchedRules: rules, policyVersion: 1 });
    if (outcome !== 'DECLINED') expect(result.reasons).toEqual([]);
  });

  it('declines band D with the scorecard reasons, at most four, in the order given', () => {
    const result = evaluatePolicy(DEFAULT_POLICY, facts({ score: 520 }));
    expect(result.band).toBe('D');
    expect(result.reasons).toEqual(SCORE_REASONS.slice(0, 4));
  });

  it('declines band D with a plain reason in the applicant\'s language when the scorecard gave none', () => {
    expect(evaluatePolicy(DEFAULT_POLICY, facts({ score: 400, scoreReasons: [] })).reasons).toEqual([
      { code: 'DECLINE_BAND_D', description: "The credit score is below the lender's minimum" },
    ]);
    expect(evaluatePolicy(DEFAULT_POLICY, facts({ score: 400, scoreReasons: [], language: 'zh-CN' })).reasons[0]?.description).toBe('信用评分低于本机构的最低要求');
  });

  it.each`
    score  | band
    ${850} | ${'A'}
    ${720} | ${'A'}
    ${719} | ${'B'}
    ${660} | ${'B'}
    ${659} | ${'C'}
    ${600} | ${'C'}
    ${599} | ${'D'}
    ${300} | ${'D'}
  `('reads score $score as band $band', ({ score, band }) => {
    expect(bandFor(DEFAULT_POLICY, score)).toBe(band);
    expect(evaluatePolicy(DEFAULT_POLICY, facts({ score })).band).toBe(band);
  });

  it('auto-approves at score 720 and sends 719 to review', () => {
    expect(evaluatePolicy(DEFAULT_POLICY, facts({ score: 720 })).outcome).toBe('APPROVED');
    expect(evaluatePolicy(DEFAULT_POLICY, facts({ score: 719 })).outcome).toBe('REVIEW');
  });

  describe('knock-outs', () => {
    const cases: { id: KnockOutId; hit: Partial<PolicyFacts>; en: string; zh: string }[] = [
      { id: 'KO_AGE_UNDER_MIN', hit: { ageYears: 17, ageAtMaturityYears: 18 }, en: 'The applicant is under 18 years of age', zh: '申请人未满18周岁' },
      { id: 'KO_AGE_AT_MATURITY', hit: { ageYears: 69, ageAtMaturityYears: 70.0833 }, en: 'The applicant would be over 70 years of age when the loan ends', zh: '贷款到期时申请人年龄将超过70周岁' },
      { id: 'KO_DEBT_TO_INCOME', hit: { debtToIncomeAfterLoan: 0.5001 }, en: 'Monthly debt payments including this loan would be above 50% of monthly income', zh: '计入本笔贷款后，每月还款额将超过月收入的50%' },
      { id: 'KO_CURRENT_DEFAULT', hit: { currentDefault: true }, en: 'The credit bureau reports a loan currently in default', zh: '征信报告显示当前有违约贷款' },
      { id: 'KO_FRAUD_FLAG', hit: { fraudFlag: true }, en: 'The credit bureau reports a fraud alert', zh: '征信报告显示存在欺诈警示' },
      { id: 'KO_PRODUCT_BOUNDS', hit: { amountMinor: 200_000_01 }, en: 'The amount or term is outside what the loan product offers', zh: '贷款金额或期限超出该产品的范围' },
    ];

    it.each(cases)('$id declines a band-A application with its reason in en and zh-CN', ({ id, hit, en, zh }) => {
      for (const [language, description] of [['en', en], ['zh-CN', zh]] as const) {
        const result = evaluatePolicy(DEFAULT_POLICY, facts({ ...hit, language }));
        expect(result).toEqual({
          outcome: 'DECLINED',
          band: 'A',
          levelsRequired: 0,
          annualRatePercent: null,
          matchedRules: [id, 'BAND_A'],
          reasons: [{ code: id, description }],
          bureauRulesFired: [],
          statementRulesFired: [],
          policyVersion: 1,
        });
      }
    });

    it('applies the age limits inclusively: 18 today and exactly 70 at maturity pass', () => {
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ ageYears: 18, ageAtMaturityYears: 19 })).outcome).toBe('APPROVED');
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ ageYears: 69, ageAtMaturityYears: 70 })).outcome).toBe('APPROVED');
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ ageYears: 69, ageAtMaturityYears: 70.0001 })).matchedRules).toContain('KO_AGE_AT_MATURITY');
    });

    it('allows a debt-to-income of exactly 0.5 and knocks out 0.5001 and no income at all (null)', () => {
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ debtToIncomeAfterLoan: 0.5 })).outcome).toBe('APPROVED');
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ debtToIncomeAfterLoan: 0.5001 })).matchedRules).toEqual(['KO_DEBT_TO_INCOME', 'BAND_A']);
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ debtToIncomeAfterLoan: null })).matchedRules).toEqual(['KO_DEBT_TO_INCOME', 'BAND_A']);
    });

    it('checks the product as it is now: amount and term bounds, inclusive, and its currency when given', () => {
      const changed = { ...bounds(product('personal-consumer')), maxAmountMinor: 10_000_00, minTermMonths: 6 };
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ product: changed })).matchedRules).toEqual(['KO_PRODUCT_BOUNDS', 'BAND_A']);
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ product: changed, amount: '10000.00', termMonths: 6 })).outcome).toBe('APPROVED');
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ product: changed, amount: '10000.00', termMonths: 5 })).outcome).toBe('DECLINED');
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ termMonths: 37 })).outcome).toBe('DECLINED');
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ amount: '999.99' })).outcome).toBe('DECLINED');
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ product: { ...bounds(product('personal-consumer')), currency: 'USD' } })).outcome).toBe('DECLINED');
    });

    it('lists every knock-out that matched, before the band, and gives at most four reasons in the policy\'s order', () => {
      const result = evaluatePolicy(
        DEFAULT_POLICY,
        facts({ score: 550, ageYears: 17, ageAtMaturityYears: 71, debtToIncomeAfterLoan: null, currentDefault: true, fraudFlag: true, termMonths: 48, language: 'zh-CN' }),
      );
      expect(result.outcome).toBe('DECLINED');
      expect(result.matchedRules).toEqual(['KO_AGE_UNDER_MIN', 'KO_AGE_AT_MATURITY', 'KO_DEBT_TO_INCOME', 'KO_CURRENT_DEFAULT', 'KO_FRAUD_FLAG', 'KO_PRODUCT_BOUNDS', 'BAND_D']);
      expect(result.reasons.map((r) => r.code)).toEqual(['KO_AGE_UNDER_MIN', 'KO_AGE_AT_MATURITY', 'KO_DEBT_TO_INCOME', 'KO_CURRENT_DEFAULT']);
      expect(result.reasons[0]?.description).toBe('申请人未满18周岁');
    });

    it('skips a disabled knock-out', () => {
      const policy: Policy = {
        ...DEFAULT_POLICY,
        version: 2,
        knockOuts: DEFAULT_POLICY.knockOuts.map((rule) => (rule.id === 'KO_FRAUD_FLAG' ? { ...rule, enabled: false } : rule)),
      };
      expect(evaluatePolicy(policy, facts({ fraudFlag: true }))).toMatchObject({ outcome: 'APPROVED', policyVersion: 2 });
      expect(evaluatePolicy(policy, facts({ currentDefault: true })).outcome).toBe('DECLINED');
    });

    it('uses the rule\'s own parameters', () => {
      const policy: Policy = {
        ...DEFAULT_POLICY,
        knockOuts: DEFAULT_POLICY.knockOuts.map((rule) => (rule.id === 'KO_DEBT_TO_INCOME' ? { ...rule, maxDebtToIncome: 0.4 } : rule)),
      };
      expect(evaluatePolicy(policy, facts({ debtToIncomeAfterLoan: 0.45 })).outcome).toBe('DECLINED');
    });
  });

  describe('bank statement rules (issue 12)', () => {
    const statement = (overrides: Partial<NonNullable<PolicyFacts['statement']>>) => ({
      statement: { verifiedIncomeShare: 1, gamblingShareOfInflow: 0, otherLendersShareOfInflow: 0, returnedPayments: 0, daysAtLowBalance: 0, ...overrides },
    });

    it('refers an application whose statement verifies far less income than declared, with the reason and its basis', () => {
      const result = evaluatePolicy(DEFAULT_POLICY, facts({ score: 760, ...statement({ verifiedIncomeShare: 0.4 }) }));
      expect(result).toMatchObject({
        outcome: 'REVIEW',
        levelsRequired: 1,
        reasons: [{ code: 'STATEMENT_INCOME_BELOW_DECLARED', description: 'The bank statement verifies much less income than declared' }],
        statementRulesFired: [{ id: 'STATEMENT_INCOME_BELOW_DECLARED', fact: 'verifiedIncomeShare', value: 0.4, atMost: 0.6, action: 'REVIEW' }],
      });
      expect(result.matchedRules).toContain('STATEMENT_INCOME_BELOW_DECLARED');
    });

    it.each`
      case                                 | hit                                   | outcome       | rule
      ${'60 % of the declared income'}     | ${{ verifiedIncomeShare: 0.6 }}       | ${'REVIEW'}   | ${'STATEMENT_INCOME_BELOW_DECLARED'}
      ${'61 % of the declared income'}     | ${{ verifiedIncomeShare: 0.61 }}      | ${'APPROVED'} | ${undefined}
      ${'gambling 10 % of the inflow'}     | ${{ gamblingShareOfInflow: 0.1 }}     | ${'REVIEW'}   | ${'STATEMENT_GAMBLING'}
      ${'gambling 9 % of the inflow'}      | ${{ gamblingShareOfInflow: 0.09 }}    | ${'APPROVED'} | ${undefined}
      ${'3 returned payments'}             | ${{ returnedPayments: 3 }}            | ${'REVIEW'}   | ${'STATEMENT_RETURNED_PAYMENTS'}
      ${'no inflow to divide by (null)'}   | ${{ gamblingShareOfInflow: null }}    | ${'APPROVED'} | ${undefined}
    `('$case → $outcome for a band-A 15,000 application', ({ hit, outcome, rule }) => {
      const result = evaluatePolicy(DEFAULT_POLICY, facts(statement(hit)));
      expect(result.outcome).toBe(outcome);
      expect(result.statementRulesFired.map((f) => f.id)).toEqual(rule ? [rule] : []);
    });

    it('applies no statement rule to an application without a statement', () => {
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ statement: null })).outcome).toBe('APPROVED');
    });

    it('declines by a statement rule the lender set to DECLINE, with the knock-outs', () => {
      const policy = { ...DEFAULT_POLICY, statementRules: DEFAULT_POLICY.statementRules.map((r) => (r.id === 'STATEMENT_GAMBLING' ? { ...r, action: 'DECLINE' as const } : r)) };
      const result = evaluatePolicy(policy, facts(statement({ gamblingShareOfInflow: 0.5 })));
      expect(result).toMatchObject({ outcome: 'DECLINED', reasons: [{ code: 'STATEMENT_GAMBLING' }] });
    });
  });

  describe('bureau history rules (issue 12)', () => {
    const bureau = (overrides: Partial<PolicyFacts['bureau']>) => ({ bureau: { ...facts().bureau, ...overrides } });
    /** The critical-account sandbox identity's report: worst delay 95 days, not behind now, 3 lines, 95 % used. */
    const criticalAccount = bureau({ maxDaysPastDueLast24Months: 95, accountsInArrears: 0, inquiriesLast6Months: 3, existingCredits: 3, revolvingUtilisation: 0.95 });

    it('declines the critical-account report even at a band-A score, naming the bureau rule in en and zh-CN', () => {
      for (const [language, description] of [
        ['en', 'The credit bureau reports a payment 90 or more days past due in the last 24 months'],
        ['zh-CN', '征信报告显示近24个月内有逾期90天及以上的记录'],
      ] as const) {
        expect(evaluatePolicy(DEFAULT_POLICY, facts({ score: 817, ...criticalAccount, language }))).toEqual({
          outcome: 'DECLINED',
          band: 'A',
          levelsRequired: 0,
          annualRatePercent: null,
          matchedRules: ['BUREAU_DPD_90_24M', 'BAND_A'],
          reasons: [{ code: 'BUREAU_DPD_90_24M', description }],
          bureauRulesFired: [{ id: 'BUREAU_DPD_90_24M', fact: 'maxDaysPastDueLast24Months', value: 95, atLeast: 90, action: 'DECLINE' }],
          statementRulesFired: [],
          policyVersion: 1,
        });
      }
    });

    it.each`
      case                                 | hit                                           | outcome       | rule
      ${'worst delay 29 days'}             | ${{ maxDaysPastDueLast24Months: 29 }}         | ${'APPROVED'} | ${undefined}
      ${'worst delay 30 days'}             | ${{ maxDaysPastDueLast24Months: 30 }}         | ${'REVIEW'}   | ${'BUREAU_DPD_30_24M'}
      ${'worst delay 89 days'}             | ${{ maxDaysPastDueLast24Months: 89 }}         | ${'REVIEW'}   | ${'BUREAU_DPD_30_24M'}
      ${'worst delay 90 days'}             | ${{ maxDaysPastDueLast24Months: 90 }}         | ${'DECLINED'} | ${'BUREAU_DPD_90_24M'}
      ${'one line in arrears now'}         | ${{ accountsInArrears: 1 }}                   | ${'DECLINED'} | ${'BUREAU_CURRENT_ARREARS'}
      ${'5 hard inquiries in 6 months'}    | ${{ inquiriesLast6Months: 5 }}                | ${'APPROVED'} | ${undefined}
      ${'6 hard inquiries in 6 months'}    | ${{ inquiriesLast6Months: 6 }}                | ${'REVIEW'}   | ${'BUREAU_INQUIRIES_6M'}
      ${'5 open lines'}                    | ${{ existingCredits: 5 }}                     | ${'APPROVED'} | ${undefined}
      ${'6 open lines'}                    | ${{ existingCredits: 6 }}                     | ${'REVIEW'}   | ${'BUREAU_OPEN_LINES'}
      ${'utilisation 89.99 %'}             | ${{ revolvingUtilisation: 0.8999 }}           | ${'APPROVED'} | ${undefined}
      ${'utilisation 90 %'}                | ${{ revolvingUtilisation: 0.9 }}              | ${'REVIEW'}   | ${'BUREAU_UTILISATION_90'}
      ${'no revolving line (null)'}        | ${{ revolvingUtilisation: null }}             | ${'APPROVED'} | ${undefined}
      ${'an assessment without the field'} | ${{ accountsInArrears: null }}                | ${'APPROVED'} | ${undefined}
    `('$case → $outcome for a band-A 15,000 application', ({ hit, outcome, rule }) => {
      const result = evaluatePolicy(DEFAULT_POLICY, facts(bureau(hit)));
      expect(result.outcome).toBe(outcome);
      if (rule === undefined) {
        expect(result.matchedRules).toEqual(['BAND_A', 'AUTO_APPROVE_A_UP_TO_20000']);
        expect(result.bureauRulesFired).toEqual([]);
      } else {
        expect(result.matchedRules).toContain(rule);
        expect(result.reasons.map((r) => r.code)).toEqual([rule]);
        expect(result.bureauRulesFired.map((f) => f.id)).toEqual([rule]);
      }
    });

    it('refers a referral to the review levels of its amount, with the band\'s rate and the bureau reason, never auto-approving', () => {
      const result = evaluatePolicy(DEFAULT_POLICY, facts({ amount: '8000.00', ...bureau({ inquiriesLast6Months: 9 }) }));
      expect(result).toEqual({
        outcome: 'REVIEW',
        band: 'A',
        levelsRequired: 1,
        annualRatePercent: '8.5',
        matchedRules: ['BAND_A', 'BUREAU_INQUIRIES_6M', 'REVIEW_UP_TO_50000'],
        reasons: [{ code: 'BUREAU_INQUIRIES_6M', description: 'The credit bureau reports 6 or more credit applications (hard inquiries) in the last 6 months' }],
        bureauRulesFired: [{ id: 'BUREAU_INQUIRIES_6M', fact: 'inquiriesLast6Months', value: 9, atLeast: 6, action: 'REVIEW' }],
        statementRulesFired: [],
        policyVersion: 1,
      });
      // Band C's extra level still applies.
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ score: 630, ...bureau({ inquiriesLast6Months: 9, revolvingUtilisation: 0.97 }) }))).toMatchObject({
        outcome: 'REVIEW',
        levelsRequired: 2,
        matchedRules: ['BAND_C', 'BUREAU_INQUIRIES_6M', 'BUREAU_UTILISATION_90', 'REVIEW_UP_TO_50000', 'EXTRA_LEVEL_BAND_C'],
      });
    });

    it('lets a decline band decline a referred application with the scorecard\'s reasons', () => {
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ score: 550, ...bureau({ inquiriesLast6Months: 9 }) }))).toMatchObject({
        outcome: 'DECLINED',
        matchedRules: ['BAND_D', 'DECLINE_BAND_D'],
        reasons: SCORE_REASONS.slice(0, 4),
      });
    });

    it('lists knock-outs, then the declining bureau rules, and gives at most four reasons', () => {
      const result = evaluatePolicy(
        DEFAULT_POLICY,
        facts({ currentDefault: true, fraudFlag: true, debtToIncomeAfterLoan: 0.7, ...bureau({ maxDaysPastDueLast24Months: 120, accountsInArrears: 2, inquiriesLast6Months: 9 }) }),
      );
      expect(result.outcome).toBe('DECLINED');
      expect(result.matchedRules).toEqual(['KO_DEBT_TO_INCOME', 'KO_CURRENT_DEFAULT', 'KO_FRAUD_FLAG', 'BUREAU_DPD_90_24M', 'BUREAU_CURRENT_ARREARS', 'BAND_A']);
      expect(result.reasons.map((r) => r.code)).toEqual(['KO_DEBT_TO_INCOME', 'KO_CURRENT_DEFAULT', 'KO_FRAUD_FLAG', 'BUREAU_DPD_90_24M']);
    });

    it('follows the lender\'s edits: a disabled rule, another action, another threshold, a rule of its own', () => {
      const edit = (id: string, change: Partial<BureauRule>) => DEFAULT_POLICY.bureauRules.map((rule) => (rule.id === id ? ({ ...rule, ...change } as BureauRule) : rule));
      const soft: Policy = { ...DEFAULT_POLICY, version: 2, bureauRules: edit('BUREAU_DPD_90_24M', { action: 'REVIEW' }) };
      expect(evaluatePolicy(soft, facts(criticalAccount))).toMatchObject({ outcome: 'REVIEW', matchedRules: expect.arrayContaining(['BUREAU_DPD_90_24M']) });
      const off: Policy = { ...DEFAULT_POLICY, bureauRules: DEFAULT_POLICY.bureauRules.map((rule) => ({ ...rule, enabled: false })) };
      expect(evaluatePolicy(off, facts(criticalAccount)).outcome).toBe('APPROVED');
      const strict: Policy = { ...DEFAULT_POLICY, bureauRules: edit('BUREAU_INQUIRIES_6M', { atLeast: 3 } as Partial<BureauRule>) };
      expect(evaluatePolicy(strict, facts(bureau({ inquiriesLast6Months: 3 }))).outcome).toBe('REVIEW');
      const own: Policy = {
        ...DEFAULT_POLICY,
        bureauRules: [
          ...DEFAULT_POLICY.bureauRules,
          { id: 'LENDER_DPD_60', enabled: true, fact: 'maxDaysPastDueLast24Months', atLeast: 60, action: 'DECLINE', description: { en: 'Late 60 days', 'zh-CN': '逾期60天' } },
        ],
      };
      expect(evaluatePolicy(own, facts(bureau({ maxDaysPastDueLast24Months: 61 })))).toMatchObject({ outcome: 'DECLINED', reasons: [{ code: 'LENDER_DPD_60', description: 'Late 60 days' }] });
    });
  });

  describe('routing by customer type and currency', () => {
    const policy: Policy = {
      ...DEFAULT_POLICY,
      autoApprove: [
        { id: 'AUTO_APPROVE_FARMERS_A_B', bands: ['A', 'B'], maxAmount: { amount: '10000.00', currency: 'CNY' }, customerTypes: ['farmer'] },
        ...DEFAULT_POLICY.autoApprove,
      ],
      reviewRouting: {
        ...DEFAULT_POLICY.reviewRouting,
        byCustomerType: {
          micro_business: [
            { id: 'MB_REVIEW_UP_TO_100000', maxAmount: { amount: '100000.00', currency: 'CNY' }, levels: 1 },
            { id: 'MB_REVIEW_ABOVE_100000', maxAmount: null, levels: 2 },
          ],
        },
      },
    };

    it('routes a customer type with its own tiers by them, and the others by the general tiers', () => {
      expect(evaluatePolicy(policy, facts({ ...microBusiness, score: 700, amount: '80000.00' }))).toMatchObject({
        levelsRequired: 1,
        matchedRules: ['BAND_B', 'MB_REVIEW_UP_TO_100000'],
      });
      expect(evaluatePolicy(policy, facts({ ...microBusiness, score: 700, amount: '300000.00' })).levelsRequired).toBe(2);
      expect(evaluatePolicy(policy, facts({ score: 700, amount: '80000.00' })).levelsRequired).toBe(2);
    });

    it('auto-approves by a rule limited to some customer types only for them', () => {
      const farmer = { productId: 'agricultural', customerType: 'farmer' as const, product: bounds(product('agricultural')) };
      expect(evaluatePolicy(policy, facts({ ...farmer, score: 700, amount: '8000.00' }))).toMatchObject({
        outcome: 'APPROVED',
        annualRatePercent: '12',
        matchedRules: ['BAND_B', 'AUTO_APPROVE_FARMERS_A_B'],
      });
      expect(evaluatePolicy(policy, facts({ score: 700, amount: '8000.00' })).outcome).toBe('REVIEW');
    });

    it('never auto-approves an amount in another currency, and routes it to the last tier', () => {
      const usd = { currency: 'USD', product: { ...bounds(product('personal-consumer')), currency: 'USD' } };
      expect(evaluatePolicy(DEFAULT_POLICY, facts({ ...usd, amount: '5000.00' }))).toMatchObject({
        outcome: 'REVIEW',
        levelsRequired: 3,
        matchedRules: ['BAND_A', 'REVIEW_ABOVE_200000'],
      });
    });
  });

  it('gives the offer terms of a band: its rate and the days the offer stays open', () => {
    expect(offerTerms(DEFAULT_POLICY, 'A')).toEqual({ annualRatePercent: '8.5', validDays: 7 });
    expect(offerTerms(DEFAULT_POLICY, 'C')).toEqual({ annualRatePercent: '18', validDays: 7 });
    expect(() => offerTerms(DEFAULT_POLICY, 'D')).toThrow(/no annual rate for band D/);
  });
});

describe('policy schema', () => {
  const problemsOf = (value: unknown) => {
    const result = policyDraftSchema.safeParse(value);
    return result.success ? [] : toFieldProblems(result.error);
  };
  const draft = () => structuredClone(DEFAULT_POLICY_DRAFT) as any;

  it('accepts the default policy, as a draft and as a stored version', () => {
    expect(policyDraftSchema.parse(DEFAULT_POLICY_DRAFT)).toEqual(DEFAULT_POLICY_DRAFT);
    expect(policySchema.parse(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
  });

  it('holds the figures of PRODUCT.md §3', () => {
    expect(DEFAULT_POLICY.version).toBe(1);
    expect(DEFAULT_POLICY.bands).toEqual([
      { band: 'A', minScore: 720 },
      { band: 'B', minScore: 660 },
      { band: 'C', minScore: 600 },
      { band: 'D', minScore: 300 },
    ]);
    expect(DEFAULT_POLICY.pricing.annualRatePercent).toEqual({ A: '8.5', B: '12', C: '18' });
    expect(DEFAULT_POLICY.offerValidDays).toBe(7);
    expect(DEFAULT_POLICY.sla).toEqual({ remindAfterHours: 24, escalateAfterHours: 48, expireAfterHours: 120 });
  });

  it('holds the default bureau rules: 90+ days late in 24 months and arrears now decline; 30+ days, 6+ inquiries, 6+ lines, 90 % utilisation refer', () => {
    expect(DEFAULT_POLICY.bureauRules.map(({ id, fact, atLeast, action, enabled }) => ({ id, fact, atLeast, action, enabled }))).toEqual([
      { id: 'BUREAU_DPD_90_24M', fact: 'maxDaysPastDueLast24Months', atLeast: 90, action: 'DECLINE', enabled: true },
      { id: 'BUREAU_CURRENT_ARREARS', fact: 'accountsInArrears', atLeast: 1, action: 'DECLINE', enabled: true },
      { id: 'BUREAU_DPD_30_24M', fact: 'maxDaysPastDueLast24Months', atLeast: 30, action: 'REVIEW', enabled: true },
      { id: 'BUREAU_INQUIRIES_6M', fact: 'inquiriesLast6Months', atLeast: 6, action: 'REVIEW', enabled: true },
      { id: 'BUREAU_OPEN_LINES', fact: 'existingCredits', atLeast: 6, action: 'REVIEW', enabled: true },
      { id: 'BUREAU_UTILISATION_90', fact: 'revolvingUtilisation', atLeast: 0.9, action: 'REVIEW', enabled: true },
    ]);
    for (const rule of DEFAULT_POLICY.bureauRules) {
      expect(rule.description.en.length).toBeGreaterThan(10);
      expect(rule.description['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('refuses bad statement rules, naming each field', () => {
    const body = draft();
    body.statementRules = [
      { id: 'S1', fact: 'verifiedIncomeShare', atMost: 0, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
      { id: 'S2', fact: 'verifiedIncomeShare', atLeast: 0.5, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
      { id: 'S3', fact: 'returnedPayments', atLeast: 1.5, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
      { id: 'S4', fact: 'salary', atLeast: 1, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
    ];
    expect(problemsOf(body)).toEqual(
      expect.arrayContaining([
        { path: 'statementRules[0].atMost', message: 'must be above 0' },
        { path: 'statementRules[1].atMost', message: expect.any(String) },
        { path: 'statementRules[1].atLeast', message: 'is not a known field' },
        { path: 'statementRules[2].atLeast', message: 'must be a whole number' },
        { path: 'statementRules[3].fact', message: expect.stringMatching(/^must be one of verifiedIncomeShare, /) },
      ]),
    );
  });

  it('refuses a statement rule id that a bureau rule or a knock-out has', () => {
    const body = draft();
    body.statementRules = [
      { id: 'BUREAU_DPD_90_24M', fact: 'daysAtLowBalance', atLeast: 30, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
      { id: 'KO_FRAUD_FLAG', fact: 'returnedPayments', atLeast: 3, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
    ];
    expect(problemsOf(body).map((p) => p.path)).toEqual(['statementRules[0].id', 'statementRules[1].id']);
  });

  it('refuses bad bureau rules, naming each field', () => {
    const body = draft();
    body.bureauRules = [
      { id: 'R1', fact: 'maxDaysPastDueLast24Months', atLeast: 90.5, action: 'DECLINE', description: { en: 'x', 'zh-CN': 'x' } },
      { id: 'R2', fact: 'inquiriesLast6Months', atLeast: 0, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
      { id: 'R3', fact: 'revolvingUtilisation', atLeast: 90, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
      { id: 'R4', fact: 'revolvingUtilisation', atLeast: '0.9', action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
      { id: 'R5', fact: 'bureauScore', atLeast: 500, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
      { id: 'R6', fact: 'accountsInArrears', atLeast: 1, action: 'BLOCK', description: { en: 'x' } },
      { id: 'R7', fact: 'existingCredits', atLeast: 6, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' }, extra: true },
      { id: 'bad id', fact: 'existingCredits', atLeast: 6, action: 'REVIEW', description: { en: 'x', 'zh-CN': 'x' } },
    ];
    expect(problemsOf(body)).toEqual(
      expect.arrayContaining([
        { path: 'bureauRules[0].atLeast', message: 'must be a whole number' },
        { path: 'bureauRules[1].atLeast', message: 'must be at least 1' },
        { path: 'bureauRules[2].atLeast', message: expect.stringMatching(/at most 10/) },
        { path: 'bureauRules[3].atLeast', message: expect.stringMatching(/number/) },
        { path: 'bureauRules[4].fact', message: expect.stringMatching(/^must be one of maxDaysPastDueLast24Months, accountsInArrears, /) },
        { path: 'bureauRules[5].action', message: 'must be DECLINE or REVIEW' },
        { path: 'bureauRules[5].description.zh-CN', message: expect.any(String) },
        { path: 'bureauRules[6].extra', message: 'is not a known field' },
        { path: 'bureauRules[7].id', message: expect.stringMatching(/capital letters/) },
      ]),
    );
  });

  it('refuses a bureau rule id used twice, used by another rule, or taken by a knock-out', () => {
    const body = draft();
    body.bureauRules.push({ ...body.bureauRules[0] });
    body.bureauRules.push({ ...body.bureauRules[1], id: 'AUTO_APPROVE_A_UP_TO_20000' });
    body.bureauRules.push({ ...body.bureauRules[1], id: 'KO_FRAUD_FLAG' });
    expect(problemsOf(body)).toEqual([
      { path: 'bureauRules[6].id', message: 'must be unique: bureauRules[0].id has the id BUREAU_DPD_90_24M already' },
      { path: 'bureauRules[7].id', message: 'must be unique: autoApprove[0].id has the id AUTO_APPROVE_A_UP_TO_20000 already' },
      { path: 'bureauRules[8].id', message: 'must not be a knock-out id (KO_FRAUD_FLAG)' },
    ]);
  });

  it('takes the default bureau rules when a body leaves them out, and none when it sends an empty list', () => {
    const body = draft();
    delete body.bureauRules;
    expect(policyDraftSchema.parse(body).bureauRules).toEqual(DEFAULT_POLICY_DRAFT.bureauRules);
    expect(policyDraftSchema.parse({ ...draft(), bureauRules: [] }).bureauRules).toEqual([]);
  });

  it('defaults enabled to true and extraLevelForBands to none', () => {
    const body = draft();
    delete body.knockOuts[0].enabled;
    delete body.reviewRouting.extraLevelForBands;
    const parsed = policyDraftSchema.parse(body);
    expect(parsed.knockOuts[0]?.enabled).toBe(true);
    expect(parsed.reviewRouting.extraLevelForBands).toEqual([]);
  });

  it('refuses bands out of order, and a lowest band that does not start at 300', () => {
    const body = draft();
    body.bands = [{ band: 'B', minScore: 660 }, { band: 'A', minScore: 720 }, { band: 'C', minScore: 600 }, { band: 'D', minScore: 350 }];
    expect(problemsOf(body)).toEqual([
      { path: 'bands[1].minScore', message: expect.stringMatching(/must be below the minScore of the band before it \(B: 660\)/) },
      { path: 'bands[3].minScore', message: expect.stringMatching(/must be 300/) },
    ]);
  });

  it('refuses a band listed twice and a score outside 300–850', () => {
    const body = draft();
    body.bands = [{ band: 'A', minScore: 900 }, { band: 'A', minScore: 600 }, { band: 'D', minScore: 300 }];
    expect(problemsOf(body)).toEqual(
      expect.arrayContaining([
        { path: 'bands[0].minScore', message: 'must be at most 850' },
        { path: 'bands[1].band', message: 'lists band A a second time' },
      ]),
    );
  });

  it('refuses money as a float, naming the path', () => {
    const body = draft();
    body.autoApprove[0].maxAmount = { amount: 20000, currency: 'CNY' };
    body.reviewRouting.tiers[0].maxAmount = { amount: '50000.001', currency: 'CNY' };
    expect(problemsOf(body)).toEqual([
      { path: 'autoApprove[0].maxAmount.amount', message: 'must be a decimal string such as "12000.00", not a number' },
      { path: 'reviewRouting.tiers[0].maxAmount.amount', message: 'must have at most 2 decimal places for CNY' },
    ]);
  });

  it('refuses unknown fields anywhere, and the fields the repository sets', () => {
    const body = draft();
    body.version = 7;
    body.knockOuts[2].maxDti = 0.4;
    body.pricing.annualRatePercent.E = '30';
    expect(problemsOf(body)).toEqual(
      expect.arrayContaining([
        { path: 'version', message: 'is not a known field' },
        { path: 'knockOuts[2].maxDti', message: 'is not a known field' },
        { path: 'pricing.annualRatePercent.E', message: 'is not a known field' },
      ]),
    );
  });

  it('requires every knock-out once, with an id it knows', () => {
    const body = draft();
    body.knockOuts = body.knockOuts.filter((rule: { id: string }) => rule.id !== 'KO_FRAUD_FLAG');
    body.knockOuts.push({ ...body.knockOuts[0] });
    body.knockOuts.push({ id: 'KO_INQUIRIES', enabled: true, description: { en: 'x', 'zh-CN': 'x' } });
    expect(problemsOf(body)).toEqual(
      expect.arrayContaining([
        { path: 'knockOuts[6].id', message: expect.stringMatching(/^must be one of KO_AGE_UNDER_MIN, /) },
        { path: 'knockOuts[5].id', message: 'lists KO_AGE_UNDER_MIN a second time' },
        { path: 'knockOuts', message: 'must include KO_FRAUD_FLAG (set "enabled": false to turn it off)' },
      ]),
    );
  });

  it('requires a rate for every band that can be approved, as a decimal string', () => {
    const body = draft();
    delete body.pricing.annualRatePercent.C;
    body.pricing.annualRatePercent.B = 12;
    body.pricing.annualRatePercent.A = '8.5%';
    expect(problemsOf(body)).toEqual(
      expect.arrayContaining([
        { path: 'pricing.annualRatePercent.A', message: expect.stringMatching(/as a decimal string/) },
        { path: 'pricing.annualRatePercent.B', message: 'must be a decimal string such as "8.5", not a number' },
        { path: 'pricing.annualRatePercent.C', message: 'is required: band C can be approved' },
      ]),
    );
  });

  it('refuses bands named elsewhere that the policy does not have, and auto-approving a decline band', () => {
    const body = draft();
    body.bands = [{ band: 'A', minScore: 700 }, { band: 'B', minScore: 300 }];
    body.pricing.annualRatePercent = { A: '8.5', B: '12' };
    body.declineBands = ['C'];
    body.autoApprove[0].bands = ['A', 'D'];
    body.reviewRouting.extraLevelForBands = ['C'];
    expect(problemsOf(body)).toEqual([
      { path: 'declineBands[0]', message: "must be one of the policy's bands (A, B)" },
      { path: 'autoApprove[0].bands[1]', message: "must be one of the policy's bands (A, B)" },
      { path: 'reviewRouting.extraLevelForBands[0]', message: "must be one of the policy's bands (A, B)" },
    ]);
    body.declineBands = ['B'];
    body.autoApprove[0].bands = ['B'];
    body.reviewRouting.extraLevelForBands = [];
    expect(problemsOf(body)).toEqual([{ path: 'autoApprove[0].bands[0]', message: 'must not be a decline band (B is in declineBands)' }]);
  });

  it('refuses review tiers that are not ascending, do not end in a catch-all, or need more levels than allowed', () => {
    const body = draft();
    body.reviewRouting.maxLevels = 2;
    body.reviewRouting.tiers = [
      { id: 'T1', maxAmount: { amount: '50000.00', currency: 'CNY' }, levels: 1 },
      { id: 'T2', maxAmount: null, levels: 2 },
      { id: 'T3', maxAmount: { amount: '40000.00', currency: 'CNY' }, levels: 3 },
    ];
    expect(problemsOf(body)).toEqual([
      { path: 'reviewRouting.tiers[1].maxAmount', message: 'may be null only in the last tier' },
      { path: 'reviewRouting.tiers[2].maxAmount', message: 'must be null in the last tier: it takes every larger amount' },
      { path: 'reviewRouting.tiers[2].maxAmount.amount', message: 'must be above the maxAmount of tiers[0]: list tiers from the smallest amount up' },
      { path: 'reviewRouting.tiers[2].levels', message: 'must be at most maxLevels (2)' },
    ]);
  });

  it('refuses rule ids used twice', () => {
    const body = draft();
    body.reviewRouting.byCustomerType = { farmer: [{ id: 'REVIEW_UP_TO_50000', maxAmount: null, levels: 1 }] };
    expect(problemsOf(body)).toEqual([
      { path: 'reviewRouting.byCustomerType.farmer[0].id', message: 'must be unique: reviewRouting.tiers[0].id has the id REVIEW_UP_TO_50000 already' },
    ]);
  });

  it('refuses an SLA whose steps are not in order', () => {
    const body = draft();
    body.sla = { remindAfterHours: 48, escalateAfterHours: 24, expireAfterHours: 24 };
    expect(problemsOf(body)).toEqual([
      { path: 'sla.escalateAfterHours', message: 'must be after remindAfterHours' },
      { path: 'sla.expireAfterHours', message: 'must be after escalateAfterHours' },
    ]);
  });

  it('reports problems of every section at once', () => {
    const body = draft();
    body.bands[1].minScore = 'high';
    body.autoApprove[0].maxAmount.amount = 20000;
    delete body.pricing.annualRatePercent.B;
    body.sla.expireAfterHours = 1;
    body.offerValidDays = 0;
    expect(problemsOf(body).map((p) => p.path)).toEqual(
      expect.arrayContaining(['bands[1].minScore', 'autoApprove[0].maxAmount.amount', 'pricing.annualRatePercent.B', 'sla.expireAfterHours', 'offerValidDays']),
    );
  });
});
