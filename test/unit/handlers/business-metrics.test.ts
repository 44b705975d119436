// The business metrics each handler records (RecordingMetrics in fakeDeps), once per event — never again on a replay
// or a retried task — and that every invocation publishes what it recorded, failures included.

import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../../functions/handlers/pipeline-score';
import { createHandler as createDecide } from '../../../functions/handlers/pipeline-decide';
import { createHandler as createConclude } from '../../../functions/handlers/pipeline-conclude';
import { createHandler as createPrepare } from '../../../functions/handlers/pipeline-prepare-contract';
import { createHandler as createAccept } from '../../../functions/handlers/accept-contract';
import { createHandler as createDisburse } from '../../../functions/handlers/pipeline-disburse';
import { createHandler as createRepayments } from '../../../functions/handlers/repayments';
import { createHandler as createReviewSla } from '../../../functions/handlers/review-sla';
import { createHandler as createOverdueScan } from '../../../functions/handlers/overdue-scan';
import { requestReview } from '../../../functions/core/review/review-service';
import { openLoan } from '../../../functions/core/servicing/loan-service';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';
import { newToken } from '../../support/reviews';
import { THREE_MONTHS } from '../../support/loans';
import { TIME_ZONE } from '../../support/settings';

type Deps = ReturnType<typeof fakeDeps>;

const ACCOUNT = { bankName: 'Example Bank', accountNumber: '6222 0212 3456 7890 123', holderName: 'Li Wei' };
const loanOf = (amount: string) => ({ loan: { amount: { amount, currency: 'CNY' }, termMonths: 24, purpose: 'electronics' } });

function later(deps: Deps, seconds: number): void {
  deps.clock.current = new Date(deps.clock.current.getTime() + seconds * 1000);
}

async function submit(deps: Deps, key: string, overrides: Record<string, unknown> = {}, body: unknown = validApplication(overrides)) {
  return createSubmit(deps)(httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': key }, body, sub: 'alice' }), lambdaContext);
}

/** Submitted, then scored `seconds` later; the metrics of the way there are cleared. */
async function scored(deps: Deps, score: number, overrides: Record<string, unknown> = {}, seconds = 0): Promise<string> {
  deps.scorer.result = score;
  const applicationId = parse(await submit(deps, `metrics-${Math.random()}`, overrides)).applicationId as string;
  later(deps, seconds);
  await createResume(deps)({ applicationId });
  await createScore(deps)({ applicationId });
  deps.metrics.clear();
  return applicationId;
}

describe('business metrics recorded by the handlers', () => {
  it('submit-application: ApplicationsSubmitted with product and channel for a new application, nothing on a replay', async () => {
    const deps = fakeDeps();
    const body = validApplication();
    const first = await submit(deps, 'metrics-submit-1', {}, body);
    expect(first.statusCode).toBe(202);
    expect(deps.metrics.records).toEqual([{ name: 'ApplicationsSubmitted', value: 1, unit: 'Count', dimensions: { product: 'personal-consumer', channel: 'app' } }]);
    expect(deps.metrics.published).toBe(1);

    const replay = await submit(deps, 'metrics-submit-1', {}, body);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(deps.metrics.values('ApplicationsSubmitted')).toEqual([1]);
    expect(deps.metrics.published).toBe(2);
  });

  it('submit-application: nothing for a refused request, but the invocation still publishes', async () => {
    const deps = fakeDeps();
    const result = await createSubmit(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': 'metrics-bad-1' }, body: { productId: 'personal-consumer' }, sub: 'alice' }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(422);
    expect(deps.metrics.records).toEqual([]);
    expect(deps.metrics.published).toBe(1);
  });

  it('pipeline-decide: DecisionsAutoApproved and TimeToDecision (createdAt → decidedAt) once; a retried task records nothing', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 750, {}, 90);
    const decide = createDecide(deps);
    expect(await decide({ applicationId: id })).toMatchObject({ outcome: 'APPROVED' });
    expect(deps.metrics.records).toEqual([
      { name: 'DecisionsAutoApproved', value: 1, unit: 'Count', dimensions: {} },
      { name: 'TimeToDecision', value: 90, unit: 'Seconds', dimensions: {} },
    ]);
    await decide({ applicationId: id });
    expect(deps.metrics.records).toHaveLength(2);
    expect(deps.metrics.published).toBe(2);
  });

  it('pipeline-decide: DecisionsAutoDeclined for band D; nothing for an application routed to review', async () => {
    const deps = fakeDeps();
    const declined = await scored(deps, 550);
    await createDecide(deps)({ applicationId: declined });
    expect(deps.metrics.names()).toEqual(['DecisionsAutoDeclined', 'TimeToDecision']);

    deps.metrics.clear();
    const review = await scored(deps, 750, loanOf('30000.00'));
    expect(await createDecide(deps)({ applicationId: review })).toMatchObject({ outcome: 'REVIEW' });
    expect(deps.metrics.records).toEqual([]);
  });

  it('pipeline-decide: a decision stored before the applicant could be told is counted once, by the failed attempt', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 750);
    const publish = deps.notifier.publish.bind(deps.notifier);
    deps.notifier.publish = async () => {
      throw new Error('SNS unavailable');
    };
    await expect(createDecide(deps)({ applicationId: id })).rejects.toThrow('SNS unavailable');
    expect(deps.metrics.names()).toEqual(['DecisionsAutoApproved', 'TimeToDecision']);
    expect(deps.metrics.published).toBe(1);
    deps.notifier.publish = publish;
    await createDecide(deps)({ applicationId: id }); // the task's retry
    expect(deps.metrics.names()).toEqual(['DecisionsAutoApproved', 'TimeToDecision']);
  });

  it('pipeline-decide: publishes even when the task fails', async () => {
    const deps = fakeDeps();
    await expect(createDecide(deps)({ applicationId: 'NO-SUCH-APPLICATION' })).rejects.toThrow();
    expect(deps.metrics.published).toBe(1);
  });

  it('pipeline-conclude: DecisionsReviewApproved / Rejected with TimeToDecision; Expired without; retries record nothing', async () => {
    const deps = fakeDeps();
    const conclude = createConclude(deps);
    const pendingReview = async () => {
      const id = await scored(deps, 750, loanOf('30000.00'));
      await createDecide(deps)({ applicationId: id });
      deps.metrics.clear();
      return id;
    };

    const approved = await pendingReview();
    later(deps, 2 * 3600);
    await conclude({ step: 'conclude', applicationId: approved, outcome: 'APPROVED' });
    await conclude({ step: 'conclude', applicationId: approved, outcome: 'APPROVED' });
    expect(deps.metrics.records).toEqual([
      { name: 'DecisionsReviewApproved', value: 1, unit: 'Count', dimensions: {} },
      { name: 'TimeToDecision', value: 2 * 3600, unit: 'Seconds', dimensions: {} },
    ]);

    const rejected = await pendingReview();
    await conclude({ step: 'conclude', applicationId: rejected, outcome: 'DECLINED', review: { decision: 'REJECT', comment: 'no', reviewerId: 'R1', reviewId: 'rv-1', level: 1 } });
    expect(deps.metrics.names()).toEqual(['DecisionsReviewRejected', 'TimeToDecision']);

    const expired = await pendingReview();
    await conclude({ step: 'conclude', applicationId: expired, outcome: 'EXPIRED' });
    expect(deps.metrics.records).toEqual([{ name: 'DecisionsReviewExpired', value: 1, unit: 'Count', dimensions: {} }]);
  });

  it('pipeline-disburse: LoansDisbursed and DisbursedAmount in yuan once; a retried step records nothing', async () => {
    const deps = fakeDeps();
    const id = await scored(deps, 750, { disbursementAccount: ACCOUNT });
    await createDecide(deps)({ applicationId: id });
    await createPrepare(deps)({ applicationId: id, taskToken: newToken() });
    const sha256 = deps.applications.applications.get(id)!.offer!.contract!.sha256;
    const accepted = await createAccept(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/applications/{applicationId}/contract/accept', pathParameters: { applicationId: id }, sub: 'alice', body: { contractSha256: sha256 } }),
      lambdaContext,
    );
    expect(accepted.statusCode).toBe(200);
    deps.metrics.clear();

    const disburse = createDisburse(deps);
    expect(await disburse({ applicationId: id })).toMatchObject({ status: 'DISBURSED' });
    expect(await disburse({ applicationId: id })).toMatchObject({ status: 'DISBURSED' });
    expect(deps.metrics.records).toEqual([
      { name: 'LoansDisbursed', value: 1, unit: 'Count', dimensions: {} },
      { name: 'DisbursedAmount', value: 8000, unit: 'None', dimensions: {} },
    ]);
    expect(deps.metrics.published).toBe(2);
  });

  it('repayments: RepaymentsReceived and RepaymentsAmount in yuan for a new repayment, nothing for the same reference again', async () => {
    const deps = fakeDeps();
    deps.clock.current = new Date('2026-02-12T02:00:00.000Z');
    await openLoan(deps, {
      loanId: 'LOAN1', applicationId: 'APP1', ownerId: 'alice', productId: 'personal-consumer', currency: 'CNY', principalMinor: 300_000,
      annualRatePercent: '12', disbursedAt: '2026-01-10T02:00:00.000Z', schedule: THREE_MONTHS,
    }, { timeZone: TIME_ZONE });
    const repay = () =>
      createRepayments(deps)(
        httpEvent({
          method: 'POST',
          routePath: '/v1/loans/{loanId}/repayments',
          pathParameters: { loanId: 'LOAN1' },
          sub: 'olga',
          roles: ['ops'],
          body: { amount: { amount: '1025.50', currency: 'CNY' }, paidAt: '2026-02-10T03:00:00Z', reference: 'BANK-0001' },
        }),
        lambdaContext,
      );
    expect((await repay()).statusCode).toBe(201);
    expect((await repay()).statusCode).toBe(200);
    expect(deps.metrics.records).toEqual([
      { name: 'RepaymentsReceived', value: 1, unit: 'Count', dimensions: {} },
      { name: 'RepaymentsAmount', value: 1025.5, unit: 'None', dimensions: {} },
    ]);
    expect(deps.metrics.published).toBe(2);
  });

  it('review-sla: the pending and overdue gauges every run, and the run\'s SLA breaches (escalations due, expiries)', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'R1' });
    const id = await scored(deps, 750, loanOf('30000.00'));
    await createDecide(deps)({ applicationId: id });
    const { reviewId } = await requestReview(deps, { applicationId: id, level: 1, taskToken: newToken() });
    const review = (await deps.reviews.get(reviewId))!;
    const sla = createReviewSla(deps);
    const run = async (at: string) => {
      deps.clock.current = new Date(at);
      deps.metrics.clear();
      const result = await sla();
      return { result, values: Object.fromEntries(deps.metrics.records.map((r) => [r.name, r.value])), published: deps.metrics.published };
    };

    expect(await run(review.createdAt)).toEqual({
      result: expect.objectContaining({ pending: 1, overdue: 0 }),
      values: { ReviewSlaBreaches: 0, ReviewsPending: 1, ReviewsOverdue: 0 },
      published: 1,
    });
    // Due for escalation, but R1 is the only level-1 reviewer: blocked (operations told), a breach, and overdue.
    expect((await run(review.escalateAt)).values).toEqual({ ReviewSlaBreaches: 1, ReviewsPending: 1, ReviewsOverdue: 1 });
    expect((await run(new Date(Date.parse(review.escalateAt) + 60_000).toISOString())).values).toEqual({ ReviewSlaBreaches: 0, ReviewsPending: 1, ReviewsOverdue: 1 });
    expect((await run(review.expiresAt)).values).toEqual({ ReviewSlaBreaches: 1, ReviewsPending: 0, ReviewsOverdue: 0 });
    expect(deps.metrics.records.find((r) => r.name === 'ReviewsPending')!.unit).toBe('Count');
  });

  it('overdue-scan: RemindersSent is the SMS and e-mail reminders the run sent', async () => {
    const deps = fakeDeps();
    // alice's contact (phone and e-mail) comes from her application's customer record.
    await submit(deps, 'metrics-overdue-1');
    await openLoan(deps, {
      loanId: 'LOAN1', applicationId: 'APP1', ownerId: 'alice', productId: 'personal-consumer', currency: 'CNY', principalMinor: 300_000,
      annualRatePercent: '12', disbursedAt: '2026-01-10T02:00:00.000Z', schedule: THREE_MONTHS,
    }, { timeZone: TIME_ZONE });
    deps.metrics.clear();
    deps.clock.current = new Date('2026-02-07T02:00:00.000Z'); // 10:00 in Shanghai, three days before the first due date
    const result = await createOverdueScan(deps)({});
    expect(result.reminders).toMatchObject({ sms: 1, email: 1 });
    expect(deps.metrics.records.filter((r) => r.name === 'RemindersSent')).toEqual([{ name: 'RemindersSent', value: 2, unit: 'Count', dimensions: {} }]);
    expect(deps.metrics.published).toBe(1);

    deps.metrics.clear();
    await createOverdueScan(deps)({});
    expect(deps.metrics.records.filter((r) => r.name === 'RemindersSent')).toEqual([{ name: 'RemindersSent', value: 0, unit: 'Count', dimensions: {} }]);
  });
});
