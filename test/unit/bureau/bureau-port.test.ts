import {
  BUREAU_ERROR_NAMES,
  BureauRequestRejectedError,
  BureauResponseError,
  BureauUnavailableError,
  CREDIT_HISTORIES,
  CREDIT_HISTORY_GERMAN_CODES,
  bureauReportSchema,
  creditHistoryFromGermanCode,
  germanCreditHistoryCode,
  thinFileReport,
} from '../../../functions/core/assessment/bureau';
import { DomainError, TemporarilyUnavailableError } from '../../../functions/core/kernel/errors';

describe('bureau port', () => {
  it("maps credit histories one to one onto the German data's credit_history codes", () => {
    expect(CREDIT_HISTORY_GERMAN_CODES).toEqual({
      no_credits: 'A32',
      all_paid_duly: 'A34',
      paid_duly_till_now: 'A33',
      past_delays: 'A30',
      critical_account: 'A31',
    });
    for (const history of CREDIT_HISTORIES) expect(creditHistoryFromGermanCode(germanCreditHistoryCode(history))).toBe(history);
    expect(new Set(Object.values(CREDIT_HISTORY_GERMAN_CODES)).size).toBe(CREDIT_HISTORIES.length);
    expect(creditHistoryFromGermanCode('A35')).toBeUndefined();
  });

  it('builds a valid thin-file report without identity data', () => {
    const report = thinFileReport({ reportId: 'R1', bureau: 'b', pulledAt: '2026-11-29T08:00:00.000Z', reference: 'app-1' });
    expect(bureauReportSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject({
      subject: { reference: 'app-1', fileFound: false },
      creditHistory: 'no_credits',
      existingCredits: 0,
      accountsInArrears: 0,
      currentArrears: null,
      revolvingUtilisation: null,
      bureauScore: null,
    });
    expect(Object.keys(report.subject).sort()).toEqual(['fileFound', 'reference']);
  });

  it('refuses a report with extra (possibly identifying) fields or missing ones', () => {
    const report = thinFileReport({ reportId: 'R1', bureau: 'b', pulledAt: '2026-11-29T08:00:00.000Z', reference: 'app-1' });
    expect(bureauReportSchema.safeParse({ ...report, subject: { ...report.subject, nationalId: '110105199003071239' } }).success).toBe(false);
    expect(bureauReportSchema.safeParse({ ...report, fullName: 'x' }).success).toBe(false);
    const { fraudFlag: _dropped, ...missing } = report;
    expect(bureauReportSchema.safeParse(missing).success).toBe(false);
  });

  it('names its errors by string literals, which Step Functions matches even in minified bundles', () => {
    const unavailable = new BureauUnavailableError('down', { reason: 'timeout', attempts: 3 });
    const response = new BureauResponseError('bad', { problem: 'invalid_json', status: 200 });
    const rejected = new BureauRequestRejectedError('no', { status: 400 });
    expect([unavailable.name, response.name, rejected.name]).toEqual(Object.values(BUREAU_ERROR_NAMES));
    expect(unavailable).toBeInstanceOf(TemporarilyUnavailableError);
    expect(response).toBeInstanceOf(DomainError);
    expect(rejected).toBeInstanceOf(DomainError);
    expect(unavailable).toMatchObject({ reason: 'timeout', attempts: 3, status: undefined });
    expect(response.issues).toEqual([]);
  });
});
