// The outcome of the Score step, stored on the application: the score on the calibrated scale, its band, the adverse
// reasons, the model version, and the derived figures the decision policy reads.

import type { MappedFeatures } from './features';
import type { ScoredAlternative } from './alternatives';

export type Band = 'A' | 'B' | 'C' | 'D';

/** Score bands of the default policy (PRODUCT.md §3): A ≥ 720, B 660–719, C 600–659, D < 600. */
export const DEFAULT_BAND_FLOORS: readonly { band: Band; minScore: number }[] = [
  { band: 'A', minScore: 720 },
  { band: 'B', minScore: 660 },
  { band: 'C', minScore: 600 },
  { band: 'D', minScore: Number.NEGATIVE_INFINITY },
];

export function bandOf(score: number, floors = DEFAULT_BAND_FLOORS): Band {
  return floors.find((floor) => score >= floor.minScore)!.band;
}

export interface AssessmentReason {
  code: string;
  feature: string;
  description: string;
  pointsLost: number;
}

export interface Assessment {
  score: number;
  band: Band;
  /** Probability of bad on the lender's expected bad-rate scale (calibrated). */
  pd: number;
  reasons: AssessmentReason[];
  modelVersion: string;
  /** The model bin of each input (feature → bin id), for drift monitoring; absent on assessments before issue 12. */
  inputBins?: Record<string, number>;
  /** The training score decile of the score (model.scoreDistribution), for drift monitoring. */
  scoreBucket?: number;
  bureau: {
    reportId: string;
    bureau: string;
    creditHistory: string;
    existingCredits: number;
    maxDaysPastDueLast24Months: number;
    currentDefault: boolean;
    fraudFlag: boolean;
    inquiriesLast6Months: number;
    /** Lines past due now and the amount past due (issue 12; absent from assessments stored before). */
    accountsInArrears?: number;
    currentArrears?: { minor: number; currency: string } | null;
    /** Balance ÷ limit of revolving lines, null without one (issue 12; absent from assessments stored before). */
    revolvingUtilisation?: number | null;
    /** The bureau's total monthly installments (null: not reported); the debt-to-income knock-out counts the larger of this and the declared figure. */
    totalMonthlyDebtPayments?: { minor: number; currency: string } | null;
  };
  derived: MappedFeatures['derived'];
  /** The same application scored with one change the applicant can make, for a decline's hint (alternatives.ts). */
  alternatives?: ScoredAlternative[];
  assessedAt: string;
  /** Milliseconds the scoring itself took (bureau excluded), for the latency figures. */
  scoringMillis: number;
}
