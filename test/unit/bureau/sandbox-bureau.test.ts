import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLEAN_REPORT,
  SANDBOX_IDENTITIES,
  createSandboxBureau,
  sandboxIdentity,
  type SandboxScenario,
} from '../../../functions/adapters/bureau/sandbox-bureau';
import { BureauRequestRejectedError, BureauUnavailableError, bureauReportSchema, type BureauReport } from '../../../functions/core/assessment/bureau';
import { cnBirthDate, cnNationalIdProblem } from '../../../functions/core/kernel/national-id';
import { FixedClock } from '../../support/fakes';
import { nationalIdFor } from '../../support/applications';

const clock = new FixedClock(new Date('2026-11-29T08:00:00.000Z'));
const APPLICATION_ID = '01JDQ8Z3M4V7N2K5P9R1S6T0XA';

const pull = (scenario: SandboxScenario, bureau = createSandboxBureau({ clock }), applicationId = APPLICATION_ID) => {
  const identity = sandboxIdentity(scenario);
  return bureau.report({ nationalId: identity.nationalId, fullName: identity.fullName, dateOfBirth: identity.dateOfBirth, applicationId });
};

const fieldsOf = ({ reportId: _r, bureau: _b, pulledAt: _p, subject: _s, ...fields }: BureauReport) => fields;

const ageOn = (dateOfBirth: string, day: string) => {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
};

describe('sandbox credit bureau', () => {
  it('has valid, distinct, adult test identities whose IDs embed their birth dates', () => {
    const ids = SANDBOX_IDENTITIES.map((identity) => identity.nationalId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(SANDBOX_IDENTITIES.map((identity) => identity.scenario)).size).toBe(ids.length);
    for (const identity of SANDBOX_IDENTITIES) {
      expect(cnNationalIdProblem(identity.nationalId)).toBeUndefined();
      expect(cnBirthDate(identity.nationalId)).toBe(identity.dateOfBirth);
      expect(ageOn(identity.dateOfBirth, '2026-11-29')).toBeGreaterThanOrEqual(21);
      expect(ageOn(identity.dateOfBirth, '2026-11-29')).toBeLessThanOrEqual(60);
    }
    // The examples of API.md and the README are not test identities: they get the clean report.
    for (const example of ['110105199003071239', '11010519491231002X', '440524188001010014']) expect(ids).not.toContain(example);
  });

  it('covers every scenario the pipeline and the policy need', () => {
    expect(SANDBOX_IDENTITIES.map((identity) => identity.scenario).sort()).toEqual(
      [
        'all_paid_duly',
        'critical_account',
        'current_arrears',
        'current_default',
        'fraud_flag',
        'high_debt',
        'high_utilisation',
        'many_inquiries',
        'past_delays',
        'thin_file',
        'transient_failure',
        'unavailable',
      ].sort(),
    );
  });

  it('gives an unknown valid ID the clean report', async () => {
    const report = await createSandboxBureau({ clock }).report({
      nationalId: nationalIdFor('1990-03-07'),
      fullName: 'Li Wei',
      dateOfBirth: '1990-03-07',
      applicationId: APPLICATION_ID,
    });
    expect(bureauReportSchema.parse(report)).toEqual(report);
    expect(report).toEqual({
      reportId: `SBX-${APPLICATION_ID}`,
      bureau: 'sandbox',
      pulledAt: '2026-11-29T08:00:00.000Z',
      subject: { reference: APPLICATION_ID, fileFound: true },
      creditHistory: 'paid_duly_till_now',
      existingCredits: 1,
      totalMonthlyDebtPayments: { minor: 100_000, currency: 'CNY' },
      maxDaysPastDueLast24Months: 0,
      currentDefault: false,
      fraudFlag: false,
      inquiriesLast6Months: 1,
      accountsInArrears: 0,
      currentArrears: { minor: 0, currency: 'CNY' },
      revolvingUtilisation: 0.3,
      bureauScore: 700,
    });
  });

  it.each([
    ['thin_file', { creditHistory: 'no_credits', existingCredits: 0, totalMonthlyDebtPayments: null, bureauScore: null }],
    ['all_paid_duly', { creditHistory: 'all_paid_duly', currentDefault: false, fraudFlag: false }],
    ['past_delays', { creditHistory: 'past_delays', maxDaysPastDueLast24Months: 45 }],
    ['critical_account', { creditHistory: 'critical_account', currentDefault: false, maxDaysPastDueLast24Months: 95, accountsInArrears: 0, revolvingUtilisation: 0.95 }],
    ['current_default', { creditHistory: 'critical_account', currentDefault: true, fraudFlag: false, accountsInArrears: 2 }],
    ['current_arrears', { currentDefault: false, accountsInArrears: 1, currentArrears: { minor: 180_000, currency: 'CNY' }, maxDaysPastDueLast24Months: 35 }],
    ['high_utilisation', { currentDefault: false, accountsInArrears: 0, revolvingUtilisation: 0.97 }],
    ['fraud_flag', { creditHistory: 'paid_duly_till_now', currentDefault: false, fraudFlag: true }],
    ['many_inquiries', { inquiriesLast6Months: 9, currentDefault: false, fraudFlag: false }],
    ['high_debt', { existingCredits: 5, totalMonthlyDebtPayments: { minor: 900_000, currency: 'CNY' } }],
  ] as const)('%s returns its documented report', async (scenario, expected) => {
    const identity = sandboxIdentity(scenario);
    const report = await pull(scenario);
    expect(bureauReportSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject(expected);
    expect(report.subject).toEqual({ reference: APPLICATION_ID, fileFound: scenario !== 'thin_file' });
    if (identity.behaviour.kind === 'report') expect(fieldsOf(report)).toEqual(identity.behaviour.report);
    // No identity data in the report.
    for (const value of [identity.nationalId, identity.fullName, identity.dateOfBirth]) expect(JSON.stringify(report)).not.toContain(value);
  });

  it('fails the first two pulls of each application for the transient identity, then returns the clean report', async () => {
    const bureau = createSandboxBureau({ clock });
    for (const call of [1, 2]) {
      const error = await pull('transient_failure', bureau).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BureauUnavailableError);
      expect(error).toMatchObject({ name: 'BureauUnavailableError', message: expect.stringContaining(`${call} of 2`) });
    }
    expect(fieldsOf(await pull('transient_failure', bureau))).toEqual(CLEAN_REPORT);
    expect(fieldsOf(await pull('transient_failure', bureau))).toEqual(CLEAN_REPORT);
    // Another application starts counting afresh.
    await expect(pull('transient_failure', bureau, '01JDQ8Z3M4V7N2K5P9R1S6T0YB')).rejects.toBeInstanceOf(BureauUnavailableError);
  });

  it('always fails for the unavailable identity', async () => {
    const bureau = createSandboxBureau({ clock });
    for (let i = 0; i < 5; i += 1) {
      await expect(pull('unavailable', bureau)).rejects.toMatchObject({ name: 'BureauUnavailableError', reason: 'timeout' });
    }
  });

  it('is deterministic: the same request at the same time gives the same report, from any instance', async () => {
    for (const identity of SANDBOX_IDENTITIES.filter((entry) => entry.behaviour.kind === 'report' || entry.behaviour.kind === 'thin_file')) {
      const first = await pull(identity.scenario, createSandboxBureau({ clock }));
      const again = await pull(identity.scenario, createSandboxBureau({ clock }));
      expect(again).toEqual(first);
    }
  });

  it('refuses what a real bureau refuses, without quoting the request', async () => {
    const bureau = createSandboxBureau({ clock });
    const bad: unknown = await bureau
      .report({ nationalId: '110105199003071238', fullName: 'Li Wei', dateOfBirth: '1990-03-07', applicationId: APPLICATION_ID })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BureauRequestRejectedError);
    expect((bad as Error).message).not.toContain('110105199003071238');
    await expect(
      bureau.report({ nationalId: '110105199003071239', fullName: 'Li Wei', dateOfBirth: '1990-03-08', applicationId: APPLICATION_ID }),
    ).rejects.toMatchObject({ name: 'BureauRequestRejectedError', status: 422 });
  });

  it('is listed in the README, each ID with its birth date', () => {
    const doc = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    for (const identity of SANDBOX_IDENTITIES) {
      const row = doc.split('\n').find((line) => line.includes(`\`${identity.nationalId}\``));
      expect(row).toBeDefined();
      expect(row).toContain(identity.dateOfBirth);
    }
  });
});
