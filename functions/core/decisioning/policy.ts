// The decision policy (PRODUCT.md §2.4 and §3): a versioned document of knock-out rules, bureau history rules (issue
// 12), score bands, auto-approve rules, review routing by amount and customer type, risk-based pricing, the offer's validity and the review SLA.
// The zod schema below is the single source of its type and of its validation messages; `evaluatePolicy` turns an
// assessed application into an outcome. Pure: no I/O, no clock. Versions are assigned by the PolicyRepository, and an
// old version is never edited, so every decision can name the exact rules it was made under.
//
// Not a rule here: "an open application already exists" is a knock-out of PRODUCT.md §3 too, but intake refuses such
// an application with 409 before it is ever scored, so the policy never sees one.

import { z } from 'zod';
import { moneySchema } from '../applications/application-schema';
import { boundedDecimal } from '../kernel/number-schemas';
import type { Band } from '../assessment/assessment';
import type { DecisionOutcome, DecisionReason } from './decision';
import type { FieldProblem } from '../kernel/errors';
import { decimalProblem, toMinor, type Money } from '../kernel/money';
import { DEFAULT_EARLY_WARNING } from '../servicing/overdue';
import { CUSTOMER_TYPES, type CustomerType } from '../applications/products';

export const BANDS = ['A', 'B', 'C', 'D'] as const satisfies readonly Band[];
/** The scorecard's scale (PRODUCT.md §2.3): every score lies in it, so the bands must cover it. */
export const SCORE_MIN = 300;
export const SCORE_MAX = 850;
/** Review levels a policy may ask for (reviewers have levels 1–3). */
export const MAX_REVIEW_LEVELS = 3;

export const KNOCK_OUT_IDS = [
  'KO_AGE_UNDER_MIN',
  'KO_AGE_AT_MATURITY',
  'KO_DEBT_TO_INCOME',
  'KO_CURRENT_DEFAULT',
  'KO_FRAUD_FLAG',
  'KO_PRODUCT_BOUNDS',
] as const;
export type KnockOutId = (typeof KNOCK_OUT_IDS)[number];

/**
 * What a bureau rule may read from the bureau report (functions/core/assessment/bureau.ts), each by the report's own
 * field name: the worst days past due in 24 months, lines past due now (current arrears), hard inquiries in 6 months,
 * open credit lines, and revolving utilisation (a ratio). Monthly obligations are not here: they enter the
 * debt-to-income knock-out (the larger of the declared and the bureau's figure, features.ts).
 */
export const BUREAU_FACTS = ['maxDaysPastDueLast24Months', 'accountsInArrears', 'inquiriesLast6Months', 'existingCredits', 'revolvingUtilisation'] as const;
export type BureauFact = (typeof BUREAU_FACTS)[number];
export const BUREAU_RULE_ACTIONS = ['DECLINE', 'REVIEW'] as const;

/**
 * What a statement rule may read from the bank statement's figures (functions/core/assessment/statement.ts):
 * verifiedIncomeShare — the verified monthly inflow over the declared monthly income (the rule fires at or below
 * `atMost`); gamblingShareOfInflow and otherLendersShareOfInflow — a month's gambling or payments to other lenders over
 * the verified monthly inflow; returnedPayments; daysAtLowBalance (these fire at or above `atLeast`). An application
 * without a statement has none of them, and no statement rule fires for it.
 */
export const STATEMENT_FACTS = ['verifiedIncomeShare', 'gamblingShareOfInflow', 'otherLendersShareOfInflow', 'returnedPayments', 'daysAtLowBalance'] as const;
export type StatementFact = (typeof STATEMENT_FACTS)[number];

/** At most this many reasons are given to a declined applicant (PRODUCT.md §2.3, §2.12). */
export const MAX_DECLINE_REASONS = 4;

// ---------------------------------------------------------------------------------------------------------------
// The schema
// ---------------------------------------------------------------------------------------------------------------

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const wholeNumber = (min: number, max: number) =>
  z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const bandSchema = z.enum(BANDS);

/** Shown to the applicant and the reviewer, so in both languages of the product. */
const localizedText = z.strictObject({ en: text(300), 'zh-CN': text(300) });

const ruleId = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'must be 2–64 capital letters, digits or _, starting with a letter, such as AUTO_APPROVE_A');

const ratePercent = z
  .string({ error: 'must be a decimal string such as "8.5", not a number' })
  .regex(/^(?:(?:0|[1-9]\d?)(?:\.\d{1,4})?|100(?:\.0{1,4})?)$/, 'must be a percentage from 0 to 100 as a decimal string such as "8.5"');

const knockOutCommon = {
  /** false keeps the rule in the document (and in the next versions) without applying it. */
  enabled: z.boolean().default(true),
  description: localizedText,
};

export const knockOutSchema = z.discriminatedUnion(
  'id',
  [
    z.strictObject({ id: z.literal('KO_AGE_UNDER_MIN'), ...knockOutCommon, minAge: wholeNumber(0, 100) }),
    z.strictObject({
      id: z.literal('KO_AGE_AT_MATURITY'),
      ...knockOutCommon,
      maxAgeAtMaturity: boundedDecimal({ min: 18, max: 120, decimals: 2 }),
    }),
    z.strictObject({
      id: z.literal('KO_DEBT_TO_INCOME'),
      ...knockOutCommon,
      /** Monthly debt payments including this loan's installment ÷ monthly income; no income counts as above it. */
      maxDebtToIncome: boundedDecimal({ min: 0, minExclusive: true, max: 5, decimals: 4 }),
    }),
    z.strictObject({ id: z.literal('KO_CURRENT_DEFAULT'), ...knockOutCommon }),
    z.strictObject({ id: z.literal('KO_FRAUD_FLAG'), ...knockOutCommon }),
    z.strictObject({ id: z.literal('KO_PRODUCT_BOUNDS'), ...knockOutCommon }),
  ],
  { error: `must be one of ${KNOCK_OUT_IDS.join(', ')}` },
);

const bureauRuleCommon = {
  /** The rule's id, chosen by the lender; it is the reason code a decision gives (unique across the policy). */
  id: ruleId,
  enabled: z.boolean().default(true),
  /** DECLINE declines as a knock-out does; REVIEW sends the application to review instead of auto-approving it. */
  action: z.enum(BUREAU_RULE_ACTIONS, { error: 'must be DECLINE or REVIEW' }),
  /** The reason given, in both languages. */
  description: localizedText,
};
const countAtLeast = (max: number) => wholeNumber(1, max);

/** A bureau history rule: it fires when the report's `fact` is at least `atLeast` (a fact the report lacks never fires). */
export const bureauRuleSchema = z.discriminatedUnion(
  'fact',
  [
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('maxDaysPastDueLast24Months'), atLeast: countAtLeast(730) }),
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('accountsInArrears'), atLeast: countAtLeast(100) }),
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('inquiriesLast6Months'), atLeast: countAtLeast(100) }),
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('existingCredits'), atLeast: countAtLeast(100) }),
    /** A ratio: 0.9 is 90 % of the revolving limits used. */
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('revolvingUtilisation'), atLeast: boundedDecimal({ min: 0, minExclusive: true, max: 10, decimals: 4 }) }),
  ],
  { error: `must be one of ${BUREAU_FACTS.join(', ')}` },
);

const share = boundedDecimal({ min: 0, minExclusive: true, max: 10, decimals: 4 });

/** A bank statement rule (issue 12): it fires when the statement's `fact` is at most `atMost` or at least `atLeast`. */
export const statementRuleSchema = z.discriminatedUnion(
  'fact',
  [
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('verifiedIncomeShare'), atMost: share }),
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('gamblingShareOfInflow'), atLeast: share }),
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('otherLendersShareOfInflow'), atLeast: share }),
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('returnedPayments'), atLeast: countAtLeast(1000) }),
    z.strictObject({ ...bureauRuleCommon, fact: z.literal('daysAtLowBalance'), atLeast: countAtLeast(400) }),
  ],
  { error: `must be one of ${STATEMENT_FACTS.join(', ')}` },
);

/**
 * Refinements below read their value defensively and run even when a part of it is invalid (`whenPresent`), so a
 * body gets every problem at once rather than one layer at a time.
 */
const whenPresent = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };
/** The same for a list's refinements: a body may send an object (or anything) where the list belongs. */
const whenList = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined);

const knockOutsSchema = z.array(knockOutSchema).superRefine((rules: unknown[], ctx) => {
  const seen = new Set<unknown>();
  rules.forEach((rule, index) => {
    const id = field(rule, 'id');
    if (typeof id !== 'string') return;
    if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `lists ${id} a second time` });
    seen.add(id);
  });
  for (const id of KNOCK_OUT_IDS) {
    if (!seen.has(id)) ctx.addIssue({ code: 'custom', message: `must include ${id} (set "enabled": false to turn it off)` });
  }
}, whenList);

const bandsSchema = z
  .array(z.strictObject({ band: bandSchema, minScore: wholeNumber(SCORE_MIN, SCORE_MAX) }))
  .min(1, 'must list at least one band')
  .max(BANDS.length, `must list at most ${BANDS.length} bands`)
  .superRefine((bands: unknown[], ctx) => {
    const seen = new Set<unknown>();
    let previous: { band: unknown; minScore: number } | undefined;
    bands.forEach((entry, index) => {
      const band = field(entry, 'band');
      const minScore = field(entry, 'minScore');
      if (typeof band === 'string') {
        if (seen.has(band)) ctx.addIssue({ code: 'custom', path: [index, 'band'], message: `lists band ${band} a second time` });
        seen.add(band);
      }
      if (!isNumber(minScore)) return;
      if (previous && minScore >= previous.minScore) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'minScore'],
          message: `must be below the minScore of the band before it (${String(previous.band)}: ${previous.minScore}): list bands from the highest score down`,
        });
      }
      previous = { band, minScore };
    });
    const lastScore = field(bands[bands.length - 1], 'minScore');
    if (isNumber(lastScore) && lastScore !== SCORE_MIN) {
      ctx.addIssue({
        code: 'custom',
        path: [bands.length - 1, 'minScore'],
        message: `must be ${SCORE_MIN}: the lowest band must start at the bottom of the score range (${SCORE_MIN}–${SCORE_MAX}) so every score has a band`,
      });
    }
  }, whenList);

const distinctBands = z.array(bandSchema).superRefine((bands: unknown[], ctx) => {
  bands.forEach((band, index) => {
    if (typeof band === 'string' && bands.indexOf(band) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `lists band ${band} a second time` });
  });
}, whenList);

export const autoApproveRuleSchema = z.strictObject({
  id: ruleId,
  /** The application's band must be one of these. */
  bands: distinctBands.min(1, 'must list at least one band'),
  /** The amount must be at most this, in the same currency (another currency never matches). */
  maxAmount: moneySchema,
  /** When given, the applicant's customer type must be one of these. */
  customerTypes: z.array(z.enum(CUSTOMER_TYPES)).min(1, 'must list at least one customer type, or be left out').optional(),
});

/** One amount tier of review routing: amounts up to `maxAmount` (null: any larger amount) need `levels` reviews. */
export const reviewTierSchema = z.strictObject({
  id: ruleId,
  maxAmount: moneySchema.nullable(),
  levels: wholeNumber(1, MAX_REVIEW_LEVELS),
});

/** Tiers from the smallest amount up; the last one has maxAmount null and takes every larger amount. */
const reviewTiersSchema = z
  .array(reviewTierSchema)
  .min(1, 'must list at least one tier')
  .max(10, 'must list at most 10 tiers')
  .superRefine((tiers: unknown[], ctx) => {
    const money = (tier: unknown) => field(tier, 'maxAmount') as Money | null | undefined;
    const currency = tiers.map(money).find((amount) => amount && typeof amount.currency === 'string')?.currency;
    let previous: { index: number; minor: number } | undefined;
    tiers.forEach((tier, index) => {
      const isLast = index === tiers.length - 1;
      const maxAmount = money(tier);
      if (maxAmount === null) {
        if (!isLast) ctx.addIssue({ code: 'custom', path: [index, 'maxAmount'], message: 'may be null only in the last tier' });
        return;
      }
      if (typeof maxAmount !== 'object') return;
      if (isLast) {
        ctx.addIssue({ code: 'custom', path: [index, 'maxAmount'], message: 'must be null in the last tier: it takes every larger amount' });
      }
      if (typeof maxAmount.currency !== 'string' || typeof maxAmount.amount !== 'string') return;
      if (maxAmount.currency !== currency) {
        ctx.addIssue({ code: 'custom', path: [index, 'maxAmount', 'currency'], message: `must be ${currency}, like the other tiers` });
        return;
      }
      if (decimalProblem(maxAmount.amount, maxAmount.currency)) return;
      const minor = toMinor(maxAmount).minor;
      if (previous && minor <= previous.minor) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'maxAmount', 'amount'],
          message: `must be above the maxAmount of tiers[${previous.index}]: list tiers from the smallest amount up`,
        });
      }
      previous = { index, minor };
    });
  }, whenList);

const reviewRoutingSchema = z
  .strictObject({
    /** The amount tiers for every customer type without its own. */
    tiers: reviewTiersSchema,
    /** Amount tiers of their own for some customer types (e.g. micro-business loans reviewed at other amounts). */
    byCustomerType: z
      .strictObject({
        individual: reviewTiersSchema.optional(),
        micro_business: reviewTiersSchema.optional(),
        farmer: reviewTiersSchema.optional(),
      } satisfies Record<CustomerType, z.ZodType>)
      .optional(),
    /** Bands that need one review level more than their amount tier, up to maxLevels. */
    extraLevelForBands: distinctBands.default([]),
    maxLevels: wholeNumber(1, MAX_REVIEW_LEVELS),
  })
  .superRefine((routing: unknown, ctx) => {
    const maxLevels = field(routing, 'maxLevels');
    if (!isNumber(maxLevels) || maxLevels >= MAX_REVIEW_LEVELS) return;
    const lists: [PropertyKey[], unknown][] = [[['tiers'], field(routing, 'tiers')]];
    for (const type of CUSTOMER_TYPES) lists.push([['byCustomerType', type], field(field(routing, 'byCustomerType'), type)]);
    for (const [path, tiers] of lists) {
      if (!Array.isArray(tiers)) continue;
      tiers.forEach((tier: unknown, index: number) => {
        const levels = field(tier, 'levels');
        if (isNumber(levels) && levels > maxLevels && levels <= MAX_REVIEW_LEVELS) {
          ctx.addIssue({ code: 'custom', path: [...path, index, 'levels'], message: `must be at most maxLevels (${maxLevels})` });
        }
      });
    }
  }, whenPresent);

const slaSchema = z
  .strictObject({
    /** The reviewer is reminded this long after the review was assigned. */
    remindAfterHours: wholeNumber(1, 720),
    /** Then handed to another reviewer of the same level. */
    escalateAfterHours: wholeNumber(1, 720),
    /** Then the application expires. */
    expireAfterHours: wholeNumber(1, 720),
  })
  .superRefine((sla: unknown, ctx) => {
    const [remind, escalate, expire] = ['remindAfterHours', 'escalateAfterHours', 'expireAfterHours'].map((key) => field(sla, key));
    if (isNumber(remind) && isNumber(escalate) && escalate <= remind) {
      ctx.addIssue({ code: 'custom', path: ['escalateAfterHours'], message: 'must be after remindAfterHours' });
    }
    if (isNumber(escalate) && isNumber(expire) && expire <= escalate) {
      ctx.addIssue({ code: 'custom', path: ['expireAfterHours'], message: 'must be after escalateAfterHours' });
    }
  }, whenPresent);

const draftShape = {
  /** What changed and why, for the version history. */
  description: text(500),
  /** Checked first; every rule that matches is listed, and any match declines. */
  knockOuts: knockOutsSchema,
  /**
   * Bureau history rules (issue 12), checked with the knock-outs: every DECLINE rule that fires is listed and declines;
   * a REVIEW rule that fires (when nothing declined) sends the application to review instead of auto-approving it.
   * Optional in a body: the default rules then. A version stored before they existed has none (policy-repository).
   */
  bureauRules: z
    .array(bureauRuleSchema)
    .max(30, 'must list at most 30 rules')
    .default(() => structuredClone(DEFAULT_BUREAU_RULES)),
  /**
   * Bank statement rules (issue 12), applied like the bureau rules, to applications that came with a statement.
   * Optional in a body: the default rules then. A version stored before they existed has none (policy-repository).
   */
  statementRules: z
    .array(statementRuleSchema)
    .max(30, 'must list at most 30 rules')
    .default(() => structuredClone(DEFAULT_STATEMENT_RULES)),
  /** From the highest minScore down; the lowest starts at 300. */
  bands: bandsSchema,
  /** Bands declined automatically, with the scorecard's reason codes. */
  declineBands: distinctBands,
  /** Checked in order; the first that matches approves without review. */
  autoApprove: z.array(autoApproveRuleSchema).max(20, 'must list at most 20 rules'),
  reviewRouting: reviewRoutingSchema,
  pricing: z.strictObject({
    /** The annual interest rate offered per band, in percent. Every band that can be approved needs one. */
    annualRatePercent: z.strictObject({
      A: ratePercent.optional(),
      B: ratePercent.optional(),
      C: ratePercent.optional(),
      D: ratePercent.optional(),
    } satisfies Record<Band, z.ZodType>),
  }),
  /** Days an approved applicant has to accept the offer. */
  offerValidDays: wholeNumber(1, 90),
  sla: slaSchema,
  /**
   * The overdue scan's early-warning thresholds (issue 6, functions/core/servicing/overdue.ts). Optional in a body and in a
   * stored version written before it existed: DEFAULT_EARLY_WARNING then.
   */
  earlyWarning: z
    .strictObject({
      /** DPD_31_PLUS is raised at this many days past due. */
      daysPastDue: wholeNumber(1, 365),
      /** LOW_BEHAVIOUR_SCORE is raised below this behaviour score (0–100)… */
      behaviourScoreBelow: wholeNumber(0, 100),
      /** …once at least this many installments have fallen due. */
      minInstallmentsDue: wholeNumber(1, 60),
    })
    .default(() => ({ ...DEFAULT_EARLY_WARNING })),
};

/** Checks across sections: bands named elsewhere must exist, every approvable band needs a rate, rule ids are unique. */
function crossProblems(value: unknown): FieldProblem[] {
  const draft = (typeof value === 'object' && value !== null ? value : {}) as Record<string, any>;
  const problems: FieldProblem[] = [];
  const bandList: unknown[] = Array.isArray(draft.bands) ? draft.bands : [];
  const bands = new Set(bandList.map((entry) => (entry as { band?: unknown } | undefined)?.band).filter((band): band is Band => BANDS.includes(band as Band)));
  if (bands.size === 0) return problems;
  const declined = new Set<string>(Array.isArray(draft.declineBands) ? draft.declineBands : []);
  const known = [...bands].join(', ');
  const mustBeBand = (path: string, band: unknown) => {
    if (typeof band === 'string' && BANDS.includes(band as Band) && !bands.has(band as Band)) {
      problems.push({ path, message: `must be one of the policy's bands (${known})` });
    }
  };
  if (Array.isArray(draft.declineBands)) {
    draft.declineBands.forEach((band: unknown, i: number) => mustBeBand(`declineBands[${i}]`, band));
    if ([...bands].every((band) => declined.has(band))) {
      problems.push({ path: 'declineBands', message: 'must leave at least one band that can be approved' });
    }
  }
  const ids = new Map<string, string>();
  const uniqueId = (path: string, id: unknown) => {
    if (typeof id !== 'string') return;
    const first = ids.get(id);
    if (first) problems.push({ path, message: `must be unique: ${first} has the id ${id} already` });
    else ids.set(id, path);
  };
  if (Array.isArray(draft.autoApprove)) {
    draft.autoApprove.forEach((rule: any, i: number) => {
      uniqueId(`autoApprove[${i}].id`, rule?.id);
      if (!Array.isArray(rule?.bands)) return;
      rule.bands.forEach((band: unknown, j: number) => {
        mustBeBand(`autoApprove[${i}].bands[${j}]`, band);
        if (typeof band === 'string' && declined.has(band)) {
          problems.push({ path: `autoApprove[${i}].bands[${j}]`, message: `must not be a decline band (${band} is in declineBands)` });
        }
      });
    });
  }
  const routing = draft.reviewRouting ?? {};
  const tierLists: [string, unknown][] = [['reviewRouting.tiers', routing.tiers]];
  for (const type of CUSTOMER_TYPES) tierLists.push([`reviewRouting.byCustomerType.${type}`, routing.byCustomerType?.[type]]);
  for (const [path, tiers] of tierLists) {
    if (Array.isArray(tiers)) tiers.forEach((tier: any, i: number) => uniqueId(`${path}[${i}].id`, tier?.id));
  }
  for (const list of ['bureauRules', 'statementRules'] as const) {
    if (!Array.isArray(draft[list])) continue;
    draft[list].forEach((rule: any, i: number) => {
      if ((KNOCK_OUT_IDS as readonly unknown[]).includes(rule?.id)) {
        problems.push({ path: `${list}[${i}].id`, message: `must not be a knock-out id (${String(rule.id)})` });
      } else uniqueId(`${list}[${i}].id`, rule?.id);
    });
  }
  if (Array.isArray(routing.extraLevelForBands)) {
    routing.extraLevelForBands.forEach((band: unknown, i: number) => mustBeBand(`reviewRouting.extraLevelForBands[${i}]`, band));
  }
  const rates = draft.pricing?.annualRatePercent;
  if (typeof rates === 'object' && rates !== null) {
    for (const band of BANDS) {
      const path = `pricing.annualRatePercent.${band}`;
      if (bands.has(band) && !declined.has(band) && rates[band] === undefined) {
        problems.push({ path, message: `is required: band ${band} can be approved` });
      }
      if (!bands.has(band) && rates[band] !== undefined) problems.push({ path, message: `is not one of the policy's bands (${known})` });
    }
  }
  return problems;
}

function addCrossProblems(value: unknown, ctx: z.RefinementCtx) {
  for (const problem of crossProblems(value)) {
    ctx.addIssue({ code: 'custom', path: pathOf(problem.path), message: problem.message });
  }
}

/** "a.b[2].c" → ['a', 'b', 2, 'c'], so the issue's path prints as it was written. */
function pathOf(path: string): PropertyKey[] {
  return path.split(/\.|(?=\[)/).map((part) => (part.startsWith('[') ? Number(part.slice(1, -1)) : part));
}

/** The body of PUT /v1/policy: everything but the version, which the repository assigns, and who and when. */
export const policyDraftSchema = z.strictObject(draftShape).superRefine(addCrossProblems, whenPresent);

/** A stored policy version. */
export const policySchema = z
  .strictObject({
    version: z.number().int().min(1),
    createdAt: z.iso.datetime(),
    createdBy: text(200),
    ...draftShape,
  })
  .superRefine(addCrossProblems, whenPresent);

export type PolicyDraftInput = z.input<typeof policyDraftSchema>;
export type PolicyDraft = z.output<typeof policyDraftSchema>;
export type Policy = z.output<typeof policySchema>;
export type KnockOutRule = z.output<typeof knockOutSchema>;
export type BureauRule = z.output<typeof bureauRuleSchema>;
export type StatementRule = z.output<typeof statementRuleSchema>;
export type AutoApproveRule = z.output<typeof autoApproveRuleSchema>;
export type ReviewTier = z.output<typeof reviewTierSchema>;
export type PolicySummary = Pick<Policy, 'version' | 'createdAt' | 'createdBy' | 'description'>;

// ---------------------------------------------------------------------------------------------------------------
// Version 1 (PRODUCT.md §3)
// ---------------------------------------------------------------------------------------------------------------

const cny = (amount: string): Money => ({ amount, currency: 'CNY' });

/**
 * The default bureau history rules (issue 12). Severe history declines: a payment 90+ days late in the last 24 months
 * (the sandbox's critical account), or a line past due now. Lesser signs refer to a reviewer instead of auto-approval:
 * 30+ days late in 24 months, 6+ hard inquiries in 6 months, 6+ open lines, revolving limits 90 % or more used.
 */
/**
 * The default bank statement rules (issue 12): each refers to a reviewer rather than deciding alone — a statement that
 * verifies 60 % of the declared income or less, gambling of 10 % of the inflow or more, 3 or more returned payments.
 */
export const DEFAULT_STATEMENT_RULES: StatementRule[] = [
  {
    id: 'STATEMENT_INCOME_BELOW_DECLARED',
    enabled: true,
    fact: 'verifiedIncomeShare',
    atMost: 0.6,
    action: 'REVIEW',
    description: { en: 'The bank statement verifies much less income than declared', 'zh-CN': '银行流水核实的收入明显低于申报收入' },
  },
  {
    id: 'STATEMENT_GAMBLING',
    enabled: true,
    fact: 'gamblingShareOfInflow',
    atLeast: 0.1,
    action: 'REVIEW',
    description: { en: 'The bank statement shows payments for gambling', 'zh-CN': '银行流水显示有博彩类支出' },
  },
  {
    id: 'STATEMENT_RETURNED_PAYMENTS',
    enabled: true,
    fact: 'returnedPayments',
    atLeast: 3,
    action: 'REVIEW',
    description: { en: 'The bank statement shows returned or failed payments', 'zh-CN': '银行流水显示有退回或失败的付款' },
  },
];

export const DEFAULT_BUREAU_RULES: BureauRule[] = [
  {
    id: 'BUREAU_DPD_90_24M',
    enabled: true,
    fact: 'maxDaysPastDueLast24Months',
    atLeast: 90,
    action: 'DECLINE',
    description: { en: 'The credit bureau reports a payment 90 or more days past due in the last 24 months', 'zh-CN': '征信报告显示近24个月内有逾期90天及以上的记录' },
  },
  {
    id: 'BUREAU_CURRENT_ARREARS',
    enabled: true,
    fact: 'accountsInArrears',
    atLeast: 1,
    action: 'DECLINE',
    description: { en: 'The credit bureau reports a payment past due now', 'zh-CN': '征信报告显示当前有逾期未还款项' },
  },
  {
    id: 'BUREAU_DPD_30_24M',
    enabled: true,
    fact: 'maxDaysPastDueLast24Months',
    atLeast: 30,
    action: 'REVIEW',
    description: { en: 'The credit bureau reports a payment 30 or more days past due in the last 24 months', 'zh-CN': '征信报告显示近24个月内有逾期30天及以上的记录' },
  },
  {
    id: 'BUREAU_INQUIRIES_6M',
    enabled: true,
    fact: 'inquiriesLast6Months',
    atLeast: 6,
    action: 'REVIEW',
    description: {
      en: 'The credit bureau reports 6 or more credit applications (hard inquiries) in the last 6 months',
      'zh-CN': '征信报告显示近6个月内有6次及以上贷款审批查询',
    },
  },
  {
    id: 'BUREAU_OPEN_LINES',
    enabled: true,
    fact: 'existingCredits',
    atLeast: 6,
    action: 'REVIEW',
    description: { en: 'The credit bureau reports 6 or more open credit lines', 'zh-CN': '征信报告显示未结清授信账户达6个及以上' },
  },
  {
    id: 'BUREAU_UTILISATION_90',
    enabled: true,
    fact: 'revolvingUtilisation',
    atLeast: 0.9,
    action: 'REVIEW',
    description: { en: 'Credit card limits are 90% or more used', 'zh-CN': '信用卡额度使用率达90%及以上' },
  },
];

export const DEFAULT_POLICY_DRAFT: PolicyDraft = {
  description: 'Default policy (PRODUCT.md §3)',
  knockOuts: [
    {
      id: 'KO_AGE_UNDER_MIN',
      enabled: true,
      minAge: 18,
      description: { en: 'The applicant is under 18 years of age', 'zh-CN': '申请人未满18周岁' },
    },
    {
      id: 'KO_AGE_AT_MATURITY',
      enabled: true,
      maxAgeAtMaturity: 70,
      description: { en: 'The applicant would be over 70 years of age when the loan ends', 'zh-CN': '贷款到期时申请人年龄将超过70周岁' },
    },
    {
      id: 'KO_DEBT_TO_INCOME',
      enabled: true,
      maxDebtToIncome: 0.5,
      description: {
        en: 'Monthly debt payments including this loan would be above 50% of monthly income',
        'zh-CN': '计入本笔贷款后，每月还款额将超过月收入的50%',
      },
    },
    {
      id: 'KO_CURRENT_DEFAULT',
      enabled: true,
      description: { en: 'The credit bureau reports a loan currently in default', 'zh-CN': '征信报告显示当前有违约贷款' },
    },
    {
      id: 'KO_FRAUD_FLAG',
      enabled: true,
      description: { en: 'The credit bureau reports a fraud alert', 'zh-CN': '征信报告显示存在欺诈警示' },
    },
    {
      id: 'KO_PRODUCT_BOUNDS',
      enabled: true,
      description: { en: 'The amount or term is outside what the loan product offers', 'zh-CN': '贷款金额或期限超出该产品的范围' },
    },
  ],
  bureauRules: structuredClone(DEFAULT_BUREAU_RULES),
  statementRules: structuredClone(DEFAULT_STATEMENT_RULES),
  bands: [
    { band: 'A', minScore: 720 },
    { band: 'B', minScore: 660 },
    { band: 'C', minScore: 600 },
    { band: 'D', minScore: 300 },
  ],
  declineBands: ['D'],
  autoApprove: [{ id: 'AUTO_APPROVE_A_UP_TO_20000', bands: ['A'], maxAmount: cny('20000.00') }],
  reviewRouting: {
    tiers: [
      { id: 'REVIEW_UP_TO_50000', maxAmount: cny('50000.00'), levels: 1 },
      { id: 'REVIEW_UP_TO_200000', maxAmount: cny('200000.00'), levels: 2 },
      { id: 'REVIEW_ABOVE_200000', maxAmount: null, levels: 3 },
    ],
    extraLevelForBands: ['C'],
    maxLevels: 3,
  },
  pricing: { annualRatePercent: { A: '8.5', B: '12', C: '18' } },
  offerValidDays: 7,
  sla: { remindAfterHours: 24, escalateAfterHours: 48, expireAfterHours: 120 },
  earlyWarning: { ...DEFAULT_EARLY_WARNING },
};

/** Version 1 as seeded on first start (local stack) and first deploy (custom resource). */
export const DEFAULT_POLICY: Policy = {
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'system',
  ...DEFAULT_POLICY_DRAFT,
};

// ---------------------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------------------

/** What the policy reads about an assessed application. Amounts in minor units of `currency`. */
export interface PolicyFacts {
  score: number;
  amountMinor: number;
  currency: string;
  termMonths: number;
  productId: string;
  customerType: CustomerType;
  /** The product as it is now (products change after intake checked the bounds). */
  product: {
    minAmountMinor: number;
    maxAmountMinor: number;
    minTermMonths: number;
    maxTermMonths: number;
    /** When given, an application in another currency is outside the product. */
    currency?: string;
  };
  ageYears: number;
  ageAtMaturityYears: number;
  /** Null when the applicant states no income: counts as above any limit. */
  debtToIncomeAfterLoan: number | null;
  currentDefault: boolean;
  fraudFlag: boolean;
  /** What the bureau rules read, by the report's field names; null where the assessment does not have it. */
  bureau: Record<BureauFact, number | null>;
  /** What the statement rules read; null without a statement (a share is null when there is nothing to divide by). */
  statement: Record<StatementFact, number | null> | null;
  /** The scorecard's adverse reasons, most important first, already in the applicant's language. */
  scoreReasons: DecisionReason[];
  language: 'zh-CN' | 'en';
}

export interface PolicyEvaluation {
  outcome: DecisionOutcome;
  band: Band;
  /** Review levels required: 0 unless the outcome is REVIEW. */
  levelsRequired: number;
  /** The band's annual rate, such as "8.5"; null when declined. */
  annualRatePercent: string | null;
  /**
   * The rules that matched, in the order they were applied: knock-out ids, declining bureau rule ids, `BAND_<band>`,
   * `DECLINE_BAND_<band>`, referring bureau rule ids, the auto-approve rule's id, the review tier's id, `EXTRA_LEVEL_BAND_<band>`, `MAX_LEVELS_<n>` (when the cap applied).
   */
  matchedRules: string[];
  /**
   * For a decline, at most four, in the applicant's language; for a referral by bureau rules, theirs (at most four);
   * empty otherwise.
   */
  reasons: DecisionReason[];
  /** The bureau rules that decided, each with the value it read: the basis recorded in the audit trail. */
  bureauRulesFired: BureauRuleFired[];
  /** The statement rules that decided, likewise. */
  statementRulesFired: StatementRuleFired[];
  policyVersion: number;
}

export interface BureauRuleFired {
  id: string;
  fact: BureauFact;
  value: number;
  atLeast: number;
  action: (typeof BUREAU_RULE_ACTIONS)[number];
}

export interface StatementRuleFired {
  id: string;
  fact: StatementFact;
  value: number;
  atMost?: number;
  atLeast?: number;
  action: (typeof BUREAU_RULE_ACTIONS)[number];
}

/** Given when a decline band is reached but the scorecard returned no adverse reason. */
const LOW_SCORE_REASON = {
  en: "The credit score is below the lender's minimum",
  'zh-CN': '信用评分低于本机构的最低要求',
} as const;

function knockedOut(rule: KnockOutRule, facts: PolicyFacts): boolean {
  switch (rule.id) {
    case 'KO_AGE_UNDER_MIN':
      return facts.ageYears < rule.minAge;
    case 'KO_AGE_AT_MATURITY':
      return facts.ageAtMaturityYears > rule.maxAgeAtMaturity;
    case 'KO_DEBT_TO_INCOME':
      return facts.debtToIncomeAfterLoan === null || facts.debtToIncomeAfterLoan > rule.maxDebtToIncome;
    case 'KO_CURRENT_DEFAULT':
      return facts.currentDefault;
    case 'KO_FRAUD_FLAG':
      return facts.fraudFlag;
    case 'KO_PRODUCT_BOUNDS': {
      const { product } = facts;
      return (
        (product.currency !== undefined && product.currency !== facts.currency) ||
        facts.amountMinor < product.minAmountMinor ||
        facts.amountMinor > product.maxAmountMinor ||
        facts.termMonths < product.minTermMonths ||
        facts.termMonths > product.maxTermMonths
      );
    }
    default: {
      const unknown: never = rule;
      throw new Error(`unknown knock-out rule ${String((unknown as { id?: unknown }).id)}`);
    }
  }
}

function bureauRulesFiring(policy: Policy, facts: PolicyFacts, action: BureauRuleFired['action']): BureauRuleFired[] {
  const fired: BureauRuleFired[] = [];
  for (const rule of policy.bureauRules) {
    if (!rule.enabled || rule.action !== action) continue;
    const value = facts.bureau[rule.fact];
    if (typeof value === 'number' && value >= rule.atLeast) fired.push({ id: rule.id, fact: rule.fact, value, atLeast: rule.atLeast, action });
  }
  return fired;
}

function statementRulesFiring(policy: Policy, facts: PolicyFacts, action: StatementRuleFired['action']): StatementRuleFired[] {
  const fired: StatementRuleFired[] = [];
  if (!facts.statement) return fired;
  for (const rule of policy.statementRules) {
    if (!rule.enabled || rule.action !== action) continue;
    const value = facts.statement[rule.fact];
    if (typeof value !== 'number') continue;
    if ('atMost' in rule && value <= rule.atMost) fired.push({ id: rule.id, fact: rule.fact, value, atMost: rule.atMost, action });
    if ('atLeast' in rule && value >= rule.atLeast) fired.push({ id: rule.id, fact: rule.fact, value, atLeast: rule.atLeast, action });
  }
  return fired;
}

/** The reason a bureau or statement rule gives, in the applicant's language. */
function ruleReason(policy: Policy, id: string, language: PolicyFacts['language']): DecisionReason {
  const rule = [...policy.bureauRules, ...policy.statementRules].find((r) => r.id === id)!;
  return { code: id, description: rule.description[language] };
}

/** The policy's band for a score: the first (highest) band whose minScore the score reaches. */
export function bandFor(policy: Pick<Policy, 'bands'>, score: number): Band {
  const bands = [...policy.bands].sort((a, b) => b.minScore - a.minScore);
  return (bands.find((entry) => score >= entry.minScore) ?? bands[bands.length - 1]!).band;
}

/** Whether `amountMinor` of `currency` is at most `limit`; an amount in another currency never is. */
function atMost(amountMinor: number, currency: string, limit: Money): boolean {
  return limit.currency === currency && amountMinor <= toMinor(limit).minor;
}

/** The amount tiers that route this customer type: its own when the policy has them, else the general ones. */
export function reviewTiersFor(policy: Pick<Policy, 'reviewRouting'>, customerType: CustomerType): ReviewTier[] {
  return policy.reviewRouting.byCustomerType?.[customerType] ?? policy.reviewRouting.tiers;
}

function rateFor(policy: Policy, band: Band): string {
  const rate = policy.pricing.annualRatePercent[band];
  if (rate === undefined) throw new Error(`policy version ${policy.version} has no annual rate for band ${band}`);
  return rate;
}

/**
 * Applies the policy: knock-outs and the DECLINE bureau rules first (all that match are listed, and any match
 * declines), then the band (a decline band declines with the scorecard's reasons), then the REVIEW bureau rules (any
 * match rules out auto-approval and gives its reasons), then the auto-approve rules (the first match approves), else review
 * with the levels of the amount tier, plus one for an extra-level band, capped at maxLevels. An amount in a currency
 * the tiers are not written in takes the last tier (the most levels); it never auto-approves.
 */
export function evaluatePolicy(policy: Policy, facts: PolicyFacts): PolicyEvaluation {
  const band = bandFor(policy, facts.score);
  const base = { band, policyVersion: policy.version };

  const hits = policy.knockOuts.filter((rule) => rule.enabled && knockedOut(rule, facts));
  const bureauDeclines = bureauRulesFiring(policy, facts, 'DECLINE');
  const statementDeclines = statementRulesFiring(policy, facts, 'DECLINE');
  if (hits.length > 0 || bureauDeclines.length > 0 || statementDeclines.length > 0) {
    const reasons = [
      ...hits.map((rule) => ({ code: rule.id, description: rule.description[facts.language] })),
      ...[...bureauDeclines, ...statementDeclines].map((fired) => ruleReason(policy, fired.id, facts.language)),
    ];
    return {
      ...base,
      outcome: 'DECLINED',
      levelsRequired: 0,
      annualRatePercent: null,
      matchedRules: [...hits.map((rule) => rule.id), ...[...bureauDeclines, ...statementDeclines].map((fired) => fired.id), `BAND_${band}`],
      reasons: reasons.slice(0, MAX_DECLINE_REASONS),
      bureauRulesFired: bureauDeclines,
      statementRulesFired: statementDeclines,
    };
  }

  const matchedRules = [`BAND_${band}`];
  if (policy.declineBands.includes(band)) {
    const reasons = facts.scoreReasons.slice(0, MAX_DECLINE_REASONS).map(({ code, description }) => ({ code, description }));
    return {
      ...base,
      outcome: 'DECLINED',
      levelsRequired: 0,
      annualRatePercent: null,
      matchedRules: [...matchedRules, `DECLINE_BAND_${band}`],
      reasons: reasons.length > 0 ? reasons : [{ code: `DECLINE_BAND_${band}`, description: LOW_SCORE_REASON[facts.language] }],
      bureauRulesFired: [],
      statementRulesFired: [],
    };
  }

  const annualRatePercent = rateFor(policy, band);
  const referrals = bureauRulesFiring(policy, facts, 'REVIEW');
  const statementReferrals = statementRulesFiring(policy, facts, 'REVIEW');
  matchedRules.push(...[...referrals, ...statementReferrals].map((fired) => fired.id));
  const autoApprove = referrals.length + statementReferrals.length > 0 ? undefined : policy.autoApprove.find(
    (rule) =>
      rule.bands.includes(band) &&
      atMost(facts.amountMinor, facts.currency, rule.maxAmount) &&
      (rule.customerTypes === undefined || rule.customerTypes.includes(facts.customerType)),
  );
  if (autoApprove) {
    return { ...base, outcome: 'APPROVED', levelsRequired: 0, annualRatePercent, matchedRules: [...matchedRules, autoApprove.id], reasons: [], bureauRulesFired: [], statementRulesFired: [] };
  }

  const tiers = reviewTiersFor(policy, facts.customerType);
  const tier = tiers.find((t) => t.maxAmount === null || atMost(facts.amountMinor, facts.currency, t.maxAmount)) ?? tiers[tiers.length - 1]!;
  matchedRules.push(tier.id);
  let levels = tier.levels;
  if (policy.reviewRouting.extraLevelForBands.includes(band)) {
    levels += 1;
    matchedRules.push(`EXTRA_LEVEL_BAND_${band}`);
  }
  const maxLevels = Math.min(policy.reviewRouting.maxLevels, MAX_REVIEW_LEVELS);
  if (levels > maxLevels) {
    levels = maxLevels;
    matchedRules.push(`MAX_LEVELS_${maxLevels}`);
  }
  const reasons = [...referrals, ...statementReferrals].slice(0, MAX_DECLINE_REASONS).map((fired) => ruleReason(policy, fired.id, facts.language));
  return { ...base, outcome: 'REVIEW', levelsRequired: levels, annualRatePercent, matchedRules, reasons, bureauRulesFired: referrals, statementRulesFired: statementReferrals };
}

/** What an approval in this band offers: the annual rate and how many days the offer stays open. */
export function offerTerms(policy: Policy, band: Band): { annualRatePercent: string; validDays: number } {
  return { annualRatePercent: rateFor(policy, band), validDays: policy.offerValidDays };
}

// ---------------------------------------------------------------------------------------------------------------
// The port
// ---------------------------------------------------------------------------------------------------------------

export interface PolicyRepository {
  /**
   * The newest version. Cached briefly by the DynamoDB adapter (a publish in the same process is seen at once).
   * Throws NotFoundError when no version exists (the default is seeded on start and on deploy).
   */
  current(): Promise<Policy>;
  get(version: number): Promise<Policy | undefined>;
  /** Every version, newest first, without the rules. */
  list(): Promise<PolicySummary[]>;
  /**
   * Stores the draft as the version after the newest, with a conditional write: of two concurrent publishes only one
   * becomes that version, the other throws ConcurrentModificationError. Never overwrites a version.
   */
  publish(draft: PolicyDraft, by: string, at: string): Promise<Policy>;
  /** Stores `policy` (normally DEFAULT_POLICY, version 1) unless that version exists; true when it was added. */
  seed(policy: Policy): Promise<boolean>;
}

/** What a function that only reads the policy may do with it. */
export type PolicyReader = Pick<PolicyRepository, 'current' | 'get' | 'list'>;
