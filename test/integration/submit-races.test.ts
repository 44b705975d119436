// POST /v1/applications through its handler with the real DynamoDB adapters (DynamoDB Local): requests with one
// Idempotency-Key racing each other make one application, and every one of them gets the first answer (or, while
// that answer is still being written, a 409 saying so, with Retry-After) — never "an open application already exists".

import { tablePerFile } from './table-per-file';
import { createApplicationRepository } from '../../functions/adapters/dynamodb/application-repository';
import { createIdempotencyStore } from '../../functions/adapters/dynamodb/idempotency-store';
import { createHandler as createSubmit } from '../../functions/handlers/submit-application';
import { fakeDeps } from '../support/fakes';
import { httpEvent, lambdaContext, parse } from '../support/events';
import { validApplication } from '../support/applications';
import { TIME_ZONE } from '../support/settings';

const { tableName, doc } = tablePerFile('submit-races');

function realDeps() {
  const deps = fakeDeps();
  return {
    ...deps,
    applications: createApplicationRepository(doc, tableName, { timeZone: TIME_ZONE }),
    idempotency: createIdempotencyStore(doc, tableName, deps.clock),
  };
}

function submit(handler: ReturnType<typeof createSubmit>, body: unknown, key: string, sub = 'alice') {
  return handler(httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'Idempotency-Key': key }, sub, body }), lambdaContext);
}

describe('POST /v1/applications with one Idempotency-Key, in parallel', () => {
  it('makes one application and answers all 20 requests with the first answer (or an in-progress 409 with Retry-After)', async () => {
    const deps = realDeps();
    const handler = createSubmit(deps);
    const body = validApplication();
    const key = `race-key-${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => submit(handler, body, key)));

    const created = results.filter((result) => result.statusCode === 202 && result.headers?.['idempotent-replayed'] !== 'true');
    expect(created).toHaveLength(1);
    const first = parse(created[0]!);
    expect(deps.workflow.started).toEqual([first.applicationId]);
    expect(await deps.applications.listByOwner('alice', 100)).toMatchObject({ items: [{ applicationId: first.applicationId }] });

    for (const result of results) {
      if (result.statusCode === 202) {
        expect(parse(result)).toEqual(first);
      } else {
        // Only the answer "the first request with this key is still being written": never a conflict with itself.
        expect({ status: result.statusCode, title: parse(result).title }).toEqual({ status: 409, title: 'Idempotency key in use' });
        expect(parse(result).detail).toMatch(/a request with this Idempotency-Key is in progress/);
        expect(result.headers?.['retry-after']).toBe('1');
      }
    }
    // Asked again once the race is over, every request gets the first answer.
    const again = await submit(handler, body, key);
    expect(again.statusCode).toBe(202);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(parse(again)).toEqual(first);
  });

  it('still refuses a second application of the same person under another key with 409 "an open application exists"', async () => {
    const deps = realDeps();
    const handler = createSubmit(deps);
    const body = validApplication({}, undefined);
    const first = await submit(handler, body, `first-key-${Date.now()}`, 'bob');
    expect(first.statusCode).toBe(202);
    const other = await submit(handler, body, `other-key-${Date.now()}`, 'bob');
    expect(other.statusCode).toBe(409);
    expect(parse(other).detail).toMatch(/an open application already exists/);
  });
});
