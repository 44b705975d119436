// The sandbox credit bureau for the local stack and tests: deterministic, no network. Any valid CN resident ID gets a
// clean report (existing credits paid duly till now, no flags) unless it is one of the test identities below, which,
// like a payment provider's test cards, produce a documented report or a documented failure
// (the README lists them for people; tests read SANDBOX_IDENTITIES and check the README).
//
// The test IDs are valid resident IDs (region 310104, Shanghai Xuhui; sequence 901–912; ISO 7064 MOD 11-2 check
// character computed, never typed), so intake accepts them; their birth dates are adults' and must be sent as the
// application's dateOfBirth. The one stateful identity (`transient_failure`) counts calls per application id (in the
// adapter instance, or deployed in the table: see countCall).

import {
  BureauRequestRejectedError,
  BureauUnavailableError,
  bureauReportSchema,
  thinFileReport,
  type BureauReport,
  type BureauRequest,
  type CreditBureau,
} from '../../core/assessment/bureau';
import { cnBirthDate, cnCheckCharacter, cnNationalIdProblem } from '../../core/kernel/national-id';
import type { Clock } from '../../core/kernel/ports';
import { systemClock } from '../clock';
import { inMemoryCallCounter, type CallCounter } from '../sandbox-calls';

/** A report's content without the per-pull fields (reportId, bureau, pulledAt, subject). */
export type SandboxReportFields = Omit<BureauReport, 'reportId' | 'bureau' | 'pulledAt' | 'subject'>;

export type SandboxBehaviour =
  | { kind: 'report'; report: SandboxReportFields }
  /** The bureau has no file on the person (HTTP 404 at a real bureau): a thin-file report. */
  | { kind: 'thin_file' }
  /** The first `failures` calls per application id throw BureauUnavailableError, later ones return `report`. */
  | { kind: 'fail_then_succeed'; failures: number; report: SandboxReportFields }
  /** Every call throws BureauUnavailableError (a timeout). */
  | { kind: 'unavailable' };

export type SandboxScenario =
  | 'thin_file'
  | 'all_paid_duly'
  | 'past_delays'
  | 'critical_account'
  | 'current_arrears'
  | 'current_default'
  | 'fraud_flag'
  | 'many_inquiries'
  | 'high_debt'
  | 'high_utilisation'
  | 'transient_failure'
  | 'unavailable';

export interface SandboxIdentity {
  scenario: SandboxScenario;
  nationalId: string;
  /** YYYY-MM-DD, as embedded in the ID. */
  dateOfBirth: string;
  /** A name to apply with; the sandbox ignores names. */
  fullName: string;
  /** What the sandbox bureau returns, in words. */
  returns: string;
  /** What the assessment is expected to do with it under the default policy (PRODUCT.md §3). */
  expectedDecision: string;
  behaviour: SandboxBehaviour;
}

/** The report every valid ID that is not a test identity gets. */
export const CLEAN_REPORT: SandboxReportFields = {
  creditHistory: 'paid_duly_till_now',
  existingCredits: 1,
  totalMonthlyDebtPayments: { minor: 100_000, currency: 'CNY' },
  maxDaysPastDueLast24Months: 0,
  accountsInArrears: 0,
  currentArrears: { minor: 0, currency: 'CNY' },
  revolvingUtilisation: 0.3,
  currentDefault: false,
  fraudFlag: false,
  inquiriesLast6Months: 1,
  bureauScore: 700,
};

const REGION = '310104';

function testId(dateOfBirth: string, sequence: number): string {
  const first17 = `${REGION}${dateOfBirth.replaceAll('-', '')}${sequence}`;
  return `${first17}${cnCheckCharacter(first17)}`;
}

function identity(sequence: number, dateOfBirth: string, rest: Omit<SandboxIdentity, 'nationalId' | 'dateOfBirth'>): SandboxIdentity {
  return { nationalId: testId(dateOfBirth, sequence), dateOfBirth, ...rest };
}

const cny = (yuan: number) => ({ minor: yuan * 100, currency: 'CNY' });

export const SANDBOX_IDENTITIES: readonly SandboxIdentity[] = Object.freeze([
  identity(901, '2001-04-12', {
    scenario: 'thin_file',
    fullName: 'Zhao Lei',
    returns: 'thin file: no file at the bureau; credit history no_credits (A32), 0 credit lines, no arrears, no revolving utilisation, no bureau score',
    expectedDecision: 'no knock-out; scored with credit history A32 and 0 existing credits, then banded and routed as usual',
    behaviour: { kind: 'thin_file' },
  }),
  identity(902, '1985-06-18', {
    scenario: 'all_paid_duly',
    fullName: 'Qian Min',
    returns: 'all credits at this bank paid duly (A34); 1 credit line, 800.00 CNY a month, utilisation 10 %, bureau score 780',
    expectedDecision: 'no knock-out, no bureau rule; scored with credit history A34',
    behaviour: {
      kind: 'report',
      report: {
        ...CLEAN_REPORT,
        creditHistory: 'all_paid_duly',
        totalMonthlyDebtPayments: cny(800),
        revolvingUtilisation: 0.1,
        inquiriesLast6Months: 0,
        bureauScore: 780,
      },
    },
  }),
  identity(903, '1979-09-23', {
    scenario: 'past_delays',
    fullName: 'Sun Hao',
    returns:
      'past payment delays (A30); 2 credit lines, 2,300.00 CNY a month, worst delay 45 days in 24 months, not behind now, utilisation 60 %, bureau score 540',
    expectedDecision: 'REVIEW: bureau rule BUREAU_DPD_30_24M (30+ days past due in 24 months) refers it, whatever the score; never auto-approved',
    behaviour: {
      kind: 'report',
      report: {
        ...CLEAN_REPORT,
        creditHistory: 'past_delays',
        existingCredits: 2,
        totalMonthlyDebtPayments: cny(2300),
        maxDaysPastDueLast24Months: 45,
        revolvingUtilisation: 0.6,
        inquiriesLast6Months: 2,
        bureauScore: 540,
      },
    },
  }),
  identity(904, '1972-11-05', {
    scenario: 'critical_account',
    fullName: 'Li Na',
    returns:
      'critical account (A31); 3 credit lines, 3,100.00 CNY a month, worst delay 95 days in 24 months, not behind now, no current default, utilisation 95 %, bureau score 420',
    expectedDecision: 'DECLINED by bureau rule BUREAU_DPD_90_24M (90+ days past due in 24 months), whatever the score',
    behaviour: {
      kind: 'report',
      report: {
        ...CLEAN_REPORT,
        creditHistory: 'critical_account',
        existingCredits: 3,
        totalMonthlyDebtPayments: cny(3100),
        maxDaysPastDueLast24Months: 95,
        revolvingUtilisation: 0.95,
        inquiriesLast6Months: 3,
        bureauScore: 420,
      },
    },
  }),
  identity(905, '1983-02-14', {
    scenario: 'current_default',
    fullName: 'Zhou Qiang',
    returns:
      'current default: an account in default now; critical account (A31), 2 credit lines, 2,600.00 CNY a month, 120 days past due, 2 lines in arrears (26,000.00 CNY), utilisation 100 %, bureau score 310',
    expectedDecision: 'DECLINED by the knock-out "bureau shows a current default" (and the bureau rules on arrears and on 90+ days past due)',
    behaviour: {
      kind: 'report',
      report: {
        ...CLEAN_REPORT,
        creditHistory: 'critical_account',
        existingCredits: 2,
        totalMonthlyDebtPayments: cny(2600),
        maxDaysPastDueLast24Months: 120,
        accountsInArrears: 2,
        currentArrears: cny(26_000),
        revolvingUtilisation: 1,
        currentDefault: true,
        inquiriesLast6Months: 4,
        bureauScore: 310,
      },
    },
  }),
  identity(906, '1990-07-30', {
    scenario: 'fraud_flag',
    fullName: 'Wu Fang',
    returns: 'fraud flag (a fraud alert on file); otherwise the clean report',
    expectedDecision: 'DECLINED by the knock-out "bureau shows a fraud flag"',
    behaviour: { kind: 'report', report: { ...CLEAN_REPORT, fraudFlag: true } },
  }),
  identity(907, '1995-03-08', {
    scenario: 'many_inquiries',
    fullName: 'Zheng Jie',
    returns: '9 hard inquiries in the last 6 months; existing credits paid duly (A33), 2 credit lines, 1,500.00 CNY a month, bureau score 600',
    expectedDecision: 'REVIEW: bureau rule BUREAU_INQUIRIES_6M (6 or more hard inquiries in 6 months) refers it; never auto-approved',
    behaviour: {
      kind: 'report',
      report: { ...CLEAN_REPORT, existingCredits: 2, totalMonthlyDebtPayments: cny(1500), revolvingUtilisation: 0.55, inquiriesLast6Months: 9, bureauScore: 600 },
    },
  }),
  identity(908, '1980-12-01', {
    scenario: 'high_debt',
    fullName: 'Wang Fang',
    returns: 'several credits with high payments: 5 credit lines, 9,000.00 CNY a month, paid duly (A33), utilisation 80 %, bureau score 610',
    expectedDecision:
      'DECLINED by the knock-out "debt-to-income after this loan above 50 %" for a monthly income of 15,000.00 CNY (the API.md example), when debt-to-income counts the bureau\'s monthly payments',
    behaviour: {
      kind: 'report',
      report: { ...CLEAN_REPORT, existingCredits: 5, totalMonthlyDebtPayments: cny(9000), revolvingUtilisation: 0.8, inquiriesLast6Months: 2, bureauScore: 610 },
    },
  }),
  identity(909, '1988-05-20', {
    scenario: 'transient_failure',
    fullName: 'Feng Tao',
    returns: 'BureauUnavailableError on the first 2 calls for an application id, then the clean report',
    expectedDecision: 'the pipeline\'s Retry on BureauUnavailableError pulls again; then decided like a clean report',
    behaviour: { kind: 'fail_then_succeed', failures: 2, report: CLEAN_REPORT },
  }),
  identity(910, '1976-08-16', {
    scenario: 'unavailable',
    fullName: 'Chen Jing',
    returns: 'BureauUnavailableError (timeout) on every call',
    expectedDecision: 'retried, then caught: the application becomes FAILED and operations are alerted',
    behaviour: { kind: 'unavailable' },
  }),
  identity(911, '1986-10-09', {
    scenario: 'current_arrears',
    fullName: 'He Ping',
    returns:
      'behind now: 1 line in arrears, 1,800.00 CNY past due (35 days), not in default; past delays (A30), 2 credit lines, 1,800.00 CNY a month, utilisation 70 %, bureau score 560',
    expectedDecision: 'DECLINED by bureau rule BUREAU_CURRENT_ARREARS (a line past due now), whatever the score',
    behaviour: {
      kind: 'report',
      report: {
        ...CLEAN_REPORT,
        creditHistory: 'past_delays',
        existingCredits: 2,
        totalMonthlyDebtPayments: cny(1800),
        maxDaysPastDueLast24Months: 35,
        accountsInArrears: 1,
        currentArrears: cny(1800),
        revolvingUtilisation: 0.7,
        bureauScore: 560,
      },
    },
  }),
  identity(912, '1992-01-25', {
    scenario: 'high_utilisation',
    fullName: 'Ma Lin',
    returns: 'revolving lines 97 % used; paid duly (A33), 3 credit lines, 2,000.00 CNY a month, not behind, bureau score 640',
    expectedDecision: 'REVIEW: bureau rule BUREAU_UTILISATION_90 (revolving utilisation 90 % or more) refers it; never auto-approved',
    behaviour: {
      kind: 'report',
      report: { ...CLEAN_REPORT, existingCredits: 3, totalMonthlyDebtPayments: cny(2000), revolvingUtilisation: 0.97, bureauScore: 640 },
    },
  }),
]);

const BY_NATIONAL_ID = new Map(SANDBOX_IDENTITIES.map((entry) => [entry.nationalId, entry]));

export function sandboxIdentity(scenario: SandboxScenario): SandboxIdentity {
  const found = SANDBOX_IDENTITIES.find((entry) => entry.scenario === scenario);
  if (!found) throw new Error(`no sandbox identity for scenario ${scenario}`);
  return found;
}

export interface SandboxBureauOptions {
  clock?: Clock;
  /** The report's `bureau` field. Default "sandbox". */
  bureauName?: string;
  /**
   * Counts one more call for an application id and returns the count (`fail_then_succeed` identities fail the first
   * calls). Default: in this instance's memory; deployed, a counter in the table, so that the script holds across
   * containers and restarts.
   */
  countCall?: CallCounter;
}

export function createSandboxBureau(options: SandboxBureauOptions = {}): CreditBureau {
  const clock = options.clock ?? systemClock;
  const bureau = options.bureauName ?? 'sandbox';
  /** Calls so far per application id, for `fail_then_succeed` identities. */
  const countCall = options.countCall ?? inMemoryCallCounter();

  const build = (request: BureauRequest, fields: SandboxReportFields): BureauReport =>
    bureauReportSchema.parse({
      reportId: `SBX-${request.applicationId}`,
      bureau,
      pulledAt: clock.now().toISOString(),
      subject: { reference: request.applicationId, fileFound: true },
      ...fields,
    });

  return {
    async report(request: BureauRequest): Promise<BureauReport> {
      // What a real bureau refuses with a 4xx; intake has already checked both, so the pipeline never sees this.
      if (cnNationalIdProblem(request.nationalId)) {
        throw new BureauRequestRejectedError('sandbox bureau refused the request: the national ID is not a valid CN resident ID', { status: 422 });
      }
      if (cnBirthDate(request.nationalId) !== request.dateOfBirth) {
        throw new BureauRequestRejectedError('sandbox bureau refused the request: the date of birth does not match the national ID', { status: 422 });
      }
      const behaviour = BY_NATIONAL_ID.get(request.nationalId)?.behaviour ?? { kind: 'report', report: CLEAN_REPORT };
      switch (behaviour.kind) {
        case 'report':
          return build(request, behaviour.report);
        case 'thin_file':
          return thinFileReport({ reportId: `SBX-${request.applicationId}`, bureau, pulledAt: clock.now().toISOString(), reference: request.applicationId });
        case 'fail_then_succeed': {
          const call = await countCall(request.applicationId);
          if (call <= behaviour.failures) {
            throw new BureauUnavailableError(`credit bureau unavailable: sandbox transient failure ${call} of ${behaviour.failures}`, {
              reason: 'server_error',
              attempts: 1,
              status: 503,
            });
          }
          return build(request, behaviour.report);
        }
        case 'unavailable':
          throw new BureauUnavailableError('credit bureau unavailable: sandbox bureau timed out', { reason: 'timeout', attempts: 1 });
      }
    },
  };
}
