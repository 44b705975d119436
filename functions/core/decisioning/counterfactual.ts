// The counterfactual hint of a decline (issue 12 item 5): "with a 24-month term, or with monthly debts of at most
// 2,000.00 CNY, this application would qualify". Computed, never guessed: each option is one of the application's
// what-if scores (assessment/alternatives.ts) that the same policy version does not decline. Only changes the
// applicant can make are offered; a decline no such change removes (a fraud flag, a default, age) gets no hint.
// Pure.

import type { ScoredAlternative } from '../assessment/alternatives';
import { fromMinor, groupDigits } from '../kernel/money';
import { evaluatePolicy, type Policy, type PolicyFacts } from './policy';

export interface DeclineHint {
  /** At most one option per kind of change, the smallest change of its kind that qualifies. */
  options: ({ termMonths: number } | { amountMinor: number } | { monthlyDebtPaymentsMinor: number })[];
  text: Record<'zh-CN' | 'en', string>;
}

const kindOf = (change: ScoredAlternative['change']) => Object.keys(change)[0] as 'termMonths' | 'amountMinor' | 'monthlyDebtPaymentsMinor';

/** The hint for a declined application's facts, or undefined when no alternative would have qualified. */
export function declineHint(policy: Policy, facts: PolicyFacts, alternatives: readonly ScoredAlternative[] | undefined): DeclineHint | undefined {
  if (!alternatives || alternatives.length === 0) return undefined;
  const qualifying = alternatives.filter((alternative) => {
    const outcome = evaluatePolicy(policy, {
      ...facts,
      score: alternative.score,
      amountMinor: alternative.amountMinor,
      termMonths: alternative.termMonths,
      ageAtMaturityYears: alternative.ageAtMaturityYears,
      debtToIncomeAfterLoan: alternative.debtToIncomeAfterLoan,
    }).outcome;
    return outcome !== 'DECLINED';
  });
  // The smallest change of each kind: the shortest longer term, the largest smaller amount, the highest lower debts.
  const best = new Map<string, ScoredAlternative>();
  for (const alternative of qualifying) {
    const kind = kindOf(alternative.change);
    const current = best.get(kind);
    const better =
      !current ||
      (kind === 'termMonths' && alternative.termMonths < current.termMonths) ||
      (kind === 'amountMinor' && alternative.amountMinor > current.amountMinor) ||
      (kind === 'monthlyDebtPaymentsMinor' && (alternative.change as { monthlyDebtPaymentsMinor: number }).monthlyDebtPaymentsMinor > (current.change as { monthlyDebtPaymentsMinor: number }).monthlyDebtPaymentsMinor);
    if (better) best.set(kind, alternative);
  }
  if (best.size === 0) return undefined;
  const options = (['termMonths', 'amountMinor', 'monthlyDebtPaymentsMinor'] as const).flatMap((kind) => (best.has(kind) ? [best.get(kind)!.change] : []));
  const money = (minor: number) => {
    const { amount, currency } = fromMinor({ minor, currency: facts.currency });
    return `${groupDigits(amount)} ${currency}`;
  };
  const en = options.map((option) =>
    'termMonths' in option ? `a ${option.termMonths}-month term` : 'amountMinor' in option ? `an amount of ${money(option.amountMinor)}` : `monthly debt payments of at most ${money(option.monthlyDebtPaymentsMinor)}`,
  );
  const zh = options.map((option) =>
    'termMonths' in option ? `期限改为 ${option.termMonths} 个月` : 'amountMinor' in option ? `金额改为 ${money(option.amountMinor)}` : `每月还款负债不超过 ${money(option.monthlyDebtPaymentsMinor)}`,
  );
  return {
    options,
    text: {
      en: `With ${en.join(', or with ')}, this application would qualify under the same policy (approved, or passed to a reviewer).`,
      'zh-CN': `若${zh.join('，或')}，按同一政策本申请即可获批或进入审核。`,
    },
  };
}
