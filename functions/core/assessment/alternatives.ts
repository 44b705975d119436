// What-if scores for a decline's counterfactual hint (issue 12 item 5): the same application scored again with one
// thing changed that the applicant can change — a longer term, a smaller amount, lower monthly debts — by the same
// mapping and model as the real score. The decision step runs the policy on each and tells a declined applicant the
// smallest change that would have qualified (decisioning/counterfactual.ts). Pure.

import { mapFeatures, type BureauFeatures, type FeatureInput, type MappedFeatures } from './features';
import type { Scorer } from './scoring';

export interface ScoredAlternative {
  /** What was changed, one thing at a time. */
  change: { termMonths: number } | { amountMinor: number } | { monthlyDebtPaymentsMinor: number };
  amountMinor: number;
  termMonths: number;
  score: number;
  ageAtMaturityYears: number;
  debtToIncomeAfterLoan: number | null;
}

const LONGER_TERMS = [6, 9, 12, 18, 24, 36, 48, 60] as const;
const SMALLER_AMOUNT_SHARES = [0.9, 0.75, 0.6, 0.5, 0.4, 0.25] as const;
const LOWER_DEBT_SHARES = [0.75, 0.5, 0.25, 0] as const;

/** The alternatives of one application, scored; `roundTo` is the amount step (100 of the currency's units). */
export function scoreAlternatives(input: FeatureInput, bureau: BureauFeatures, scorer: Scorer, roundTo: number): ScoredAlternative[] {
  const scored = (change: ScoredAlternative['change'], changed: FeatureInput): ScoredAlternative => {
    const mapped: MappedFeatures = mapFeatures(changed, bureau);
    return {
      change,
      amountMinor: changed.amountMinor,
      termMonths: changed.termMonths,
      score: scorer.score(mapped.row).score,
      ageAtMaturityYears: mapped.derived.ageAtMaturityYears,
      debtToIncomeAfterLoan: mapped.derived.debtToIncomeAfterLoan,
    };
  };
  const alternatives: ScoredAlternative[] = [];
  for (const termMonths of LONGER_TERMS.filter((term) => term > input.termMonths)) alternatives.push(scored({ termMonths }, { ...input, termMonths }));
  const amounts = [...new Set(SMALLER_AMOUNT_SHARES.map((share) => Math.floor((input.amountMinor * share) / roundTo) * roundTo))].filter((a) => a > 0 && a < input.amountMinor);
  for (const amountMinor of amounts) alternatives.push(scored({ amountMinor }, { ...input, amountMinor }));
  const debt = input.finances.monthlyDebtPayments.minor;
  if (debt > 0) {
    for (const share of LOWER_DEBT_SHARES) {
      const monthlyDebtPaymentsMinor = Math.floor((debt * share) / roundTo) * roundTo;
      if (monthlyDebtPaymentsMinor >= debt) continue;
      alternatives.push(scored({ monthlyDebtPaymentsMinor }, { ...input, finances: { ...input.finances, monthlyDebtPayments: { ...input.finances.monthlyDebtPayments, minor: monthlyDebtPaymentsMinor } } }));
    }
  }
  return alternatives;
}
