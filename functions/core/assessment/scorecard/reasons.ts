// Reason codes: the features where an applicant lost the most points against that feature's best bin.
// Codes are fixed per feature name here, never per training run, so RC05 always means "loan amount".
// For numeric features the text follows the side of the best bin the applicant is on (`high` above it, `low` below),
// because a retrained model may find the risk on either side; categorical features use `adverse`.

export interface ReasonText {
  en: string;
  zhCN: string;
}

export interface ReasonEntry {
  code: string;
  /** What the feature is, used for "information on … is missing". */
  factor: ReasonText;
  adverse: ReasonText;
  high?: ReasonText;
  low?: ReasonText;
}

export interface ReasonCode {
  code: string;
  feature: string;
  /** Best bin's points minus the applicant's points; always > 0. */
  pointsLost: number;
  en: string;
  zhCN: string;
}

const t = (en: string, zhCN: string): ReasonText => ({ en, zhCN });

export const REASON_CODES: Readonly<Record<string, ReasonEntry>> = {
  checking_status: {
    code: 'RC01',
    factor: t('the checking account', '支票账户'),
    adverse: t('Checking account balance is low or negative', '支票账户余额偏低或为负'),
  },
  duration_months: {
    code: 'RC02',
    factor: t('the loan term', '贷款期限'),
    adverse: t('Loan term is long', '贷款期限较长'),
    high: t('Loan term is long', '贷款期限较长'),
    low: t('Loan term is short', '贷款期限较短'),
  },
  credit_history: {
    code: 'RC03',
    factor: t('credit history', '信用记录'),
    adverse: t('Credit history is short or shows repayment problems', '信用记录较短或有还款问题'),
  },
  purpose: {
    code: 'RC04',
    factor: t('the loan purpose', '贷款用途'),
    adverse: t('Loans for this purpose have been repaid less reliably', '此类用途的贷款还款情况较差'),
  },
  credit_amount: {
    code: 'RC05',
    factor: t('the loan amount', '贷款金额'),
    adverse: t('Loan amount is high', '贷款金额较高'),
    high: t('Loan amount is high', '贷款金额较高'),
    low: t('Loan amount is small', '贷款金额较小'),
  },
  savings: {
    code: 'RC06',
    factor: t('savings', '储蓄'),
    adverse: t('Savings are low or unknown', '储蓄较少或未知'),
  },
  employment_since: {
    code: 'RC07',
    factor: t('employment', '就业情况'),
    adverse: t('Not employed, or employed only a short time in the current job', '无工作或当前工作年限较短'),
    high: t('Time in the current job is long', '当前工作年限较长'),
    low: t('Time in the current job is short', '当前工作年限较短'),
  },
  installment_rate_pct: {
    code: 'RC08',
    factor: t('the installment as a share of income', '月供占收入的比例'),
    adverse: t('Installment takes a large share of disposable income', '月供占可支配收入的比例较高'),
    high: t('Installment takes a large share of disposable income', '月供占可支配收入的比例较高'),
    low: t('Installment takes a small share of disposable income', '月供占可支配收入的比例较低'),
  },
  other_debtors: {
    code: 'RC09',
    factor: t('guarantors or co-applicants', '担保人或共同申请人'),
    adverse: t('No guarantor supports the loan', '没有担保人为贷款提供担保'),
  },
  residence_since: {
    code: 'RC10',
    factor: t('time at the current address', '在现住址的居住时间'),
    adverse: t('Has lived at the current address only a short time', '在现住址居住时间较短'),
    high: t('Has lived at the current address for a long time', '在现住址居住时间较长'),
    low: t('Has lived at the current address only a short time', '在现住址居住时间较短'),
  },
  property: {
    code: 'RC11',
    factor: t('assets', '资产'),
    adverse: t('No real estate or other significant assets', '没有房产或其他重要资产'),
  },
  age_years: {
    code: 'RC12',
    factor: t('age', '年龄'),
    adverse: t('Age group with more repayment problems', '所在年龄段的还款问题较多'),
    high: t('Older age group with more repayment problems', '较年长年龄段的还款问题较多'),
    low: t('Younger age group with more repayment problems', '较年轻年龄段的还款问题较多'),
  },
  other_installment_plans: {
    code: 'RC13',
    factor: t('other installment plans', '其他分期付款'),
    adverse: t('Has other installment plans with banks or stores', '在银行或商店有其他分期付款'),
  },
  housing: {
    code: 'RC14',
    factor: t('housing', '住房情况'),
    adverse: t('Does not own the home', '没有自有住房'),
  },
  existing_credits: {
    code: 'RC15',
    factor: t('existing credits', '现有借款'),
    adverse: t('Has several existing credits at this lender', '在本机构现有借款笔数较多'),
    high: t('Has several existing credits at this lender', '在本机构现有借款笔数较多'),
    low: t('Has few existing credits at this lender', '在本机构现有借款笔数较少'),
  },
  job: {
    code: 'RC16',
    factor: t('occupation', '职业'),
    adverse: t('Occupation or skill level with more repayment problems', '该职业或技能水平的还款问题较多'),
  },
  num_dependents: {
    code: 'RC17',
    factor: t('dependents', '受抚养人'),
    adverse: t('Supports several dependents', '需抚养的人数较多'),
    high: t('Supports several dependents', '需抚养的人数较多'),
    low: t('Supports few dependents', '需抚养的人数较少'),
  },
  telephone: {
    code: 'RC18',
    factor: t('a telephone', '电话'),
    adverse: t("No telephone registered in the applicant's name", '没有以申请人名义登记的电话'),
  },
  debt_to_income: {
    code: 'RC19',
    factor: t('debt-to-income', '负债收入比'),
    adverse: t('Debt payments are high compared with income', '债务还款额相对收入较高'),
    high: t('Debt payments are high compared with income', '债务还款额相对收入较高'),
    low: t('Debt payments are low compared with income', '债务还款额相对收入较低'),
  },
  age_at_maturity: {
    code: 'RC20',
    factor: t('age at the end of the loan', '贷款到期时的年龄'),
    adverse: t('Age at the end of the loan term is high', '贷款到期时年龄较大'),
    high: t('Age at the end of the loan term is high', '贷款到期时年龄较大'),
    low: t('Age at the end of the loan term is low', '贷款到期时年龄较小'),
  },
};

/** The table's entry, or for a feature not in it (a lender's own column) a code and texts made from its name. */
export function reasonEntry(feature: string): ReasonEntry {
  const known = REASON_CODES[feature];
  if (known) return known;
  return {
    code: `RC_${feature.toUpperCase()}`,
    factor: t(feature, feature),
    adverse: t(`Value of ${feature}`, `${feature} 的取值`),
  };
}

/** Where the applicant's bin lies against the best bin: numeric above/below it, a categorical level, or missing. */
export type ReasonSide = 'high' | 'low' | 'level' | 'missing';

export function reasonText(entry: ReasonEntry, side: ReasonSide): ReasonText {
  switch (side) {
    case 'missing':
      return t(`Information on ${entry.factor.en} is missing`, `缺少${entry.factor.zhCN}信息`);
    case 'high':
      return entry.high ?? entry.adverse;
    case 'low':
      return entry.low ?? entry.adverse;
    case 'level':
      return entry.adverse;
  }
}

export const MAX_REASONS = 4;

/** At most `max` candidates with a loss > 0, largest loss first, ties by code (then feature name). */
export function pickReasons(candidates: readonly ReasonCode[], max = MAX_REASONS): ReasonCode[] {
  return candidates
    .filter((c) => c.pointsLost > 0)
    .sort(
      (a, b) =>
        b.pointsLost - a.pointsLost ||
        (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
        (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0),
    )
    .slice(0, max);
}
