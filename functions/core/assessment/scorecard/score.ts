// Scoring one applicant with a scorecard artifact. The model is compiled once into lookups (cut points for numeric
// features, a level → bin map for categorical ones, each bin's points, its loss against the feature's best bin and its
// reason text), so scoring a row is one lookup per feature plus a sort of at most a few reason candidates.
//
// score = clip(basePoints + Σ bin points, min, max). Both PDs come from the unclipped sum, so they are exactly the
// odds the points stand for: pd = P(bad) at the lender's expected bad rate, pdSample = the same before the prior
// correction (the scale of the development sample, where the cut-off was chosen).

import { pickReasons, reasonEntry, reasonText, type ReasonCode, type ReasonSide } from './reasons';
import { clipScore, logOddsOfScore, pdOfLogOdds } from './scaling';
import type { ModelBin, ModelFeature, NumericBin, ScorecardModel, ScoringRow } from './types';
import { binIndex, categoricalValue, numericValue } from './values';

// Bound once: inside a sandbox such as Jest's vm context every global lookup (Math.exp …) is slow in a hot loop.
const isNaN = Number.isNaN;

export interface ScoreResult {
  /** Integer on the calibrated scale, 300–850. */
  score: number;
  /** P(bad) at the lender's expected bad rate. */
  pd: number;
  /** P(bad) on the development sample's scale (its bad rate). */
  pdSample: number;
  /** Points of the applicant's bin, per feature (they add up with model.basePoints to the unclipped score). */
  points: Record<string, number>;
  /** The model bin (its `id`) the applicant fell in, per feature: the live input distribution (stability.ts). */
  bins: Record<string, number>;
  reasons: ReasonCode[];
}

interface CompiledBin {
  /** The model bin's id. */
  id: number;
  points: number;
  pointsLost: number;
  code: string;
  en: string;
  zhCN: string;
}

interface CompiledFeature {
  name: string;
  numeric: boolean;
  /** Numeric: lower bounds of the present-value bins after the first. */
  cuts: number[];
  /** Categorical: level → position in `bins` (one compiled bin per level). */
  levels: Map<string, number>;
  /** Numeric: present-value bins by position; categorical: one per level. */
  bins: CompiledBin[];
  missing: CompiledBin;
}

export interface CompiledScorecard {
  readonly model: ScorecardModel;
  readonly features: readonly CompiledFeature[];
}

const isMissingBin = (bin: ModelBin): boolean => 'missing' in bin && bin.missing === true;

function compileFeature(feature: ModelFeature): CompiledFeature {
  const present = feature.bins.filter((bin) => !isMissingBin(bin));
  const missingBins = feature.bins.filter(isMissingBin);
  if (missingBins.length !== 1) throw new Error(`feature ${feature.name} must have exactly one missing bin`);
  const missingBin = missingBins[0] as ModelBin;
  const all = [...present, missingBin];
  let best = 0;
  for (let i = 1; i < all.length; i++) if ((all[i] as ModelBin).points > (all[best] as ModelBin).points) best = i;
  const bestPoints = (all[best] as ModelBin).points;
  const entry = reasonEntry(feature.name);
  // Every level of a present bin with the best points (ties share the top).
  const bestLevels = feature.type === 'categorical' ? present.filter((bin) => bin.points === bestPoints).flatMap((bin) => (bin as { values: string[] }).values) : [];
  const compile = (bin: ModelBin, position: number, level?: string): CompiledBin => {
    const pointsLost = bestPoints - bin.points;
    let side: ReasonSide;
    if (isMissingBin(bin)) side = { kind: 'missing' };
    else if (feature.type === 'numeric') side = best < present.length ? { kind: position > best ? 'high' : 'low' } : { kind: 'none' };
    else side = { kind: 'level', level: level as string, bestLevels };
    // A bin that loses nothing, or about which nothing true can be said against the best bin, gives no reason.
    const text = pointsLost > 0 ? reasonText(entry, side) : null;
    return { id: bin.id, points: bin.points, pointsLost: text ? pointsLost : 0, code: entry.code, en: text?.en ?? '', zhCN: text?.zhCN ?? '' };
  };
  const cuts: number[] = [];
  const levels = new Map<string, number>();
  if (feature.type === 'numeric') {
    const numeric = present as NumericBin[];
    numeric.forEach((bin, i) => {
      const expectedLower = i === 0 ? null : (numeric[i - 1] as NumericBin).upper;
      const lastUpper = i === numeric.length - 1 ? null : bin.upper;
      if (bin.lower !== expectedLower || bin.upper !== lastUpper || (bin.lower !== null && bin.upper !== null && bin.lower >= bin.upper)) {
        throw new Error(`feature ${feature.name}: numeric bins must be contiguous from −∞ to ∞`);
      }
      if (i > 0) cuts.push(bin.lower as number);
    });
    return { name: feature.name, numeric: true, cuts, levels, bins: present.map((bin, i) => compile(bin, i)), missing: compile(missingBin, present.length) };
  }
  // Categorical: one compiled bin per level, so that the reason describes the applicant's own level.
  const bins: CompiledBin[] = [];
  present.forEach((bin, i) => {
    for (const value of (bin as { values: string[] }).values) {
      if (levels.has(value)) throw new Error(`feature ${feature.name}: level ${value} is in two bins`);
      levels.set(value, bins.length);
      bins.push(compile(bin, i, value));
    }
  });
  return { name: feature.name, numeric: false, cuts, levels, bins, missing: compile(missingBin, present.length) };
}

export function compileScorecard(model: ScorecardModel): CompiledScorecard {
  return { model, features: model.features.map(compileFeature) };
}

const compiledModels = new WeakMap<ScorecardModel, CompiledScorecard>();

function compiled(model: ScorecardModel | CompiledScorecard): CompiledScorecard {
  if ('features' in model && 'model' in model) return model;
  let found = compiledModels.get(model);
  if (!found) compiledModels.set(model, (found = compileScorecard(model)));
  return found;
}

function binOf(feature: CompiledFeature, row: ScoringRow): CompiledBin {
  const raw = row[feature.name];
  if (feature.numeric) {
    const x = numericValue(raw, feature.name);
    if (isNaN(x) || feature.bins.length === 0) return feature.missing;
    return feature.bins[binIndex(feature.cuts, x)] as CompiledBin;
  }
  const level = categoricalValue(raw);
  // A level never seen in development has no evidence either way: it scores as missing.
  const position = level === null ? undefined : feature.levels.get(level);
  return position === undefined ? feature.missing : (feature.bins[position] as CompiledBin);
}

/** Scores one row; a plain model is compiled on first use and cached. Throws on text in a numeric feature. */
export function scoreRow(scorecard: ScorecardModel | CompiledScorecard, row: ScoringRow): ScoreResult {
  const { model, features } = compiled(scorecard);
  let total = model.basePoints;
  const points: Record<string, number> = {};
  const bins: Record<string, number> = {};
  const candidates: ReasonCode[] = [];
  for (const feature of features) {
    const bin = binOf(feature, row);
    total += bin.points;
    points[feature.name] = bin.points;
    bins[feature.name] = bin.id;
    if (bin.pointsLost > 0) {
      candidates.push({ code: bin.code, feature: feature.name, pointsLost: bin.pointsLost, en: bin.en, zhCN: bin.zhCN });
    }
  }
  const logOdds = logOddsOfScore(total, model.scaling);
  return {
    score: clipScore(total, model.scaling),
    pd: pdOfLogOdds(logOdds),
    pdSample: pdOfLogOdds(logOdds - model.calibration.interceptShift),
    points,
    bins,
    reasons: pickReasons(candidates),
  };
}
