// The Score step: bureau report → features → scorecard → an assessment on the application, with its audit events.

import type { Application } from '../applications/application';
import type { Assessment } from './assessment';
import { bandOf } from './assessment';
import type { BureauReport, CreditBureau } from './bureau';
import { dayIn } from '../kernel/dates';
import { NotFoundError } from '../kernel/errors';
import { mapFeatures, type FeatureInput, type FeatureRow } from './features';
import { scoreAlternatives } from './alternatives';
import { analysePulledStatement, type StatementSource } from './statement';
import { minorUnitDigits } from '../kernel/money';
import type { Clock, PiiProtector } from '../kernel/ports';
import type { ApplicationRepository } from '../applications/ports';

export interface ScoredRow {
  score: number;
  /** Calibrated probability of bad. */
  pd: number;
  /** The model bin id of each input (the live input distribution, reporting/drift.ts); {} for a model without bins. */
  bins: Record<string, number>;
  /** The training score decile the score falls in (model.scoreDistribution); null when the model has none. */
  scoreBucket: number | null;
  /** At most four, worst first, each described in both languages. */
  reasons: { code: string; feature: string; pointsLost: number; description: Record<'zh-CN' | 'en', string> }[];
}

/** The shipped scorecard behind a port, so the use case does not depend on the model format. */
export interface Scorer {
  readonly modelVersion: string;
  score(row: FeatureRow): ScoredRow;
}

export interface ScoreDeps {
  applications: ApplicationRepository;
  bureau: CreditBureau;
  pii: PiiProtector;
  clock: Clock;
  scorer: Scorer;
  /** Statements pulled when the applicant consented but gave none (sandbox locally and until a provider is configured). */
  statements: StatementSource;
  /** The lender's time zone: the applicant's age is counted on today's date there. */
  settings: { timeZone: string };
  /** Elapsed milliseconds for measuring the scoring itself; performance.now in production. */
  stopwatch?: () => number;
}

interface SealedApplicant {
  applicant: { fullName: string; nationalId: string; dateOfBirth: string; phone: string };
}

export interface ScoreOutcome {
  status: string;
  score: number | null;
  band: string | null;
}

/**
 * Scores an application in ASSESSING once. A repeated task (Step Functions retries, a re-driven execution) finds the
 * assessment already stored and returns it without pulling the bureau again.
 */
export async function scoreApplication(deps: ScoreDeps, applicationId: string): Promise<ScoreOutcome> {
  const application = await deps.applications.get(applicationId);
  if (!application) throw new NotFoundError(`no application ${applicationId}`);
  if (application.assessment) return outcome(application);
  if (application.status !== 'ASSESSING') return { status: application.status, score: null, band: null };

  const { applicant } = await deps.pii.open<SealedApplicant>(application.sealedApplicant);
  const report = await deps.bureau.report({
    nationalId: applicant.nationalId,
    fullName: applicant.fullName,
    dateOfBirth: applicant.dateOfBirth,
    applicationId,
  });

  // With the applicant's consent and no statement of their own: the account-data provider's, when it has one.
  const pulled =
    !application.statement && application.statementConsentAt
      ? await deps.statements.pull({ applicationId, nationalId: applicant.nationalId, currency: application.currency })
      : undefined;
  const statement = pulled ? analysePulledStatement(pulled, application.currency, application.statementConsentAt!) : undefined;

  const now = deps.clock.now();
  const stopwatch = deps.stopwatch ?? (() => performance.now());
  const started = stopwatch();
  const input = featureInput(application, applicant.dateOfBirth, dayIn(now, deps.settings.timeZone));
  const bureauFeatures = {
    creditHistory: report.creditHistory,
    existingCredits: report.existingCredits,
    monthlyDebtPaymentsMinor:
      report.totalMonthlyDebtPayments && report.totalMonthlyDebtPayments.currency === application.currency ? report.totalMonthlyDebtPayments.minor : 0,
  };
  const features = mapFeatures(input, bureauFeatures);
  const scored = deps.scorer.score(features.row);
  const scoringMillis = stopwatch() - started;
  const alternatives = scoreAlternatives(input, bureauFeatures, deps.scorer, 100 * 10 ** minorUnitDigits(application.currency));

  const assessment: Assessment = {
    score: scored.score,
    band: bandOf(scored.score),
    pd: scored.pd,
    reasons: scored.reasons.map(({ code, feature, pointsLost, description }) => ({
      code,
      feature,
      pointsLost,
      description: description[application.preferredLanguage],
    })),
    modelVersion: deps.scorer.modelVersion,
    inputBins: scored.bins,
    ...(scored.scoreBucket !== null ? { scoreBucket: scored.scoreBucket } : {}),
    bureau: bureauSummary(report),
    derived: features.derived,
    alternatives,
    assessedAt: now.toISOString(),
    scoringMillis: Math.round(scoringMillis * 1000) / 1000,
  };

  const at = now.toISOString();
  const stored = await deps.applications.annotate({
    application,
    at,
    changes: { assessment, ...(statement ? { statement } : {}) },
    audit: [
      ...(statement
        ? [{ actor: 'pipeline', action: 'statement.pulled', details: { sha256: statement.sha256, from: statement.from, to: statement.to, transactions: statement.transactions } }]
        : []),
      {
        actor: 'pipeline',
        action: 'bureau.report_pulled',
        details: { ...assessment.bureau, fileFound: report.subject.fileFound },
      },
      {
        actor: 'pipeline',
        action: 'application.scored',
        details: {
          score: assessment.score,
          band: assessment.band,
          pd: assessment.pd,
          modelVersion: assessment.modelVersion,
          reasons: assessment.reasons.map((r) => r.code),
          features: features.row,
          derived: features.derived,
        },
      },
    ],
  });
  return outcome(stored);
}

function outcome(application: Application): ScoreOutcome {
  return { status: application.status, score: application.assessment?.score ?? null, band: application.assessment?.band ?? null };
}

function bureauSummary(report: BureauReport): Assessment['bureau'] {
  return {
    reportId: report.reportId,
    bureau: report.bureau,
    creditHistory: report.creditHistory,
    existingCredits: report.existingCredits,
    maxDaysPastDueLast24Months: report.maxDaysPastDueLast24Months,
    currentDefault: report.currentDefault,
    fraudFlag: report.fraudFlag,
    inquiriesLast6Months: report.inquiriesLast6Months,
    accountsInArrears: report.accountsInArrears,
    currentArrears: report.currentArrears,
    revolvingUtilisation: report.revolvingUtilisation,
    totalMonthlyDebtPayments: report.totalMonthlyDebtPayments,
  };
}

/** The stored, non-identifying profile of an application as the mapping's input. */
export function featureInput(application: Application, dateOfBirth: string, assessedOn: string): FeatureInput {
  const profile = application.profile as unknown as {
    household: FeatureInput['household'];
    employment: FeatureInput['employment'];
    finances: FeatureInput['finances'];
    yearsAtAddress: number;
    guarantor: FeatureInput['guarantor'];
  };
  return {
    dateOfBirth,
    assessedOn,
    amountMinor: application.amountMinor,
    currency: application.currency,
    termMonths: application.termMonths,
    purpose: application.purpose,
    household: profile.household,
    employment: profile.employment,
    finances: profile.finances,
    yearsAtAddress: profile.yearsAtAddress,
    guarantor: profile.guarantor,
    // A phone number is required at intake (the API validates it), so every applicant has one.
    hasPhone: true,
  };
}
