import { createHandler } from '../../../functions/handlers/review-page';
import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../../functions/handlers/pipeline-score';
import { createHandler as createDecide } from '../../../functions/handlers/pipeline-decide';
import { sandboxIdentity } from '../../../functions/adapters/bureau/sandbox-bureau';
import { decideReview, requestReview } from '../../../functions/core/review/review-service';
import type { HttpResult } from '../../../functions/shared/http';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';
import { withSalariedStatement } from '../../support/statements';
import { newToken, pendingReview, type Deps } from '../../support/reviews';

const HOSTILE_NAME = 'Li <script>alert("name")</script> Wei';
const HOSTILE_REASON = '<img src=x onerror=alert("reason")>';
const HOSTILE_COMMENT = '"><iframe src="https://evil.example"></iframe>';

function get(deps: Deps, reviewId: string, query: Record<string, string>) {
  return createHandler(deps)(
    httpEvent({ method: 'GET', routePath: '/v1/reviews/{reviewId}', pathParameters: { reviewId }, query, headers: { 'content-type': '' } }),
    lambdaContext,
  ) as Promise<HttpResult & { body: string; headers: Record<string, string> }>;
}

function post(deps: Deps, reviewId: string, query: Record<string, string>, body: { form?: Record<string, string>; json?: unknown; contentType?: string }) {
  const contentType = body.contentType ?? (body.form ? 'application/x-www-form-urlencoded' : 'application/json');
  const rawBody = body.form ? new URLSearchParams(body.form).toString() : JSON.stringify(body.json ?? {});
  return createHandler(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/reviews/{reviewId}/decision', pathParameters: { reviewId }, query, headers: { 'content-type': contentType }, rawBody }),
    lambdaContext,
  ) as Promise<HttpResult & { body: string; headers: Record<string, string> }>;
}

function expectPageHeaders(result: { headers: Record<string, string> }) {
  expect(result.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  expect(result.headers['x-content-type-options']).toBe('nosniff');
  expect(result.headers['referrer-policy']).toBe('no-referrer');
  expect(result.headers['cache-control']).toBe('no-store');
}

describe('GET /v1/reviews/{reviewId}', () => {
  it('shows the case and the form in the reviewer\'s language, with the security headers, and changes nothing but the audit trail', async () => {
    const deps = fakeDeps();
    const { applicationId, reviewId, sig, exp, review } = await pendingReview(deps);
    const before = structuredClone(deps.applications.applications.get(applicationId)!);
    const auditBefore = deps.applications.audit.get(applicationId)!.length;

    const result = await get(deps, reviewId, { sig, exp: String(exp) });

    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
    expectPageHeaders(result);
    const page = result.body;
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('8,000.00 CNY');
    expect(page).toContain('12 months');
    expect(page).toContain('Electronics');
    expect(page).toMatch(/data-field="score">700</);
    expect(page).toMatch(/data-field="band">B</);
    expect(page).toMatch(/<code>RC01<\/code> /);
    expect(page).toContain('Proof of income');
    expect(page).toMatch(/data-field="nationalId">\d{3}\*{13}[\dX]{2}</);
    const { applicant } = await deps.pii.open<{ applicant: { nationalId: string } }>(before.sealedApplicant);
    expect(page).not.toContain(applicant.nationalId); // never the full national ID
    expect(page).toContain(`${applicant.nationalId.slice(0, 3)}${'*'.repeat(13)}${applicant.nationalId.slice(-2)}`);
    expect(page).toContain(`action="/v1/reviews/${reviewId}/decision?sig=${sig}&amp;exp=${exp}"`);
    expect(page).toContain('value="APPROVE"');
    expect(page).toContain('value="REQUEST_INFO"');

    // Viewing decides nothing: the review and the application are as they were, only review.viewed was appended.
    expect(await deps.reviews.get(reviewId)).toEqual(review);
    const after = deps.applications.applications.get(applicationId)!;
    expect({ ...after, version: 0, updatedAt: '', auditHead: null }).toEqual({ ...before, version: 0, updatedAt: '', auditHead: null });
    const added = deps.applications.audit.get(applicationId)!.slice(auditBefore);
    expect(added.map((e) => [e.action, e.actor])).toEqual([['review.viewed', 'reviewer:R1']]);
    expect(deps.workflow.answers).toHaveLength(0);
  });

  it('shows the bank statement beside the declared income, or says none was given', async () => {
    const deps = fakeDeps();
    const overrides = withSalariedStatement(6_000_00, validApplication());
    const withStatement = await pendingReview(deps, { overrides });
    const page = (await get(deps, withStatement.reviewId, { sig: withStatement.sig, exp: String(withStatement.exp) })).body;
    expect(page).toContain('Bank statement');
    expect(page).toMatch(/Declared monthly income<\/dt><dd>15,000\.00 CNY/);
    expect(page).toMatch(/data-field="verifiedInflow">6,000\.00 CNY/);

    const other = fakeDeps();
    const without = await pendingReview(other);
    expect((await get(other, without.reviewId, { sig: without.sig, exp: String(without.exp) })).body).toContain('No bank statement was given.');
  });

  it('switches language with ?lang= and defaults to the reviewer\'s own', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'ZH', language: 'zh-CN', name: '王芳' });
    const { reviewId, sig, exp, applicationId } = await pendingReview(deps);
    // A reason stored in the applicant's language is shown in the reader's.
    Object.assign(deps.applications.applications.get(applicationId)!.assessment!.reasons[0]!, { code: 'RC02', feature: 'duration_months', description: '贷款期限长于评分最好的区间' });
    const chinese = (await get(deps, reviewId, { sig, exp: String(exp) })).body;
    expect(chinese).toContain('<html lang="zh-CN">');
    expect(chinese).toContain('贷款申请审批');
    expect(chinese).toContain('8,000.00 CNY');
    expect(chinese).toContain('12 个月');
    expect(chinese).toContain('提交决定');
    expect(chinese).toContain(`href="/v1/reviews/${reviewId}?sig=${sig}&amp;exp=${exp}&amp;lang=en"`);
    const english = (await get(deps, reviewId, { sig, exp: String(exp), lang: 'en' })).body;
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Submit decision');
    expect(english).toContain('<code>RC02</code> Loan term is longer than in the best-rated range');
    expect(chinese).toContain('<code>RC02</code> 贷款期限长于评分最好的区间');
    expect(english).toContain(`action="/v1/reviews/${reviewId}/decision?sig=${sig}&amp;exp=${exp}&amp;lang=en"`);
  });

  it('shows the reviewer why the bureau rules referred the case, and the bureau figures they read', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'R1', level: 1, name: 'Wang Fang', email: 'wang.fang@lender.test' });
    deps.scorer.result = 780;
    const submitted = await createSubmit(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': `page-${Math.random()}` }, body: validApplication({}, sandboxIdentity('high_utilisation')), sub: 'alice' }),
      lambdaContext,
    );
    const applicationId = parse(submitted).applicationId as string;
    await createResume(deps)({ applicationId });
    await createScore(deps)({ applicationId });
    expect(await createDecide(deps)({ applicationId })).toMatchObject({ outcome: 'REVIEW' });
    const { reviewId } = await requestReview(deps, { applicationId, level: 1, taskToken: newToken() });
    const url = new URL(await deps.reviewLinks.linkFor((await deps.reviews.get(reviewId))!));
    const page = (await get(deps, reviewId, { sig: url.searchParams.get('sig')!, exp: url.searchParams.get('exp')!, lang: 'en' })).body;
    expect(page).toMatch(/data-field="decisionReasons">[\s\S]*<code>BUREAU_UTILISATION_90<\/code> 信用卡额度使用率达90%及以上/);
    expect(page).toMatch(/data-field="utilisation">97 %</);
    expect(page).toMatch(/data-field="arrears">0</);
    expect(page).toMatch(/data-field="bureauObligations">2,000.00 CNY</);
  });

  it('escapes hostile names, reasons and earlier comments', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'R1', level: 1, name: 'Eve <b onclick="x()">' });
    deps.reviewers.add({ reviewerId: 'R2', level: 2 });
    const body = validApplication();
    const { applicationId, link } = await pendingReview(deps, { overrides: { applicant: { ...body.applicant, fullName: HOSTILE_NAME } } });
    deps.applications.applications.get(applicationId)!.assessment!.reasons[0]!.description = HOSTILE_REASON;
    const url = new URL(link);
    await decideReview(deps, { reviewId: url.pathname.split('/').at(-1)!, sig: url.searchParams.get('sig')!, exp: Number(url.searchParams.get('exp')) }, { decision: 'APPROVE', comment: HOSTILE_COMMENT });
    const level2 = await requestReview(deps, { applicationId, level: 2, taskToken: newToken() });
    const target = new URL(await deps.reviewLinks.linkFor((await deps.reviews.get(level2.reviewId))!));

    const page = (await get(deps, level2.reviewId, { sig: target.searchParams.get('sig')!, exp: target.searchParams.get('exp')! })).body;

    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<iframe');
    expect(page).not.toContain('<b onclick');
    expect(page).toContain('Li &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; Wei');
    expect(page).toContain('&lt;img src=x onerror=alert(&quot;reason&quot;)&gt;');
    expect(page).toContain('&quot;&gt;&lt;iframe src=&quot;https://evil.example&quot;&gt;&lt;/iframe&gt;');
    expect(page).toContain('Eve &lt;b onclick=&quot;x()&quot;&gt;');
    expect(page.match(/<script/g)).toBeNull();
  });

  it('answers a bad signature with 403 and a decided review with 409, clear pages without traces', async () => {
    const deps = fakeDeps();
    const { reviewId, sig, exp, link } = await pendingReview(deps);
    const forged = await get(deps, reviewId, { sig: 'A'.repeat(43), exp: String(exp) });
    expect(forged.statusCode).toBe(403);
    expectPageHeaders(forged);
    expect(forged.body).toContain('链接无效 / This link is not valid');
    expect(forged.body).toContain('Open the link from the email exactly as it was sent.');
    expect((await get(deps, reviewId, { exp: String(exp) })).statusCode).toBe(403);
    expect((await get(deps, 'no-such-review', { sig, exp: String(exp) })).statusCode).toBe(403);
    expect((await get(deps, '..%2F..', { sig, exp: String(exp) })).statusCode).toBe(404);

    const url = new URL(link);
    await decideReview(deps, { reviewId, sig, exp: Number(url.searchParams.get('exp')) }, { decision: 'APPROVE', comment: '' });
    const again = await get(deps, reviewId, { sig, exp: String(exp) });
    expect(again.statusCode).toBe(409);
    expectPageHeaders(again);
    expect(again.body).toContain('Already decided');
    expect(again.body).toContain('&quot;Approve&quot;');
    expect(again.body).not.toMatch(/at \w+ \(|Error:/);
  });
});

describe('POST /v1/reviews/{reviewId}/decision', () => {
  it('decides from the form once and confirms; the second post gets the already-decided page and 409', async () => {
    const deps = fakeDeps();
    const { reviewId, sig, exp, taskToken, applicationId } = await pendingReview(deps);
    const first = await post(deps, reviewId, { sig, exp: String(exp) }, { form: { decision: 'APPROVE', comment: 'Stable job, low debt.' } });
    expect(first.statusCode).toBe(200);
    expectPageHeaders(first);
    expect(first.body).toContain('Decision recorded');
    expect(first.body).toContain('Stable job, low debt.');
    expect(deps.workflow.answers).toEqual([{ taskToken, output: { decision: 'APPROVE', comment: 'Stable job, low debt.', reviewerId: 'R1', reviewId, level: 1 } }]);
    expect(deps.applications.audit.get(applicationId)!.filter((e) => e.action === 'review.decided')).toHaveLength(1);

    const second = await post(deps, reviewId, { sig, exp: String(exp) }, { form: { decision: 'REJECT', comment: 'no' } });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Already decided');
    expect(deps.workflow.answers).toHaveLength(1);
  });

  it('re-renders the form with the missing comment named (422), keeping the choice, recording nothing', async () => {
    const deps = fakeDeps();
    const { reviewId, sig, exp, applicationId } = await pendingReview(deps);
    const trail = deps.applications.audit.get(applicationId)!.length;
    const result = await post(deps, reviewId, { sig, exp: String(exp) }, { form: { decision: 'REJECT', comment: '' } });
    expect(result.statusCode).toBe(422);
    expectPageHeaders(result);
    expect(result.body).toMatch(/data-field="formErrors"[\s\S]*<strong>Comment<\/strong>: is required to reject/);
    expect(result.body).toContain('value="REJECT" required checked');
    expect((await deps.reviews.get(reviewId))!.status).toBe('PENDING');
    expect(deps.applications.audit.get(applicationId)!.length).toBe(trail);
  });

  it('accepts JSON and answers JSON: 200, 422 naming the field, 409 for a second decision, 403 for a bad signature', async () => {
    const deps = fakeDeps();
    const { reviewId, sig, exp } = await pendingReview(deps);
    const missing = await post(deps, reviewId, { sig, exp: String(exp) }, { json: { decision: 'REQUEST_INFO' } });
    expect(missing.statusCode).toBe(422);
    expect(missing.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(missing.body).errors).toEqual([{ path: 'comment', message: expect.stringContaining('required') }]);

    const forged = await post(deps, reviewId, { sig: 'B'.repeat(43), exp: String(exp) }, { json: { decision: 'APPROVE' } });
    expect(forged.statusCode).toBe(403);

    const ok = await post(deps, reviewId, { sig, exp: String(exp) }, { json: { decision: 'REQUEST_INFO', comment: 'Upload a payslip.' } });
    expect(ok.statusCode).toBe(200);
    expectPageHeaders(ok);
    expect(JSON.parse(ok.body)).toMatchObject({ reviewId, status: 'DECIDED', decision: 'REQUEST_INFO', comment: 'Upload a payslip.', delivery: 'delivered' });

    const again = await post(deps, reviewId, { sig, exp: String(exp) }, { json: { decision: 'APPROVE' } });
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body)).toMatchObject({ status: 409, title: 'Conflict' });
  });

  it('refuses other content types with a clear page (415)', async () => {
    const deps = fakeDeps();
    const { reviewId, sig, exp } = await pendingReview(deps);
    const result = await post(deps, reviewId, { sig, exp: String(exp) }, { form: { decision: 'APPROVE' }, contentType: 'text/plain' });
    expect(result.statusCode).toBe(415);
    expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await deps.reviews.get(reviewId))!.status).toBe('PENDING');
  });

  it('shows the confirmation in the chosen language', async () => {
    const deps = fakeDeps();
    const { reviewId, sig, exp } = await pendingReview(deps);
    const result = await post(deps, reviewId, { sig, exp: String(exp), lang: 'zh-CN' }, { form: { decision: 'APPROVE', comment: '' } });
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('决定已记录');
    expect(result.body).toContain('“批准”');
  });
});
