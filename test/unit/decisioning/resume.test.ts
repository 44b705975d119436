// The pipeline's entry (Resume), the operators' re-drive and the crash-safe payout, through the handlers on the
// fakes: an execution started at any moment of an application's life continues it from where it stands, finishing
// what a crash left half done without repeating what was done.

import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../../functions/handlers/pipeline-score';
import { createHandler as createDecide } from '../../../functions/handlers/pipeline-decide';
import { createHandler as createPrepare } from '../../../functions/handlers/pipeline-prepare-contract';
import { createHandler as createAccept } from '../../../functions/handlers/accept-contract';
import { createHandler as createDisburse } from '../../../functions/handlers/pipeline-disburse';
import { createHandler as createRecordFailure } from '../../../functions/handlers/pipeline-record-failure';
import { createHandler as createRedrive } from '../../../functions/handlers/redrive-application';
import { createHandler as createRequestReview } from '../../../functions/handlers/pipeline-request-review';
import { decideReview } from '../../../functions/core/review/review-service';
import { verifyChain } from '../../../functions/core/kernel/audit';
import { CoreBankingUnavailableError } from '../../../functions/core/contracting/core-banking';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { uniqueIdentity, validApplication } from '../../support/applications';
import { newToken, pendingReview } from '../../support/reviews';

type Deps = ReturnType<typeof fakeDeps>;

const ACCOUNT = { bankName: 'Example Bank', accountNumber: '6222021234567890123', holderName: 'Li Wei' };

async function submit(deps: Deps, overrides: Record<string, unknown> = {}, identity = uniqueIdentity()): Promise<string> {
  const result = await createSubmit(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': `resume-${Math.random()}` }, body: validApplication(overrides, identity), sub: 'alice' }),
    lambdaContext,
  );
  expect(result.statusCode).toBe(202);
  return parse(result).applicationId as string;
}

/** Submitted, scored at `score`, decided. */
async function decided(deps: Deps, score = 750, overrides: Record<string, unknown> = { disbursementAccount: ACCOUNT }): Promise<string> {
  deps.scorer.result = score;
  const id = await submit(deps, overrides);
  await createResume(deps)({ applicationId: id });
  await createScore(deps)({ applicationId: id });
  await createDecide(deps)({ applicationId: id });
  return id;
}

async function accepted(deps: Deps): Promise<string> {
  const id = await decided(deps);
  await createPrepare(deps)({ applicationId: id, taskToken: newToken() });
  const sha256 = deps.applications.applications.get(id)!.offer!.contract!.sha256;
  const result = await createAccept(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications/{applicationId}/contract/accept', pathParameters: { applicationId: id }, sub: 'alice', body: { contractSha256: sha256 } }),
    lambdaContext,
  );
  expect(result.statusCode).toBe(200);
  return id;
}

const resume = (deps: Deps, applicationId: string) => createResume(deps)({ applicationId });
const notices = (deps: Deps, applicationId: string, kind: string) =>
  deps.notifier.sent.filter((n) => n.attributes?.applicationId === applicationId && n.attributes?.kind === kind).length;

describe('Resume: the pipeline continues an application from where it stands', () => {
  it('moves SUBMITTED to ASSESSING and goes on to Score; a scored one to Decide', async () => {
    const deps = fakeDeps();
    const id = await submit(deps);
    expect(await resume(deps, id)).toEqual({ status: 'ASSESSING', next: 'Score', review: null, reviewResult: null });
    await createScore(deps)({ applicationId: id });
    expect(await resume(deps, id)).toMatchObject({ status: 'ASSESSING', next: 'Decide' });
  });

  it('tells an approved applicant once (even when the crash came before the notice), then goes to the contract step', async () => {
    const deps = fakeDeps();
    const id = await decided(deps);
    expect(notices(deps, id, 'approved')).toBe(2); // SMS and e-mail, by Decide
    // As if Decide had crashed after storing the decision but before telling the applicant.
    deps.applications.applications.get(id)!.notified = [];
    expect(await resume(deps, id)).toMatchObject({ status: 'APPROVED', next: 'PrepareContract' });
    expect(notices(deps, id, 'approved')).toBe(4);
    expect(await resume(deps, id)).toMatchObject({ next: 'PrepareContract' });
    expect(notices(deps, id, 'approved')).toBe(4);
  });

  it('sends an ACCEPTED application to Disburse, and ends a final one after telling the applicant once', async () => {
    const deps = fakeDeps();
    const id = await accepted(deps);
    expect(await resume(deps, id)).toMatchObject({ status: 'ACCEPTED', next: 'Disburse' });
    const declined = await decided(deps, 520);
    deps.applications.applications.get(declined)!.notified = [];
    expect(await resume(deps, declined)).toMatchObject({ status: 'DECLINED', next: 'End' });
    expect(await resume(deps, declined)).toMatchObject({ status: 'DECLINED', next: 'End' });
    expect(notices(deps, declined, 'declined')).toBe(4); // two by Decide, two by the first Resume, none by the second
  });

  it('waits again on a pending review with the new token, without a second e-mail to the reviewer', async () => {
    const deps = fakeDeps();
    const { applicationId, reviewId } = await pendingReview(deps);
    const emails = () => deps.notifier.sent.filter((n) => n.topic === 'review').length;
    const before = emails();
    const point = await resume(deps, applicationId);
    expect(point).toMatchObject({ status: 'PENDING_REVIEW', next: 'RequestReview', review: { level: 1, after: null }, reviewResult: null });
    const token = newToken();
    const again = await createRequestReview(deps)({ applicationId, level: point.review!.level, taskToken: token, after: point.review!.after });
    expect(again.reviewId).toBe(reviewId);
    expect((await deps.reviews.get(reviewId))!.taskToken).toBe(token);
    expect(emails()).toBe(before);
  });

  it('routes on a decision the pipeline never took (made while nothing waited), as the review loop would', async () => {
    const deps = fakeDeps();
    const { applicationId, link } = await pendingReview(deps);
    const url = new URL(link);
    const linkInput = { reviewId: url.pathname.split('/').at(-1)!, sig: url.searchParams.get('sig')!, exp: Number(url.searchParams.get('exp')) };
    // The token of the execution that died is gone: the decision is recorded, the answer finds nobody.
    deps.workflow.goneTokens.add((await deps.reviews.get(linkInput.reviewId))!.taskToken);
    const { review } = await decideReview(deps, linkInput, { decision: 'APPROVE', comment: 'fine' });
    const point = await resume(deps, applicationId);
    expect(point).toMatchObject({ next: 'RouteReview', review: { level: 1 }, reviewResult: { decision: 'APPROVE', reviewId: review.reviewId, level: 1 } });
    // And a review task asked again for that level answers its new token with the decision at once.
    const token = newToken();
    expect(await createRequestReview(deps)({ applicationId, level: 1, taskToken: token })).toEqual({ reviewId: review.reviewId });
    expect(deps.workflow.answers.find((a) => a.taskToken === token)?.output).toMatchObject({ decision: 'APPROVE', reviewId: review.reviewId });
  });
});

describe('the payout: exactly once, and the loan only with DISBURSED', () => {
  it('asks the bank by the loan id first: a retry after the transfer (a crash before the loan was written) pays nothing more', async () => {
    const deps = fakeDeps();
    const id = await accepted(deps);
    // The first attempt pays and then dies before writing anything (as a Lambda timeout after the bank answered).
    const transfer = deps.coreBanking.transfer.bind(deps.coreBanking);
    deps.coreBanking.transfer = async (request) => {
      await transfer(request);
      throw new Error('the function died after the transfer');
    };
    await expect(createDisburse(deps)({ applicationId: id })).rejects.toThrow('died');
    expect(deps.applications.applications.get(id)!.status).toBe('ACCEPTED');
    expect(deps.loans.loans.size).toBe(0);
    deps.coreBanking.transfer = transfer;

    expect(await createDisburse(deps)({ applicationId: id })).toEqual({ status: 'DISBURSED', loanId: `LN${id}` });
    expect(deps.coreBanking.transfers).toHaveLength(1);
    expect(deps.coreBanking.calls(`LN${id}`)).toBe(1);
    expect(deps.loans.loans.get(`LN${id}`)).toMatchObject({ status: 'ACTIVE', applicationId: id });
    const audit = await deps.applications.listAudit(id);
    expect(audit.filter((e) => e.action === 'disbursement.completed')).toHaveLength(1);
    expect(verifyChain(audit)).toBe(true);
  });

  it('writes no loan when the move to DISBURSED cannot be written (one transaction), and the retry writes both', async () => {
    const deps = fakeDeps();
    const id = await accepted(deps);
    const transition = deps.applications.transition.bind(deps.applications);
    deps.applications.transition = async (input) => {
      if (input.openLoan) throw new CoreBankingUnavailableError('the table is unavailable', { reason: 'network', attempts: 1 });
      return transition(input);
    };
    await expect(createDisburse(deps)({ applicationId: id })).rejects.toThrow('unavailable');
    expect(deps.loans.loans.size).toBe(0);
    expect(deps.applications.applications.get(id)!.status).toBe('ACCEPTED');
    deps.applications.transition = transition;
    expect(await createDisburse(deps)({ applicationId: id })).toMatchObject({ status: 'DISBURSED' });
    expect(deps.loans.loans.size).toBe(1);
    expect(deps.coreBanking.transfers).toHaveLength(1);
  });

  it('keeps an application whose payout stays unknown ACCEPTED, and alerts operations once', async () => {
    const deps = fakeDeps();
    const id = await accepted(deps);
    const delayed = createRecordFailure(deps);
    const payload = { step: 'payout-delayed' as const, applicationId: id, error: { Error: 'Lambda.Unknown', Cause: '{}' } };
    expect(await delayed(payload)).toEqual({ status: 'ACCEPTED' });
    expect(await delayed(payload)).toEqual({ status: 'ACCEPTED' });
    const alerts = deps.notifier.sent.filter((n) => n.topic === 'ops' && n.attributes?.kind === 'payout-delayed');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.body).not.toContain('6222021234567890123');
    expect((await deps.applications.listAudit(id)).filter((e) => e.action === 'disbursement.delayed')).toHaveLength(1);
  });
});

describe('POST /v1/applications/{id}/redrive (role ops)', () => {
  const redrive = (deps: Deps, applicationId: string, roles = ['ops']) =>
    createRedrive(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/applications/{applicationId}/redrive', pathParameters: { applicationId }, sub: 'op-1', roles }),
      lambdaContext,
    );

  it('takes a FAILED application back to where its failed step started, in a new execution, audited', async () => {
    const deps = fakeDeps();
    const id = await accepted(deps);
    await createRecordFailure(deps)({ applicationId: id, executionName: id, error: { Error: 'TransferRejectedError' } });
    expect(deps.applications.applications.get(id)!.status).toBe('FAILED');

    const result = await redrive(deps, id);
    expect(result.statusCode).toBe(200);
    expect(parse(result)).toEqual({ applicationId: id, status: 'ACCEPTED', executionName: `${id}-r1`, from: 'FAILED' });
    expect(deps.workflow.started).toContain(`${id}-r1`);
    expect(deps.workflow.stopped).toContain(id);
    const audit = await deps.applications.listAudit(id);
    expect(audit.at(-1)).toMatchObject({ actor: 'ops:op-1', action: 'application.redriven', details: { from: 'FAILED', to: 'ACCEPTED', executionName: `${id}-r1` } });
    expect(verifyChain(audit)).toBe(true);
    // The next re-drive is another execution; a withdrawal would stop the current one.
    expect(parse(await redrive(deps, id)).executionName).toBe(`${id}-r2`);
  });

  it('refuses a final application with 409, and everyone but operations with 403', async () => {
    const deps = fakeDeps();
    const declined = await decided(deps, 520);
    expect((await redrive(deps, declined)).statusCode).toBe(409);
    expect((await redrive(deps, declined, ['admin'])).statusCode).toBe(403);
    expect(deps.workflow.started.filter((name) => name.startsWith(`${declined}-r`))).toHaveLength(0);
  });

  it('does not re-open a failed application while the applicant has another open one (409)', async () => {
    const deps = fakeDeps();
    const identity = uniqueIdentity();
    const first = await submit(deps, {}, identity);
    await createRecordFailure(deps)({ applicationId: first, error: { Error: 'BureauUnavailableError' } });
    await submit(deps, {}, identity); // the person applied again meanwhile
    const result = await redrive(deps, first);
    expect(result.statusCode).toBe(409);
    expect(deps.applications.applications.get(first)!.status).toBe('FAILED');
  });
});
