import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../../functions/handlers/pipeline-score';
import { createHandler as createDecide } from '../../../functions/handlers/pipeline-decide';
import { createHandler as createConclude } from '../../../functions/handlers/pipeline-conclude';
import { sandboxIdentity } from '../../../functions/adapters/bureau/sandbox-bureau';
import { SANDBOX_STATEMENT_IDENTITIES, sandboxStatementIdentity } from '../../../functions/adapters/statements/sandbox-statements';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { salariedStatement, withSalariedStatement } from '../../support/statements';
import { verifyChain } from '../../../functions/core/kernel/audit';
import { smsReference } from '../../../functions/adapters/sms/http-sms-provider';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';

type Deps = ReturnType<typeof fakeDeps>;

async function scored(deps: Deps, score: number, overrides: Record<string, unknown> = {}, identity?: { nationalId: string; dateOfBirth: string }) {
  deps.scorer.result = score;
  const result = await createSubmit(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': `decide-${Math.random()}` }, body: validApplication(overrides, identity), sub: 'alice' }),
    lambdaContext,
  );
  const applicationId = parse(result).applicationId as string;
  await createResume(deps)({ applicationId });
  await createScore(deps)({ applicationId });
  return applicationId;
}

const loan = (amount: string) => ({ loan: { amount: { amount, currency: 'CNY' }, termMonths: 24, purpose: 'electronics' } });
const review = (decision: 'APPROVE' | 'REJECT' | 'REQUEST_INFO', comment = '') => ({ decision, comment, reviewerId: 'rev-1', reviewId: `review-${Math.random()}`, level: 1 as const });

describe('Decide task', () => {
  it('approves a band-A 8,000 CNY application with an offer, and tells the applicant once by SMS and e-mail', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 750);
    const decide = createDecide(deps);
    expect(await decide({ applicationId: id })).toMatchObject({ status: 'APPROVED', outcome: 'APPROVED', levelsRequired: 0 });
    expect(await decide({ applicationId: id })).toMatchObject({ status: 'APPROVED', outcome: 'APPROVED' });
    const stored = deps.applications.applications.get(id)!;
    expect(stored.decision).toMatchObject({ outcome: 'APPROVED', band: 'A', annualRatePercent: '8.5', policyVersion: 1, modelVersion: 'test-model-1', decidedBy: 'policy' });
    expect(stored.offer).toMatchObject({ principal: { amount: '8000.00', currency: 'CNY' }, annualRatePercent: '8.5', expiresAt: '2026-12-06T08:00:00.000Z' });
    const sent = deps.notifier.sent.filter((n) => n.topic === 'applicant');
    expect(sent.map((n) => [n.channel, n.to])).toEqual([
      ['sms', '+8613800138000'],
      ['email', 'li.wei@example.com'],
    ]);
    expect(sent[0]!.body).toContain('8000.00 CNY');
    expect(verifyChain(deps.applications.audit.get(id)!)).toBe(true);
  });

  it('declines band D with the scorecard\'s reasons in the applicant\'s language', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 550);
    expect(await createDecide(deps)({ applicationId: id })).toMatchObject({ status: 'DECLINED', outcome: 'DECLINED' });
    const stored = deps.applications.applications.get(id)!;
    expect(stored.decision!.reasons).toEqual([{ code: 'RC01', description: '支票账户余额偏低' }]);
    expect(stored.offer).toBeUndefined();
    expect(deps.notifier.sent.find((n) => n.channel === 'sms')!.body).toContain('支票账户余额偏低');
  });

  it('declines on the bureau\'s fraud flag whatever the score', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 800, {}, sandboxIdentity('fraud_flag'));
    await createDecide(deps)({ applicationId: id });
    expect(deps.applications.applications.get(id)!.decision).toMatchObject({ outcome: 'DECLINED', matchedRules: expect.arrayContaining(['KO_FRAUD_FLAG']) });
  });

  it('tells a declined applicant the smallest changes that would qualify, and each really does', async () => {
    // 8,000 CNY over 12 months with 7,000 of monthly debts on 15,000 of income: (7,000 + 733.42) / 15,000 > 50 %.
    const base = validApplication() as Record<string, any>;
    const indebted = { finances: { ...base.finances, monthlyDebtPayments: { amount: '7000.00', currency: 'CNY' } } };
    const deps = fakeDeps();
    const id = await scored(deps, 750, { ...indebted, loan: { amount: { amount: '8000.00', currency: 'CNY' }, termMonths: 12, purpose: 'electronics' } });
    expect(await createDecide(deps)({ applicationId: id })).toMatchObject({ status: 'DECLINED' });
    const decision = deps.applications.applications.get(id)!.decision!;
    expect(decision.reasons.map((r) => r.code)).toEqual(['KO_DEBT_TO_INCOME']);
    expect(decision.hint!.options).toEqual([{ termMonths: 24 }, { amountMinor: 4_800_00 }, { monthlyDebtPaymentsMinor: 5_200_00 }]);
    expect(decision.hint!.text.en).toBe(
      'With a 24-month term, or with an amount of 4,800.00 CNY, or with monthly debt payments of at most 5,200.00 CNY, this application would qualify under the same policy (approved, or passed to a reviewer).',
    );
    expect(deps.notifier.sent.find((n) => n.channel === 'sms')!.body).toContain('期限改为 24 个月');

    // Each option, applied, is not declined by the same policy and model.
    for (const changed of [
      { ...indebted, loan: { amount: { amount: '8000.00', currency: 'CNY' }, termMonths: 24, purpose: 'electronics' } },
      { ...indebted, loan: { amount: { amount: '4800.00', currency: 'CNY' }, termMonths: 12, purpose: 'electronics' } },
      { finances: { ...base.finances, monthlyDebtPayments: { amount: '5200.00', currency: 'CNY' } }, loan: { amount: { amount: '8000.00', currency: 'CNY' }, termMonths: 12, purpose: 'electronics' } },
    ]) {
      const other = fakeDeps();
      const again = await scored(other, 750, changed);
      expect((await createDecide(other)({ applicationId: again })).status).not.toBe('DECLINED');
    }
  });

  it('gives no hint where no change the applicant can make would qualify (a fraud flag)', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 800, {}, sandboxIdentity('fraud_flag'));
    await createDecide(deps)({ applicationId: id });
    expect(deps.applications.applications.get(id)!.decision).toMatchObject({ outcome: 'DECLINED' });
    expect(deps.applications.applications.get(id)!.decision!.hint).toBeUndefined();
  });

  it('refers an application whose bank statement verifies far less income than declared, with the statement reason and its basis', async () => {
    const deps = fakeDeps();
    const overrides = withSalariedStatement(6_000_00, validApplication());
    const id = await scored(deps, 780, overrides);
    expect(await createDecide(deps)({ applicationId: id })).toMatchObject({ status: 'PENDING_REVIEW', outcome: 'REVIEW' });
    expect(deps.applications.applications.get(id)!.decision).toMatchObject({ reasons: [{ code: 'STATEMENT_INCOME_BELOW_DECLARED' }] });
    const evaluated = deps.applications.audit.get(id)!.find((e) => e.action === 'policy.evaluated')!;
    expect(evaluated.details).toMatchObject({ statementRules: [{ id: 'STATEMENT_INCOME_BELOW_DECLARED', fact: 'verifiedIncomeShare', value: 0.4, atMost: 0.6, action: 'REVIEW' }] });

    // The same applicant with a statement that bears the declared income out is approved as before.
    const other = fakeDeps();
    const matching = await scored(other, 780, { ...overrides, statement: { currency: 'CNY', transactions: salariedStatement(15_000_00) } });
    expect(await createDecide(other)({ applicationId: matching })).toMatchObject({ status: 'APPROVED' });
  });

  it('declines the critical-account identity (95 days late in 24 months) even at a band-A score, with the bureau reason and its basis', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 817, {}, sandboxIdentity('critical_account'));
    expect(await createDecide(deps)({ applicationId: id })).toMatchObject({ status: 'DECLINED', outcome: 'DECLINED' });
    const stored = deps.applications.applications.get(id)!;
    expect(stored.decision).toMatchObject({
      outcome: 'DECLINED',
      band: 'A',
      matchedRules: ['BUREAU_DPD_90_24M', 'BAND_A'],
      reasons: [{ code: 'BUREAU_DPD_90_24M', description: '征信报告显示近24个月内有逾期90天及以上的记录' }],
    });
    expect(stored.offer).toBeUndefined();
    const evaluated = deps.applications.audit.get(id)!.find((e) => e.action === 'policy.evaluated')!;
    expect(evaluated.details).toMatchObject({
      matchedRules: ['BUREAU_DPD_90_24M', 'BAND_A'],
      reasons: ['BUREAU_DPD_90_24M'],
      bureauRules: [{ id: 'BUREAU_DPD_90_24M', fact: 'maxDaysPastDueLast24Months', value: 95, atLeast: 90, action: 'DECLINE' }],
    });
    expect(deps.notifier.sent.find((n) => n.channel === 'sms')!.body).toContain('逾期90天');
  });

  it.each([
    ['many_inquiries', 'BUREAU_INQUIRIES_6M'],
    ['high_utilisation', 'BUREAU_UTILISATION_90'],
    ['past_delays', 'BUREAU_DPD_30_24M'],
  ] as const)('refers the %s identity to review instead of auto-approving it, naming %s', async (scenario, rule) => {
    const deps = fakeDeps();
    const id = await scored(deps, 800, {}, sandboxIdentity(scenario));
    expect(await createDecide(deps)({ applicationId: id })).toMatchObject({ status: 'PENDING_REVIEW', outcome: 'REVIEW', levelsRequired: 1 });
    const { decision } = deps.applications.applications.get(id)!;
    expect(decision).toMatchObject({ outcome: 'REVIEW', annualRatePercent: '8.5', matchedRules: ['BAND_A', rule, 'REVIEW_UP_TO_50000'] });
    expect(decision!.reasons.map((r) => r.code)).toEqual([rule]);
  });

  it('declines the current-arrears identity by the bureau rule on arrears', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 800, {}, sandboxIdentity('current_arrears'));
    await createDecide(deps)({ applicationId: id });
    expect(deps.applications.applications.get(id)!.decision).toMatchObject({ outcome: 'DECLINED', matchedRules: ['BUREAU_CURRENT_ARREARS', 'BAND_A'] });
  });

  it('routes 30,000 CNY in band A to one review level, with the SLA as the backstop timeout', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 750, loan('30000.00'));
    expect(await createDecide(deps)({ applicationId: id })).toEqual({ status: 'PENDING_REVIEW', outcome: 'REVIEW', levelsRequired: 1, reviewTimeoutSeconds: 121 * 3600 });
    expect(deps.notifier.sent).toHaveLength(0);
  });

  it('leaves a withdrawn application alone', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 750);
    const application = deps.applications.applications.get(id)!;
    await deps.applications.transition({ application, to: 'WITHDRAWN', at: '2026-11-29T08:00:01.000Z', by: 'applicant' });
    expect(await createDecide(deps)({ applicationId: id })).toMatchObject({ status: 'WITHDRAWN', outcome: 'NONE' });
  });
});

describe('after review', () => {
  async function pendingReview(deps: Deps) {
    const id = await scored(deps, 700, loan('80000.00'));
    await createDecide(deps)({ applicationId: id });
    return id;
  }

  it('approves after the last level with the band\'s rate and an offer', async () => {
    const deps = fakeDeps();
    const id = await pendingReview(deps);
    expect(await createConclude(deps)({ step: 'conclude', applicationId: id, outcome: 'APPROVED', review: review('APPROVE', 'ok') })).toEqual({ status: 'APPROVED' });
    const stored = deps.applications.applications.get(id)!;
    expect(stored.decision).toMatchObject({ outcome: 'APPROVED', decidedBy: 'review', annualRatePercent: '12', levelsRequired: 2 });
    expect(stored.offer!.principal).toEqual({ amount: '80000.00', currency: 'CNY' });
  });

  it('declines with the reviewer\'s comment as the reason', async () => {
    const deps = fakeDeps();
    const id = await pendingReview(deps);
    await createConclude(deps)({ step: 'conclude', applicationId: id, outcome: 'DECLINED', review: review('REJECT', 'income not verified') });
    expect(deps.applications.applications.get(id)!.decision!.reasons).toEqual([{ code: 'REVIEW_REJECTED', description: 'income not verified' }]);
    expect(deps.notifier.sent.find((n) => n.channel === 'sms')!.body).toContain('income not verified');
  });

  it('expires, and tells the applicant', async () => {
    const deps = fakeDeps();
    const id = await pendingReview(deps);
    await createConclude(deps)({ step: 'conclude', applicationId: id, outcome: 'EXPIRED' });
    expect(deps.applications.applications.get(id)!.status).toBe('EXPIRED');
    expect(deps.notifier.sent.find((n) => n.channel === 'sms')!.subject).toBe('您的贷款申请已过期');
  });

  it('asks the applicant for information once per review round', async () => {
    const deps = fakeDeps();
    const id = await pendingReview(deps);
    const asked = review('REQUEST_INFO', 'please upload payslips');
    const conclude = createConclude(deps);
    await conclude({ step: 'request-info', applicationId: id, review: asked });
    await conclude({ step: 'request-info', applicationId: id, review: asked });
    expect(deps.notifier.sent.filter((n) => n.channel === 'sms' && n.body.includes('payslips'))).toHaveLength(1);
    await conclude({ step: 'request-info', applicationId: id, review: { ...asked, reviewId: 'next-round' } });
    const asks = deps.notifier.sent.filter((n) => n.channel === 'sms' && n.body.includes('payslips'));
    expect(asks).toHaveLength(2);
    // Each round's message has its own key, so an SMS provider that de-duplicates on the reference sends both.
    expect(asks.map((n) => n.attributes!.notificationKey)).toEqual([`info_requested:${asked.reviewId}`, 'info_requested:next-round']);
    expect(new Set(asks.map(smsReference)).size).toBe(2);
    expect(deps.applications.applications.get(id)!.status).toBe('PENDING_REVIEW');
  });
});

describe('a statement pulled from the account-data provider (sandbox)', () => {
  const consenting = (base = validApplication() as Record<string, any>) => ({ consents: { ...base.consents, statementAnalysis: true } });

  it.each([
    ['low_income_statement', 'STATEMENT_INCOME_BELOW_DECLARED'],
    ['gambling_statement', 'STATEMENT_GAMBLING'],
  ] as const)('refers the %s identity, who consented and gave none, naming %s', async (scenario, rule) => {
    const deps = fakeDeps();
    const id = await scored(deps, 780, consenting(), sandboxStatementIdentity(scenario));
    const application = deps.applications.applications.get(id)!;
    expect(application.statement).toMatchObject({ source: 'provider', months: 6 });
    expect(deps.applications.audit.get(id)!.some((e) => e.action === 'statement.pulled')).toBe(true);
    expect(await createDecide(deps)({ applicationId: id })).toMatchObject({ status: 'PENDING_REVIEW' });
    expect(deps.applications.applications.get(id)!.decision!.reasons.map((r) => r.code)).toEqual([rule]);
  });

  it('pulls nothing without the consent, and approves the salaried identity as without a statement', async () => {
    const deps = fakeDeps();
    const without = await scored(deps, 780, {}, sandboxStatementIdentity('low_income_statement'));
    expect(deps.applications.applications.get(without)!.statement).toBeUndefined();
    const other = fakeDeps();
    const salaried = await scored(other, 780, consenting(), sandboxStatementIdentity('salaried_statement'));
    expect(other.applications.applications.get(salaried)!.statement).toMatchObject({ source: 'provider', inflow: { verifiedMonthlyMinor: 15_000_00 } });
    expect(await createDecide(other)({ applicationId: salaried })).toMatchObject({ status: 'APPROVED' });
  });

  it('is listed in the README, each ID with its birth date', () => {
    const doc = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    for (const identity of SANDBOX_STATEMENT_IDENTITIES) {
      const row = doc.split('\n').find((line) => line.includes(`\`${identity.nationalId}\``));
      expect(row).toContain(identity.dateOfBirth);
    }
  });
});
