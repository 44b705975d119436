// The fairness section of the training report: for each protected attribute the data has, the approval rate at the
// shipped cut-off, the mean PD and the observed bad rate by group, and the disparate-impact ratio (a group's approval
// rate over the most-approved group's) against the four-fifths rule. The protected attributes are read here only to
// group the rows; the section also checks that none of them is a model input.
//
// Which columns are protected is recognised by name: the German data's `personal_status_sex` (sex derived from the
// codebook: A91, A93, A94 male; A92, A95 female) and `foreign_worker` (A201 yes, A202 no), a lender's own `sex` or
// `gender` column (its levels as they are), and an age column (`age`, `age_years`) in bands.

import type { Dataset, Scored, TrainingSettings } from './train';
import type { ScorecardModel } from '../../functions/core/assessment/scorecard/types';
import { categoricalValue, roundTo } from '../../functions/core/assessment/scorecard/values';

export interface FairnessGroup {
  group: string;
  rows: number;
  approved: number;
  approvalRate: number;
  /** Mean calibrated P(bad) and mean P(bad) on the sample scale (the scale of the observed bad rate). */
  meanPd: number;
  meanPdSample: number;
  badRate: number;
  /** Approval rate ÷ the highest group approval rate of this attribute. */
  disparateImpact: number;
}

export interface FairnessAttribute {
  attribute: 'sex' | 'age band' | 'foreign worker';
  column: string;
  /** Whether the column is absent from the model's inputs (as it must be). */
  excludedFromInputs: boolean;
  groups: FairnessGroup[];
  lowestDisparateImpact: number;
  /** true when every group's ratio is at least 0.8. */
  fourFifthsRule: boolean;
}

export interface FairnessReport {
  scope: string;
  cutoffScore: number;
  approvalRate: number;
  attributes: FairnessAttribute[];
  /** Protected columns the model uses as inputs (empty when all are excluded). */
  protectedInputs: string[];
}

const GERMAN_SEX: Record<string, string> = { A91: 'male', A92: 'female', A93: 'male', A94: 'male', A95: 'female' };
const GERMAN_FOREIGN: Record<string, string> = { A201: 'yes', A202: 'no' };
export const AGE_BANDS = [
  { label: 'under 25', below: 25 },
  { label: '25–34', below: 35 },
  { label: '35–49', below: 50 },
  { label: '50 and over', below: Number.POSITIVE_INFINITY },
];

interface Grouping {
  attribute: FairnessAttribute['attribute'];
  column: string;
  groupOf: (value: string | undefined) => string | null;
  order: string[];
}

/** The protected attributes this data has, and how each row's group is read. */
export function protectedGroupings(columns: readonly string[]): Grouping[] {
  const out: Grouping[] = [];
  for (const column of columns) {
    const name = column.toLowerCase();
    if (name === 'personal_status_sex') {
      out.push({ attribute: 'sex', column, groupOf: (v) => GERMAN_SEX[categoricalValue(v) ?? ''] ?? null, order: ['female', 'male'] });
    } else if (name === 'sex' || name === 'gender') {
      out.push({ attribute: 'sex', column, groupOf: (v) => categoricalValue(v), order: [] });
    } else if (name === 'age' || name === 'age_years') {
      out.push({
        attribute: 'age band',
        column,
        groupOf: (v) => {
          const age = Number(categoricalValue(v) ?? Number.NaN);
          return Number.isFinite(age) ? (AGE_BANDS.find((band) => age < band.below) as (typeof AGE_BANDS)[number]).label : null;
        },
        order: AGE_BANDS.map((band) => band.label),
      });
    } else if (name === 'foreign_worker') {
      out.push({ attribute: 'foreign worker', column, groupOf: (v) => GERMAN_FOREIGN[categoricalValue(v) ?? ''] ?? null, order: ['yes', 'no'] });
    }
  }
  return out;
}

/** `scored` holds every row of `data`, in order, scored by the shipped model. */
export function fairnessReport(data: Dataset, bad: Uint8Array, scored: Scored, model: ScorecardModel, settings: TrainingSettings): FairnessReport {
  const inputs = new Set(model.features.map((f) => f.name));
  const cutoff = model.cutoff.score;
  const approvedRow = scored.score.map((s) => s >= cutoff);
  const attributes: FairnessAttribute[] = protectedGroupings(data.columns).map((grouping) => {
    const at = data.columns.indexOf(grouping.column);
    const members = new Map<string, number[]>();
    data.rows.forEach((row, i) => {
      const group = grouping.groupOf(row[at]);
      if (group === null) return;
      let list = members.get(group);
      if (!list) members.set(group, (list = []));
      list.push(i);
    });
    const names = [...members.keys()].sort((a, b) => {
      const ia = grouping.order.indexOf(a);
      const ib = grouping.order.indexOf(b);
      return ia >= 0 && ib >= 0 ? ia - ib : ia >= 0 ? -1 : ib >= 0 ? 1 : a < b ? -1 : a > b ? 1 : 0;
    });
    const raw = names.map((group) => {
      const rows = members.get(group) as number[];
      const approved = rows.filter((i) => approvedRow[i]).length;
      const sum = (values: readonly number[]) => rows.reduce((s, i) => s + (values[i] as number), 0);
      return {
        group,
        rows: rows.length,
        approved,
        approvalRate: approved / rows.length,
        meanPd: sum(scored.pd) / rows.length,
        meanPdSample: sum(scored.pdSample) / rows.length,
        badRate: rows.reduce((s, i) => s + (bad[i] as number), 0) / rows.length,
      };
    });
    const highest = Math.max(...raw.map((g) => g.approvalRate));
    const groups = raw.map((g) => ({
      group: g.group,
      rows: g.rows,
      approved: g.approved,
      approvalRate: roundTo(g.approvalRate, 4),
      meanPd: roundTo(g.meanPd, 4),
      meanPdSample: roundTo(g.meanPdSample, 4),
      badRate: roundTo(g.badRate, 4),
      disparateImpact: roundTo(highest === 0 ? 1 : g.approvalRate / highest, 4),
    }));
    const lowest = Math.min(...groups.map((g) => g.disparateImpact));
    return {
      attribute: grouping.attribute,
      column: grouping.column,
      excludedFromInputs: !inputs.has(grouping.column) && settings.exclude.includes(grouping.column),
      groups,
      lowestDisparateImpact: lowest,
      fourFifthsRule: lowest >= 0.8,
    };
  });
  const approved = approvedRow.filter(Boolean).length;
  return {
    scope: 'the shipped model on all training rows, accepted when score ≥ the cut-off',
    cutoffScore: cutoff,
    approvalRate: roundTo(approved / approvedRow.length, 4),
    attributes,
    protectedInputs: attributes.filter((a) => inputs.has(a.column)).map((a) => a.column),
  };
}
