// The decision on an application: what the policy concluded from the assessment, stored on the application and shown
// in its view (API.md `decision`). Review outcomes replace `outcome` once the last level has decided.

import type { DeclineHint } from './counterfactual';

export type DecisionOutcome = 'APPROVED' | 'DECLINED' | 'REVIEW';

export interface DecisionReason {
  /** A knock-out rule (e.g. `KO_CURRENT_DEFAULT`), a scorecard reason code (RC01…) or `REVIEW_REJECTED`. */
  code: string;
  /** In the applicant's language. */
  description: string;
}

export interface Decision {
  outcome: DecisionOutcome;
  /** The policy's own band for the score (its bands are versioned with it). */
  band: 'A' | 'B' | 'C' | 'D';
  score: number;
  /** Review levels required (0 for an automatic decision). */
  levelsRequired: number;
  /** Annual rate offered if approved, as a decimal string such as "8.5"; null when declined. */
  annualRatePercent: string | null;
  /** Ids of the policy rules that matched, for the audit trail and the reviewer. */
  matchedRules: string[];
  /** Up to four, for a decline; empty otherwise. */
  reasons: DecisionReason[];
  policyVersion: number;
  modelVersion: string;
  decidedAt: string;
  /** `policy` for automatic outcomes, `review` once reviewers decided. */
  decidedBy: 'policy' | 'review';
  /** For an automatic decline: the smallest changes that would have qualified (counterfactual.ts), when any would. */
  hint?: DeclineHint;
}
