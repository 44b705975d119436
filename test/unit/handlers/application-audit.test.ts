import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createAudit } from '../../../functions/handlers/application-audit';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';

async function setUp() {
  const deps = fakeDeps();
  const submitted = await createSubmit(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': 'audit-test-0001' }, body: validApplication(), sub: 'alice' }),
    lambdaContext,
  );
  const applicationId = parse(submitted).applicationId as string;
  await createResume(deps)({ applicationId });
  const read = async (roles: string[] = ['ops']) =>
    createAudit(deps)(httpEvent({ method: 'GET', routePath: '/v1/applications/{applicationId}/audit', pathParameters: { applicationId }, sub: 'olga', roles }), lambdaContext);
  return { deps, applicationId, read };
}

describe('GET /v1/applications/{id}/audit', () => {
  it('returns the chain and verifies it', async () => {
    const { read } = await setUp();
    const result = parse(await read());
    expect(result.verified).toBe(true);
    expect(result.events.map((e: { action: string }) => e.action)).toEqual(['application.submitted', 'status.changed']);
  });

  it('detects an edited event and a removed last event', async () => {
    const edited = await setUp();
    edited.deps.applications.audit.get(edited.applicationId)![0]!.details.amountMinor = 1;
    expect(parse(await edited.read()).verified).toBe(false);
    const truncated = await setUp();
    truncated.deps.applications.audit.get(truncated.applicationId)!.pop();
    expect(parse(await truncated.read()).verified).toBe(false);
  });

  it('is for operations and admins only', async () => {
    const { read } = await setUp();
    expect((await read([])).statusCode).toBe(403);
    expect((await read(['reviewer'])).statusCode).toBe(403);
    expect((await read(['admin'])).statusCode).toBe(200);
  });
});
