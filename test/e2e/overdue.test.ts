// Overdue monitoring end to end on the local stack (issue 6): a loan is disbursed, then never paid; the clock moves day
// by day from a week before the first due date to 35 days after it, and the overdue scan runs every day (twice on some
// days) as EventBridge would. Checked against figures computed here from the schedule and the contract's late-fee rule
// (0.05 % a day of the overdue principal after 3 days of grace, at most 10 %): the reminders of every stage on their
// day, once per channel; the late fees accrued once per day; the bucket moving; the early warning at 31 days past due;
// no SMS in quiet hours (sent after 08:00); and paying the arrears clears them and takes the loan out of the scan's index.

import { uniqueIdentity, validApplication, disbursementAccount } from '../support/applications';
import { bootStack, call, eventually, type E2eContext } from './support';

let ctx: E2eContext;
let ops: string;

beforeAll(async () => {
  ctx = await bootStack();
  ops = await ctx.token('olga', ['ops']);
});

afterAll(async () => {
  await ctx?.close();
});

interface OutboxMessage {
  at: string;
  channel: 'email' | 'sms';
  to: string;
  subject: string;
  body: string;
  attributes?: Record<string, string>;
}

interface ScheduleRow {
  n: number;
  dueDate: string;
  principal: { amount: string };
}

const DAY = 86_400_000;
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const daysFrom = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
const minor = (amount: string) => Math.round(Number(amount) * 100);
/** A local (Asia/Shanghai, UTC+8) wall-clock time on a day, as an instant. */
const localTime = (day: string, hour: number) => new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 8) * 3_600_000).toISOString();

/** The contract's default late-fee rule, computed independently: half-up to the minor unit, capped at 10 %. */
function expectedLateFee(overduePrincipalMinor: number, daysPastDue: number): number {
  if (daysPastDue <= 3) return 0;
  const fee = Math.floor((overduePrincipalMinor * 5 * daysPastDue) / 10_000 + 0.5);
  return Math.min(fee, Math.floor(overduePrincipalMinor / 10 + 0.5));
}

const STAGES: [string, number][] = [
  ['due_in_3_days', -3],
  ['due_today', 0],
  ['overdue_1', 1],
  ['overdue_7', 7],
  ['overdue_15', 15],
  ['overdue_30', 30],
];

async function disbursedLoan() {
  const token = await ctx.token('late-payer');
  const body = validApplication(disbursementAccount(), uniqueIdentity());
  const submitted = await call(ctx.url, 'POST', '/v1/applications', { token, body, headers: { 'Idempotency-Key': `overdue-${Date.now()}` } });
  expect(submitted.status).toBe(202);
  const id = submitted.json.applicationId as string;
  const approved = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => r.json?.offer?.contract?.sha256 !== undefined);
  const accepted = await call(ctx.url, 'POST', `/v1/applications/${id}/contract/accept`, { token, body: { contractSha256: approved.json.offer.contract.sha256 } });
  expect(accepted.status).toBe(200);
  const disbursed = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => ['DISBURSED', 'FAILED'].includes(r.json?.status));
  expect(disbursed.json.status).toBe('DISBURSED');
  return { applicationId: id, loanId: disbursed.json.loanId as string, token };
}

describe('a loan that is not paid, day by day', () => {
  it('reminds on the right days once each, accrues fees once a day, moves buckets, warns at day 31, and clears on payment', async () => {
    const { applicationId, loanId, token } = await disbursedLoan();
    const schedule = (await call(ctx.url, 'GET', `/v1/loans/${loanId}/schedule`, { token })).json.installments as ScheduleRow[];
    const first = schedule[0]!.dueDate;
    const start = addDays(first, -7);
    const end = addDays(first, 35);
    const setClock = (now: string) => call(ctx.url, 'POST', '/_local/clock', { body: { now } });
    const scan = async () => {
      const run = await call(ctx.url, 'POST', '/_local/schedules/overdue-scan/run');
      expect(run.status).toBe(200);
      return run.json.result as { date: string; loansRead: number };
    };
    const outbox = async () => ((await call(ctx.url, 'GET', '/_local/outbox')).json as OutboxMessage[]).filter((m) => m.attributes?.loanId === loanId);
    const view = async () => (await call(ctx.url, 'GET', `/v1/loans/${loanId}`, { token })).json;

    const penaltiesByDay = new Map<string, number>();
    const bucketByDay = new Map<string, string>();
    const flagsByDay = new Map<string, string[]>();
    for (let day = start; day <= end; day = addDays(day, 1)) {
      if (day === addDays(first, 7)) {
        // In quiet hours (07:00 local): e-mails go out, SMS wait for the morning.
        await setClock(localTime(day, 7));
        await scan();
        const early = (await outbox()).filter((m) => m.attributes?.stage === 'overdue_7');
        expect(early.map((m) => m.channel)).toEqual(['email']);
      }
      await setClock(localTime(day, 10));
      const result = await scan();
      expect(result.date).toBe(day);
      const afterOnce = await view();
      // The same day again (a retried schedule): nothing new is charged or sent.
      const sentBefore = (await outbox()).length;
      if (daysFrom(first, day) % 5 === 0) {
        await scan();
        const afterTwice = await view();
        expect(afterTwice.outstanding.penalties).toEqual(afterOnce.outstanding.penalties);
        expect((await outbox()).length).toBe(sentBefore);
      }
      penaltiesByDay.set(day, minor(afterOnce.outstanding.penalties.amount));
      bucketByDay.set(day, afterOnce.delinquency.bucket);
      flagsByDay.set(day, afterOnce.delinquency.riskFlags);
      expect(afterOnce.delinquency.daysPastDue).toBe(Math.max(0, daysFrom(first, day)));
    }

    // Reminders: every stage of every installment whose day fell in the walk, on that day, once per channel.
    const reminders = (await outbox()).filter((m) => m.attributes?.kind === 'reminder');
    const expected: string[] = [];
    for (const row of schedule) {
      for (const [stage, offset] of STAGES) {
        const on = addDays(row.dueDate, offset);
        if (on >= start && on <= end) for (const channel of ['email', 'sms']) expected.push(`${row.n}|${stage}|${channel}|${on}`);
      }
    }
    const shanghaiDay = (instant: string) => new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);
    const actual = reminders.map((m) => `${m.attributes!.installment}|${m.attributes!.stage}|${m.channel}|${shanghaiDay(m.at)}`);
    expect(actual.sort()).toEqual(expected.sort());
    for (const sms of reminders.filter((m) => m.channel === 'sms')) {
      const hour = (new Date(sms.at).getUTCHours() + 8) % 24;
      expect(hour >= 8 && hour < 21).toBe(true);
    }
    expect(reminders.find((m) => m.channel === 'sms')!.to).toBe('+8613800138000');
    // In the applicant's language (zh-CN) with the amount owed.
    expect(reminders.find((m) => m.attributes!.stage === 'overdue_1')!.body).toMatch(/逾期/);

    // Late fees: each day's total equals the rule applied to every overdue installment's principal, so once per day.
    for (const [day, penalties] of penaltiesByDay) {
      const due = schedule
        .filter((row) => row.dueDate < day)
        .reduce((sum, row) => sum + expectedLateFee(minor(row.principal.amount), daysFrom(row.dueDate, day)), 0);
      expect({ day, penalties }).toEqual({ day, penalties: due });
    }
    expect(penaltiesByDay.get(end)).toBeGreaterThan(0);

    // Buckets: current until the due date, 1–30 from the day after, 31–60 from day 31.
    expect(bucketByDay.get(first)).toBe('current');
    expect(bucketByDay.get(addDays(first, 1))).toBe('1-30');
    expect(bucketByDay.get(addDays(first, 30))).toBe('1-30');
    expect(bucketByDay.get(addDays(first, 31))).toBe('31-60');

    // Early warning: flagged on day 31, not before, alerted once to operations, in the audit trail.
    expect(flagsByDay.get(addDays(first, 30))).not.toContain('DPD_31_PLUS');
    expect(flagsByDay.get(addDays(first, 31))).toContain('DPD_31_PLUS');
    const alerts = ((await call(ctx.url, 'GET', '/_local/outbox')).json as OutboxMessage[]).filter(
      (m) => m.attributes?.kind === 'early_warning' && m.attributes.loanId === loanId,
    );
    expect(alerts).toHaveLength(1);
    expect(shanghaiDay(alerts[0]!.at)).toBe(addDays(first, 31));
    expect(alerts[0]!.body).not.toContain('+8613800138000');
    const audit = (await call(ctx.url, 'GET', `/v1/applications/${applicationId}/audit`, { token: ops })).json;
    expect(audit.verified).toBe(true);
    expect(audit.events.filter((e: { action: string }) => e.action === 'loan.early_warning')).toHaveLength(1);

    // The loan view shows it all.
    const overdue = await view();
    expect(overdue.delinquency).toMatchObject({ daysPastDue: 35, bucket: '31-60', riskFlags: ['DPD_31_PLUS'] });
    expect(overdue.remindersSent.length).toBe(reminders.length);
    expect(overdue.remindersSent[0]).toEqual({ at: expect.any(String), stage: 'due_in_3_days', channel: expect.stringMatching(/^(sms|email)$/) });

    // Paying everything past due clears the arrears and the loan leaves the scan's index (next due is over a week away).
    const paid = await call(ctx.url, 'POST', `/v1/loans/${loanId}/repayments`, {
      token: ops,
      body: { amount: overdue.delinquency.amountPastDue, paidAt: localTime(end, 10), reference: 'arrears-1' },
    });
    expect(paid.status).toBe(201);
    const cured = await view();
    expect(cured.delinquency).toMatchObject({ daysPastDue: 0, bucket: 'current' });
    expect(cured.outstanding.penalties.amount).toBe('0.00');
    const nextDue = schedule.find((row) => row.dueDate > end)!.dueDate;
    expect(daysFrom(end, nextDue)).toBeGreaterThan(3);
    const due = await ctx.stack.deps.loans.listDue(addDays(end, 3), 1000);
    expect(due.items.map((loan) => loan.loanId)).not.toContain(loanId);
    const sent = (await outbox()).length;
    await setClock(localTime(addDays(end, 1), 10));
    await scan();
    expect((await outbox()).length).toBe(sent);
    expect((await view()).outstanding.penalties.amount).toBe('0.00');
  });
});
