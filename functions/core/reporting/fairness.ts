// Fairness of the live decisions (issue 12 item 6; GET /v1/reports/fairness, role ops): the approval rate, the mean
// probability of default and the bad rate by protected group — sex and age band — and each group's disparate-impact
// ratio against the four-fifths rule (a group approved at less than 80 % of the best-approved group's rate is flagged).
//
// THE GROUPS are read at intake from what the applicant gives anyway: sex from the national ID's 17th digit (odd male,
// even female, GB 11643) and the age band from the birth date on the submission day. They are kept apart from the
// profile (`Application.protectedGroup`), which the scoring features are mapped from (features.ts): they exist to be
// monitored here, never read to decide.
//
// THE COUNTS are the report aggregates (aggregates.ts): per decision day, `fair#decided#<dimension>:<group>`,
// `fair#approved#…` and `fair#pdMicros#…` (the decided applications' PDs in millionths, summed); on the portfolio,
// `fair#loans#…` (loans disbursed) and `fair#bad#…` (loans that ever reached 90+ days past due). The bad rate is the
// portfolio's to date; approval rates and mean PD are the range's. Pure.

import type { DayCounters, ReportRepository } from './reports';

export const PROTECTED_DIMENSIONS = ['sex', 'ageBand'] as const;
export type ProtectedDimension = (typeof PROTECTED_DIMENSIONS)[number];
export const SEXES = ['female', 'male'] as const;
export const AGE_BANDS = ['18-25', '26-35', '36-45', '46-55', '56+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export interface ProtectedGroup {
  sex: (typeof SEXES)[number];
  ageBand: AgeBand;
}

/** The four-fifths rule: a group's approval rate below this share of the highest group's is adverse impact. */
export const FOUR_FIFTHS = 0.8 as const;

/** The groups of an applicant: sex from the (already checksum-validated) national ID, age on `onDay` (YYYY-MM-DD). */
export function protectedGroupOf(nationalId: string, birthDate: string, onDay: string): ProtectedGroup {
  const sexDigit = Number(nationalId.charAt(16));
  let age = Number(onDay.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (onDay.slice(5) < birthDate.slice(5)) age -= 1;
  const ageBand: AgeBand = age <= 25 ? '18-25' : age <= 35 ? '26-35' : age <= 45 ? '36-45' : age <= 55 ? '46-55' : '56+';
  return { sex: sexDigit % 2 === 1 ? 'male' : 'female', ageBand };
}

export const FAIRNESS_COUNTER = {
  decided: (group: string) => `fair#decided#${group}`,
  approved: (group: string) => `fair#approved#${group}`,
  pdMicros: (group: string) => `fair#pdMicros#${group}`,
  loans: (group: string) => `fair#loans#${group}`,
  bad: (group: string) => `fair#bad#${group}`,
} as const;

/** `sex:female`, `ageBand:26-35`: one key per dimension of the group. */
export function groupKeys(group: ProtectedGroup): string[] {
  return PROTECTED_DIMENSIONS.map((dimension) => `${dimension}:${group[dimension]}`);
}

/** The counters one decision moves for the applicant's groups. */
export function decisionFairnessCounters(group: ProtectedGroup, approved: boolean, pd: number | undefined): Record<string, number> {
  const add: Record<string, number> = {};
  for (const key of groupKeys(group)) {
    add[FAIRNESS_COUNTER.decided(key)] = 1;
    if (approved) add[FAIRNESS_COUNTER.approved(key)] = 1;
    if (pd !== undefined && Number.isFinite(pd)) add[FAIRNESS_COUNTER.pdMicros(key)] = Math.round(pd * 1_000_000);
  }
  return add;
}

export interface GroupFigures {
  group: string;
  decided: number;
  approved: number;
  approvalRate: number | null;
  meanPd: number | null;
  loans: number;
  bad: number;
  badRate: number | null;
  /** This group's approval rate over the highest group's (null when either is unknown). */
  disparateImpact: number | null;
  /** Below the four-fifths rule. */
  adverseImpact: boolean;
}

export interface FairnessReport {
  from: string;
  to: string;
  fourFifths: typeof FOUR_FIFTHS;
  groups: Record<ProtectedDimension, GroupFigures[]>;
}

const ratio = (part: number, whole: number, decimals = 4) => (whole > 0 ? Math.round((part / whole) * 10 ** decimals) / 10 ** decimals : null);

/** The report from the range's day counters and the portfolio's. */
export function buildFairnessReport(input: { from: string; to: string; days: readonly DayCounters[]; portfolioNow: Record<string, number> }): FairnessReport {
  const inRange = input.days.filter((d) => d.day >= input.from && d.day <= input.to);
  const total = (name: string) => inRange.reduce((sum, d) => sum + (d.counters[name] ?? 0), 0);
  const groups = {} as Record<ProtectedDimension, GroupFigures[]>;
  for (const dimension of PROTECTED_DIMENSIONS) {
    const values: readonly string[] = dimension === 'sex' ? SEXES : AGE_BANDS;
    const figures = values.map((value) => {
      const key = `${dimension}:${value}`;
      const decided = total(FAIRNESS_COUNTER.decided(key));
      const approved = total(FAIRNESS_COUNTER.approved(key));
      const loans = input.portfolioNow[FAIRNESS_COUNTER.loans(key)] ?? 0;
      const bad = input.portfolioNow[FAIRNESS_COUNTER.bad(key)] ?? 0;
      return {
        group: value,
        decided,
        approved,
        approvalRate: ratio(approved, decided),
        meanPd: decided > 0 ? Math.round(total(FAIRNESS_COUNTER.pdMicros(key)) / decided) / 1_000_000 : null,
        loans,
        bad,
        badRate: ratio(bad, loans),
      };
    });
    const best = Math.max(0, ...figures.map((f) => f.approvalRate ?? 0));
    groups[dimension] = figures.map((f) => {
      const impact = f.approvalRate === null || best === 0 ? null : Math.round((f.approvalRate / best) * 10_000) / 10_000;
      return { ...f, disparateImpact: impact, adverseImpact: impact !== null && impact < FOUR_FIFTHS };
    });
  }
  return { from: input.from, to: input.to, fourFifths: FOUR_FIFTHS, groups };
}

/** GET /v1/reports/fairness: the range's decisions and the portfolio's loans, by group. */
export async function fairnessReport(deps: { reports: ReportRepository }, range: { from: string; to: string }): Promise<FairnessReport> {
  const [days, portfolioNow] = await Promise.all([deps.reports.dayCounters(range.from, range.to), deps.reports.portfolioNow()]);
  return buildFairnessReport({ ...range, days, portfolioNow });
}
