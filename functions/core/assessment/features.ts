// From an application (API.md) and a bureau report to the scorecard's features. The shipped model was trained on the
// UCI German credit data, so each feature is expressed in that data's codes (see ../shared/data/README.md). Where the
// original codebook is wrong, the codes are read as Grömping (2019) corrected them (credit history, existing credits,
// people maintained); the one place where we depart from her reading (installment burden) says why. Every mapping
// choice is written down here, next to the code that makes it.

import { germanCreditHistoryCode, type CreditHistory } from './bureau';
import { ageOn } from '../kernel/dates';

/** The application fields the mapping reads (the non-PII `profile` stored at intake, plus age and loan terms). */
export interface FeatureInput {
  dateOfBirth: string;
  /** The day the application is assessed, YYYY-MM-DD (from the injected clock). */
  assessedOn: string;
  amountMinor: number;
  currency: string;
  termMonths: number;
  purpose: string;
  household: { housing: 'rent' | 'own' | 'free'; dependents: number };
  employment: { status: string; occupation: string; yearsInCurrentJob: number; monthlyIncome: { minor: number; currency: string } };
  finances: {
    monthlyDebtPayments: { minor: number; currency: string };
    checkingAccount: string;
    savings: string;
    assets: string;
    otherInstallmentPlans: string;
    existingLoansWithUs: number;
  };
  yearsAtAddress: number;
  guarantor: { type: 'co_applicant' | 'guarantor' } | null;
  hasPhone: boolean;
}

/** What the bureau report contributes (functions/core/assessment/bureau.ts has the full report). */
export interface BureauFeatures {
  creditHistory: CreditHistory;
  existingCredits: number;
  /** Monthly payments on debts the bureau knows of, in the application's currency; 0 when it reports none. */
  monthlyDebtPaymentsMinor: number;
}

export interface MappingSettings {
  /**
   * Product-currency minor units per training-data amount unit. The German amounts are 1994 Deutsche Mark; a DM of 1994
   * bought about what 4 CNY buy today (1 DM ≈ 0.51 EUR at the 1999 conversion rate, ≈ 0.85 EUR in today's prices,
   * ≈ 4 CNY at purchasing-power parity rather than the market rate, because what matters is the loan's weight in
   * the borrower's budget). So 8,000.00 CNY = 800000 minor units → 2,000 "DM". A lender retraining on its own data
   * sets this to 1 unit per minor unit of its currency (e.g. 100 for CNY amounts in yuan).
   */
  minorUnitsPerTrainingUnit: number;
  /**
   * The annual rate used to estimate the installment before pricing is known. The highest rate of the policy
   * (band C, 18 %) so that affordability is judged on the dearest offer the applicant could get.
   */
  affordabilityAnnualRate: number;
}

export const DEFAULT_MAPPING_SETTINGS: MappingSettings = { minorUnitsPerTrainingUnit: 400, affordabilityAnnualRate: 0.18 };

export type FeatureRow = Record<string, string | number | null>;

export interface MappedFeatures {
  /** The model's input, by the German data's column names and codes. */
  row: FeatureRow;
  /** Figures the policy reads (knock-outs) and the reviewer sees. */
  derived: {
    ageYears: number;
    ageAtMaturityYears: number;
    estimatedInstallmentMinor: number;
    /** All monthly debt payments after this loan ÷ monthly income; null when the income is 0. */
    debtToIncomeAfterLoan: number | null;
    installmentShareOfIncome: number | null;
  };
}

const CHECKING: Record<string, string> = { negative: 'A11', positive_low: 'A12', positive_high: 'A13', none: 'A14' };
// The German data has no agriculture purpose; a farm loan is a business investment (A49). Vacation (A47) never occurs.
const PURPOSE: Record<string, string> = {
  car_new: 'A40', car_used: 'A41', furniture: 'A42', electronics: 'A43', appliances: 'A44', repairs: 'A45',
  education: 'A46', retraining: 'A48', business: 'A49', agriculture: 'A49', other: 'A410',
};
// "none" means no savings account or unknown, which the data codes A65.
const SAVINGS: Record<string, string> = { low: 'A61', medium: 'A62', high: 'A63', very_high: 'A64', none: 'A65' };
const PROPERTY: Record<string, string> = { real_estate: 'A121', savings_insurance: 'A122', vehicle: 'A123', none: 'A124' };
const INSTALLMENT_PLANS: Record<string, string> = { bank: 'A141', stores: 'A142', none: 'A143' };
const HOUSING: Record<string, string> = { rent: 'A151', own: 'A152', free: 'A153' };
const JOB: Record<string, string> = { none: 'A171', unskilled: 'A172', skilled: 'A173', management: 'A174' };

/** Equal-installment (annuity) payment, rounded to the nearest minor unit. */
export function annuityInstallmentMinor(principalMinor: number, annualRate: number, months: number): number {
  const r = annualRate / 12;
  if (r === 0) return Math.round(principalMinor / months);
  return Math.round((principalMinor * r) / (1 - (1 + r) ** -months));
}

/** Years in the current job as the data's employment_since codes; no job at all is "unemployed" (A71). */
function employmentSince(status: string, years: number): string {
  if (status === 'unemployed' || status === 'student') return 'A71';
  if (years < 1) return 'A72';
  if (years < 4) return 'A73';
  if (years < 7) return 'A74';
  return 'A75';
}

/**
 * Installment as a share of income, coded 1–4 as in the data. The codebook only says "in percentage of disposable
 * income"; we read a higher code as a heavier burden (1: < 20 %, 2: 20–25 %, 3: 25–35 %, 4: ≥ 35 %), which is the
 * order in which the data's bad rates rise. (Grömping 2019 reads the codes the other way round; under that reading the
 * data would say that a lighter burden is riskier.)
 */
function installmentRateCode(share: number | null): number {
  if (share === null) return 4;
  if (share < 0.2) return 1;
  if (share < 0.25) return 2;
  if (share < 0.35) return 3;
  return 4;
}

/** Credits including the one applied for, coded as in the data: 1 (one), 2 (2–3), 3 (4–5), 4 (6 or more). */
function existingCreditsCode(credits: number): number {
  if (credits <= 1) return 1;
  if (credits <= 3) return 2;
  if (credits <= 5) return 3;
  return 4;
}

/** Years at the present address, coded as in the data: 1 (< 1 year), 2 (1–4), 3 (4–7), 4 (≥ 7). */
function residenceSinceCode(years: number): number {
  if (years < 1) return 1;
  if (years < 4) return 2;
  if (years < 7) return 3;
  return 4;
}

export function mapFeatures(input: FeatureInput, bureau: BureauFeatures, settings: MappingSettings = DEFAULT_MAPPING_SETTINGS): MappedFeatures {
  const ageYears = ageOn(input.dateOfBirth, input.assessedOn);
  const installment = annuityInstallmentMinor(input.amountMinor, settings.affordabilityAnnualRate, input.termMonths);
  const income = input.employment.monthlyIncome.minor;
  const declaredDebt = input.finances.monthlyDebtPayments.minor;
  // The larger of what the applicant declared and what the bureau knows: neither source alone is complete.
  const existingDebt = Math.max(declaredDebt, bureau.monthlyDebtPaymentsMinor);
  const installmentShare = income > 0 ? installment / income : null;
  const debtToIncome = income > 0 ? (existingDebt + installment) / income : null;

  const row: FeatureRow = {
    checking_status: CHECKING[input.finances.checkingAccount] ?? null,
    duration_months: input.termMonths,
    credit_history: germanCreditHistoryCode(bureau.creditHistory),
    purpose: PURPOSE[input.purpose] ?? 'A410',
    credit_amount: Math.round(input.amountMinor / settings.minorUnitsPerTrainingUnit),
    savings: SAVINGS[input.finances.savings] ?? null,
    employment_since: employmentSince(input.employment.status, input.employment.yearsInCurrentJob),
    installment_rate_pct: installmentRateCode(installmentShare),
    other_debtors: input.guarantor === null ? 'A101' : input.guarantor.type === 'co_applicant' ? 'A102' : 'A103',
    residence_since: residenceSinceCode(input.yearsAtAddress),
    property: PROPERTY[input.finances.assets] ?? null,
    age_years: ageYears,
    other_installment_plans: INSTALLMENT_PLANS[input.finances.otherInstallmentPlans] ?? null,
    housing: HOUSING[input.household.housing] ?? null,
    existing_credits: existingCreditsCode(1 + Math.max(bureau.existingCredits, input.finances.existingLoansWithUs)),
    // Self-employed applicants belong to the data's "management / self-employed / highly qualified" class.
    job: input.employment.status === 'self_employed' ? 'A174' : (JOB[input.employment.occupation] ?? null),
    // People the applicant maintains, coded 1 (0–2) or 2 (3 or more).
    num_dependents: input.household.dependents >= 3 ? 2 : 1,
    telephone: input.hasPhone ? 'A192' : 'A191',
    debt_to_income: debtToIncome === null ? null : round4(debtToIncome),
    age_at_maturity: round4(ageYears + input.termMonths / 12),
  };

  return {
    row,
    derived: {
      ageYears,
      ageAtMaturityYears: round4(ageYears + input.termMonths / 12),
      estimatedInstallmentMinor: installment,
      debtToIncomeAfterLoan: debtToIncome === null ? null : round4(debtToIncome),
      installmentShareOfIncome: installmentShare === null ? null : round4(installmentShare),
    },
  };
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
