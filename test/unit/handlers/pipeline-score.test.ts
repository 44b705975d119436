import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../../functions/handlers/pipeline-score';
import { createHandler as createWithdraw } from '../../../functions/handlers/withdraw-application';
import { sandboxIdentity } from '../../../functions/adapters/bureau/sandbox-bureau';
import { verifyChain } from '../../../functions/core/kernel/audit';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';

type Deps = ReturnType<typeof fakeDeps>;

async function assessing(deps: Deps, identity?: { nationalId: string; dateOfBirth: string }, overrides: Record<string, unknown> = {}) {
  const body = validApplication(overrides, identity);
  const result = await createSubmit(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': `score-${Math.random()}` }, body, sub: 'alice' }),
    lambdaContext,
  );
  const applicationId = parse(result).applicationId as string;
  await createResume(deps)({ applicationId });
  return applicationId;
}

describe('Score task', () => {
  it('stores score, band, reasons in the applicant\'s language and the model version, with chained audit events', async () => {
    const deps = fakeDeps();
    const id = await assessing(deps);
    expect(await createScore(deps)({ applicationId: id })).toEqual({ status: 'ASSESSING', score: 700, band: 'B' });
    const stored = deps.applications.applications.get(id)!;
    expect(stored.assessment).toMatchObject({
      score: 700,
      band: 'B',
      modelVersion: 'test-model-1',
      reasons: [{ code: 'RC01', description: '支票账户余额偏低' }],
      bureau: { bureau: 'sandbox', creditHistory: 'paid_duly_till_now', currentDefault: false, fraudFlag: false },
      derived: { ageYears: 36, ageAtMaturityYears: 37 },
    });
    const audit = deps.applications.audit.get(id)!;
    expect(audit.map((e) => e.action)).toEqual(['application.submitted', 'status.changed', 'bureau.report_pulled', 'application.scored']);
    expect(verifyChain(audit)).toBe(true);
  });

  it('feeds the bureau\'s credit history into the features', async () => {
    const deps = fakeDeps();
    const id = await assessing(deps, sandboxIdentity('past_delays'));
    await createScore(deps)({ applicationId: id });
    expect(deps.scorer.rows[0]).toMatchObject({ credit_history: 'A30', checking_status: 'A12', credit_amount: 2000 });
  });

  it('describes reasons in English for an English-speaking applicant', async () => {
    const deps = fakeDeps();
    const body = validApplication();
    const id = await assessing(deps, undefined, { applicant: { ...body.applicant, preferredLanguage: 'en' } });
    await createScore(deps)({ applicationId: id });
    expect(deps.applications.applications.get(id)!.assessment!.reasons[0]!.description).toBe('Checking account balance is low');
  });

  it('scores once: a retried task returns the stored assessment without another bureau pull', async () => {
    const deps = fakeDeps();
    const id = await assessing(deps);
    const task = createScore(deps);
    await task({ applicationId: id });
    // The application and its what-if alternatives (assessment/alternatives.ts), once.
    const scoredRows = deps.scorer.rows.length;
    await task({ applicationId: id });
    expect(deps.scorer.rows).toHaveLength(scoredRows);
    expect(deps.applications.audit.get(id)!.filter((e) => e.action === 'application.scored')).toHaveLength(1);
  });

  it('leaves a withdrawn application unscored', async () => {
    const deps = fakeDeps();
    const id = await assessing(deps);
    await createWithdraw(deps)(httpEvent({ method: 'POST', routePath: '/v1/applications/{applicationId}/withdraw', pathParameters: { applicationId: id }, sub: 'alice' }), lambdaContext);
    expect(await createScore(deps)({ applicationId: id })).toEqual({ status: 'WITHDRAWN', score: null, band: null });
    expect(deps.scorer.rows).toHaveLength(0);
  });

  it('fails with BureauUnavailableError, the name the state machine retries on, when the bureau is down', async () => {
    const deps = fakeDeps();
    const id = await assessing(deps, sandboxIdentity('unavailable'));
    await expect(createScore(deps)({ applicationId: id })).rejects.toMatchObject({ name: 'BureauUnavailableError' });
    expect(deps.applications.applications.get(id)!.assessment).toBeUndefined();
  });

  it('writes no identity data into the audit trail', async () => {
    const deps = fakeDeps();
    const identity = sandboxIdentity('all_paid_duly');
    const id = await assessing(deps, identity);
    await createScore(deps)({ applicationId: id });
    const audit = JSON.stringify(deps.applications.audit.get(id));
    for (const secret of [identity.nationalId, identity.dateOfBirth, 'Li Wei', '+8613800138000']) expect(audit).not.toContain(secret);
  });
});
