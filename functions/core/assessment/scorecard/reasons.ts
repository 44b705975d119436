// Reason codes: the features where an applicant lost the most points against that feature's best bin.
// Codes are fixed per feature name here, never per training run, so RC05 always means "loan amount".
// A reason's text describes the applicant's own bin against the best bin, and only says what the input supports:
//  - numeric features: `high` when the applicant's bin lies above the best bin, `low` when below; a side without a
//    text is never given as a reason (a long time at the address, a light installment burden are not adverse, even
//    where a retrained model happens to give them fewer points);
//  - categorical features on an ordered `scale` (checking balance, savings, time in the job): `low`/`high` when the
//    applicant's level lies below/above every level of the best bin on that scale;
//  - otherwise the applicant's level's own text in `levels` (null: that level is never a reason), and for nominal
//    features without `levels` (purpose, occupation) the `adverse` text, which is phrased against the best group;
//  - a missing value says the information is missing; a bin that is the best one, or loses no points, gives nothing.

export interface ReasonText {
  en: string;
  zhCN: string;
}

export interface ReasonEntry {
  code: string;
  /** What the feature is, used for "information on … is missing". */
  factor: ReasonText;
  /** Nominal categorical features: true of any level scoring below the best group. */
  adverse?: ReasonText;
  /** The applicant's value is above the best bin (numeric, or on the categorical `scale`); absent: never a reason. */
  high?: ReasonText;
  /** The applicant's value is below the best bin; absent: never a reason. */
  low?: ReasonText;
  /** Categorical: levels in increasing order of the quantity `high`/`low` speak of. */
  scale?: readonly string[];
  /** Categorical: what a level says about the applicant by itself; null = never a reason. */
  levels?: Readonly<Record<string, ReasonText | null>>;
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
    // A11 < 0, A12 0–200 DM, A13 ≥ 200 DM; A14 (no checking account) is not on the balance scale.
    scale: ['A11', 'A12', 'A13'],
    low: t('Checking account balance is lower than in the best-rated group', '支票账户余额低于评分最好的档位'),
    levels: {
      A11: t('Checking account balance is negative', '支票账户余额为负'),
      A12: t('Checking account balance is low', '支票账户余额偏低'),
      A13: null,
      A14: t('Has no checking account', '没有支票账户'),
    },
  },
  duration_months: {
    code: 'RC02',
    factor: t('the loan term', '贷款期限'),
    high: t('Loan term is longer than in the best-rated range', '贷款期限长于评分最好的区间'),
    low: t('Loan term is shorter than in the best-rated range', '贷款期限短于评分最好的区间'),
  },
  credit_history: {
    code: 'RC03',
    factor: t('credit history', '信用记录'),
    // Grömping's corrected readings (see functions/core/assessment/bureau.ts).
    levels: {
      A30: t('Credit history shows payment delays in the past', '信用记录显示过去有还款延迟'),
      A31: t('Credit history shows a critical account or credits elsewhere', '信用记录显示有关注类账户或在其他机构有借款'),
      A32: t('Credit history is short', '信用记录较短'),
      A33: null,
      A34: null,
    },
  },
  purpose: {
    code: 'RC04',
    factor: t('the loan purpose', '贷款用途'),
    adverse: t('Loans for this purpose have been repaid less reliably', '此类用途的贷款还款情况较差'),
  },
  credit_amount: {
    code: 'RC05',
    factor: t('the loan amount', '贷款金额'),
    high: t('Loan amount is higher than in the best-rated range', '贷款金额高于评分最好的区间'),
    low: t('Loan amount is smaller than in the best-rated range', '贷款金额低于评分最好的区间'),
  },
  savings: {
    code: 'RC06',
    factor: t('savings', '储蓄'),
    // A61 < 100 DM, A62 100–500, A63 500–1000, A64 ≥ 1000; A65 (none or unknown) is not on the scale.
    scale: ['A61', 'A62', 'A63', 'A64'],
    low: t('Savings are lower than in the best-rated group', '储蓄低于评分最好的档位'),
    levels: {
      A61: t('Savings are low', '储蓄较少'),
      A65: t('No savings account, or savings unknown', '没有储蓄账户或储蓄情况未知'),
    },
  },
  employment_since: {
    code: 'RC07',
    factor: t('employment', '就业情况'),
    // A71 unemployed, A72 < 1 year, A73 1–4, A74 4–7, A75 ≥ 7 years.
    scale: ['A71', 'A72', 'A73', 'A74', 'A75'],
    low: t('Time in the current job is shorter than in the best-rated group', '当前工作年限短于评分最好的档位'),
    levels: { A71: t('Not employed', '无工作') },
  },
  installment_rate_pct: {
    code: 'RC08',
    factor: t('the installment as a share of income', '月供占收入的比例'),
    high: t('Installment takes a larger share of disposable income than in the best-rated range', '月供占可支配收入的比例高于评分最好的区间'),
  },
  other_debtors: {
    code: 'RC09',
    factor: t('guarantors or co-applicants', '担保人或共同申请人'),
    // A101 none, A102 co-applicant, A103 guarantor.
    levels: {
      A101: t('No guarantor or co-applicant supports the loan', '没有担保人或共同申请人'),
      A102: t('No guarantor supports the loan', '没有担保人为贷款提供担保'),
      A103: null,
    },
  },
  residence_since: {
    code: 'RC10',
    factor: t('time at the current address', '在现住址的居住时间'),
    low: t('Has lived at the current address for a shorter time than in the best-rated range', '在现住址的居住时间短于评分最好的区间'),
  },
  property: {
    code: 'RC11',
    factor: t('assets', '资产'),
    // A121 real estate, A122 building society savings or life insurance, A123 car or other, A124 none or unknown.
    levels: {
      A121: null,
      A122: t('Owns no real estate', '没有房产'),
      A123: t('Owns no real estate', '没有房产'),
      A124: t('No real estate or other significant assets', '没有房产或其他重要资产'),
    },
  },
  age_years: {
    code: 'RC12',
    factor: t('age', '年龄'),
    high: t('Age group older than the best-rated one', '年龄段高于评分最好的年龄段'),
    low: t('Age group younger than the best-rated one', '年龄段低于评分最好的年龄段'),
  },
  other_installment_plans: {
    code: 'RC13',
    factor: t('other installment plans', '其他分期付款'),
    levels: {
      A141: t('Has other installment plans with banks', '在银行有其他分期付款'),
      A142: t('Has other installment plans with stores', '在商店有其他分期付款'),
      A143: null,
    },
  },
  housing: {
    code: 'RC14',
    factor: t('housing', '住房情况'),
    levels: { A151: t('Does not own the home', '没有自有住房'), A152: null, A153: t('Does not own the home', '没有自有住房') },
  },
  existing_credits: {
    code: 'RC15',
    factor: t('existing credits', '现有借款'),
    high: t('Has more existing credits at this lender than in the best-rated group', '在本机构的现有借款笔数多于评分最好的档位'),
    low: t('Has fewer existing credits at this lender than in the best-rated group', '在本机构的现有借款笔数少于评分最好的档位'),
  },
  job: {
    code: 'RC16',
    factor: t('occupation', '职业'),
    adverse: t('Occupation or skill level with more repayment problems', '该职业或技能水平的还款问题较多'),
  },
  num_dependents: {
    code: 'RC17',
    factor: t('dependents', '受抚养人'),
    high: t('Supports more dependents than in the best-rated group', '需抚养的人数多于评分最好的档位'),
  },
  telephone: {
    code: 'RC18',
    factor: t('a telephone', '电话'),
    levels: { A191: t("No telephone registered in the applicant's name", '没有以申请人名义登记的电话'), A192: null },
  },
  debt_to_income: {
    code: 'RC19',
    factor: t('debt-to-income', '负债收入比'),
    high: t('Debt payments are higher compared with income than in the best-rated range', '债务还款额占收入的比例高于评分最好的区间'),
  },
  age_at_maturity: {
    code: 'RC20',
    factor: t('age at the end of the loan', '贷款到期时的年龄'),
    high: t('Age at the end of the loan term is higher than in the best-rated range', '贷款到期时的年龄高于评分最好的区间'),
    low: t('Age at the end of the loan term is lower than in the best-rated range', '贷款到期时的年龄低于评分最好的区间'),
  },
};

/**
 * The table's entry, or for a feature not in it (a lender's own column) a code and texts made from its name: a
 * numeric column says on which side of the best range the value lies, a categorical one that the group scores lower.
 */
export function reasonEntry(feature: string): ReasonEntry {
  const known = REASON_CODES[feature];
  if (known) return known;
  return {
    code: `RC_${feature.toUpperCase()}`,
    factor: t(feature, feature),
    adverse: t(`Value of ${feature} is in a group rated lower than the best one`, `${feature} 的取值所在档位的评分低于最好的档位`),
    high: t(`Value of ${feature} is higher than in the best-rated range`, `${feature} 的取值高于评分最好的区间`),
    low: t(`Value of ${feature} is lower than in the best-rated range`, `${feature} 的取值低于评分最好的区间`),
  };
}

/** Where the applicant's bin lies against the best bin. */
export type ReasonSide =
  | { kind: 'missing' }
  | { kind: 'high' | 'low' }
  /** A numeric value where the best bin is the missing one: no side to speak of. */
  | { kind: 'none' }
  | { kind: 'level'; level: string; bestLevels: readonly string[] };

function missingText(entry: ReasonEntry): ReasonText {
  return t(`Information on ${entry.factor.en} is missing`, `缺少${entry.factor.zhCN}信息`);
}

/** The text for a bin that lost points, or null when nothing true can be said (then no reason is given). */
export function reasonText(entry: ReasonEntry, side: ReasonSide): ReasonText | null {
  switch (side.kind) {
    case 'missing':
      return missingText(entry);
    case 'none':
      return null;
    case 'high':
      return entry.high ?? null;
    case 'low':
      return entry.low ?? null;
    case 'level': {
      if (side.bestLevels.includes(side.level)) return null;
      const scale = entry.scale;
      if (scale && scale.includes(side.level)) {
        const ranks = side.bestLevels.map((l) => scale.indexOf(l)).filter((r) => r >= 0);
        if (ranks.length > 0) {
          const rank = scale.indexOf(side.level);
          if (rank < Math.min(...ranks)) return entry.low ?? null;
          if (rank > Math.max(...ranks)) return entry.high ?? null;
          return null;
        }
      }
      if (entry.levels) return entry.levels[side.level] ?? null;
      if (entry.scale) return null;
      return entry.adverse ?? null;
    }
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

/** Every text a feature's reasons can carry (for finding a stored description again in the other language). */
export function reasonTexts(entry: ReasonEntry): ReasonText[] {
  const texts = [missingText(entry), entry.adverse, entry.high, entry.low, ...Object.values(entry.levels ?? {})];
  return texts.filter((text): text is ReasonText => text !== undefined && text !== null);
}
