// The overdue-scan handler: a scan that runs short of time stops between pages and continues itself with the same
// business date and the cursor, so every due loan is seen once over the invocations; a finished scan publishes the
// portfolio's gauges (loans by bucket, PAR30) from the report counters.

import { createLoan } from '../../../functions/core/servicing/loan';
import { createHandler } from '../../../functions/handlers/overdue-scan';
import { fakeDeps } from '../../support/fakes';
import { THREE_MONTHS } from '../../support/loans';

function loan(index: number) {
  return createLoan({
    loanId: `LOAN${String(index).padStart(3, '0')}`,
    applicationId: `APP${index}`,
    ownerId: `owner-${index}`,
    currency: 'CNY',
    principalMinor: 300_000,
    annualRatePercent: '12',
    disbursedAt: '2026-01-10T02:00:00.000Z',
    disbursementDate: '2026-01-10',
    schedule: THREE_MONTHS,
    at: '2026-01-10T02:00:00.000Z',
  });
}

describe('overdue-scan handler', () => {
  it('continues a scan that runs short of time from its cursor, on the same business date, until every due loan is seen', async () => {
    const deps = fakeDeps();
    for (let i = 0; i < 250; i += 1) await deps.loans.create(loan(i));
    deps.clock.current = new Date('2026-02-20T02:00:00.000Z'); // ten days after the first due date
    const handler = createHandler(deps);

    // 30 s left: below the reserve, so the first invocation takes one page (100 loans) and hands over.
    const first = await handler({}, () => 30_000);
    expect(first).toMatchObject({ date: '2026-02-20', pages: 1, loansRead: 100, cursor: expect.any(String) });
    expect(deps.scanContinuations).toEqual([{ date: '2026-02-20', cursor: first.cursor }]);

    // The continuation runs the next day by the clock, but scans the date it was given.
    deps.clock.current = new Date('2026-02-21T02:00:00.000Z');
    const second = await handler(deps.scanContinuations[0], () => 30_000);
    expect(second).toMatchObject({ date: '2026-02-20', loansRead: 100 });
    const third = await handler(deps.scanContinuations[1], () => 30_000);
    expect(third).toMatchObject({ date: '2026-02-20', loansRead: 50 });
    expect(third.cursor).toBeUndefined();
    expect(deps.scanContinuations).toHaveLength(2);

    // Every loan was scanned once, for 2026-02-20: ten days past due, 1-30.
    const stored = [...deps.loans.loans.values()];
    expect(stored.every((l) => l.delinquency?.asOf === '2026-02-20' && l.delinquency.daysPastDue === 10 && l.delinquency.bucket === '1-30')).toBe(true);
    expect(first.loansChanged + second.loansChanged + third.loansChanged).toBe(250);
  });

  it('with time to spare scans everything in one invocation and publishes the portfolio gauges', async () => {
    const deps = fakeDeps();
    for (let i = 0; i < 3; i += 1) await deps.loans.create(loan(i));
    deps.reports.portfolio = {
      activeLoans: 3,
      outstandingPrincipal: 900_000,
      'loans#current': 1,
      'principal#current': 300_000,
      'loans#31-60': 2,
      'principal#31-60': 600_000,
    };
    deps.clock.current = new Date('2026-02-20T02:00:00.000Z');
    const result = await createHandler(deps)({}, () => 600_000);
    expect(result.cursor).toBeUndefined();
    expect(deps.scanContinuations).toEqual([]);
    const gauge = (name: string) => deps.metrics.records.filter((r) => r.name === name).map((r) => r.value);
    expect(gauge('LoansCurrent')).toEqual([1]);
    expect(gauge('Loans31To60')).toEqual([2]);
    expect(gauge('Loans1To30')).toEqual([0]);
    expect(gauge('PAR30')).toEqual([600_000 / 900_000]);
  });

  it('publishes the model drift of the day before as PSI gauges (none for a day without scoring)', async () => {
    const deps = fakeDeps();
    deps.clock.current = new Date('2026-02-20T02:00:00.000Z');
    const v = deps.scoringModel.version;
    // Every application of 19 February scored in the lowest training decile: a large shift of the score.
    deps.reports.setDay('2026-02-19', { [`drift#${v}#scored`]: 40, [`drift#${v}#score#0`]: 40 }, []);
    await createHandler(deps)({}, () => 600_000);
    const gauge = (name: string) => deps.metrics.records.filter((r) => r.name === name).map((r) => r.value);
    expect(gauge('ScorePsi')).toHaveLength(1);
    expect(gauge('ScorePsi')[0]).toBeGreaterThan(0.25);
    expect(gauge('MaxInputPsi')).toHaveLength(1);

    const quiet = fakeDeps();
    quiet.clock.current = new Date('2026-02-20T02:00:00.000Z');
    await createHandler(quiet)({}, () => 600_000);
    expect(quiet.metrics.records.filter((r) => r.name === 'ScorePsi' || r.name === 'MaxInputPsi')).toEqual([]);
  });

  it('ignores an event that is not a continuation and scans today', async () => {
    const deps = fakeDeps();
    deps.clock.current = new Date('2026-02-20T17:00:00.000Z'); // 01:00 on the 21st in Shanghai
    const result = await createHandler(deps)({ date: 'yesterday', cursor: 42 });
    expect(result.date).toBe('2026-02-21');
  });
});
