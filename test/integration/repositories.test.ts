// The DynamoDB adapters against DynamoDB Local: the conditional writes and transactions the use cases rely on.

import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { tablePerFile } from './table-per-file';
import { createApplicationRepository } from '../../functions/adapters/dynamodb/application-repository';
import { createIdempotencyStore } from '../../functions/adapters/dynamodb/idempotency-store';
import { createProductRepository } from '../../functions/adapters/dynamodb/product-repository';
import { GLOBAL_INDEXES, TTL_ATTRIBUTE } from '../../functions/adapters/dynamodb/table-definition';
import type { Application } from '../../functions/core/applications/application';
import { ConcurrentModificationError, ConflictError, IllegalTransitionError, ValidationError } from '../../functions/core/kernel/errors';
import type { IdempotencyRecord } from '../../functions/core/applications/ports';
import { GENESIS_HASH, verifyChain } from '../../functions/core/kernel/audit';
import { DEFAULT_PRODUCTS } from '../../functions/core/applications/products';
import { TIME_ZONE } from '../support/settings';
import { createLoanRepository } from '../../functions/adapters/dynamodb/loan-repository';
import { createLoan } from '../../functions/core/servicing/loan';
import { THREE_MONTHS } from '../support/loans';

const { tableName, low, doc } = tablePerFile('repos');
const applications = createApplicationRepository(doc, tableName, { timeZone: TIME_ZONE });
const idempotency = createIdempotencyStore(doc, tableName, { now: () => new Date('2026-11-29T08:00:00Z') });
const products = createProductRepository(doc, tableName);

let sequence = 0;
function anApplication(overrides: Partial<Application> = {}): Application {
  sequence += 1;
  const id = `01APP${String(sequence).padStart(21, '0')}`;
  const at = `2026-11-29T08:00:${String(sequence % 60).padStart(2, '0')}.000Z`;
  return {
    applicationId: id,
    ownerId: 'alice',
    status: 'SUBMITTED',
    productId: 'personal-consumer',
    channel: 'app',
    customerType: 'individual',
    amountMinor: 800_000,
    currency: 'CNY',
    termMonths: 12,
    purpose: 'electronics',
    nationalIdHash: `hash-${id}`,
    preferredLanguage: 'zh-CN',
    profile: { household: { housing: 'own', dependents: 1 } },
    sealedApplicant: 'v1.sealed',
    requiredDocuments: ['proof_of_income'],
    timeline: [{ at, status: 'SUBMITTED', by: 'applicant' }],
    createdAt: at,
    updatedAt: at,
    version: 1,
    auditHead: { seq: 0, hash: GENESIS_HASH },
    ...overrides,
  };
}

function aRecord(ownerId: string, key: string, applicationId: string): IdempotencyRecord {
  return {
    ownerId,
    key,
    requestHash: 'h1',
    response: { statusCode: 202, body: { applicationId } },
    createdAt: '2026-11-29T08:00:00.000Z',
    expiresAtEpochSeconds: Math.floor(Date.parse('2026-11-30T08:00:00Z') / 1000),
  };
}

function aCustomer(application: Application) {
  return {
    customerId: application.ownerId,
    nationalIdHash: application.nationalIdHash,
    sealedIdentity: 'v1.sealed-identity',
    preferredLanguage: 'zh-CN' as const,
    customerType: 'individual',
    updatedAt: application.createdAt,
  };
}

async function create(application: Application, key = `key-${application.applicationId}`) {
  await applications.create({
    application,
    customer: aCustomer(application),
    idempotency: aRecord(application.ownerId, key, application.applicationId),
    audit: [],
  });
  return application;
}

describe('table', () => {
  it('is created from the shared definition, with every index and TTL', async () => {
    const table = await low.send(new DescribeTableCommand({ TableName: tableName }));
    expect(table.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(GLOBAL_INDEXES.map((i) => i.indexName).sort());
    const ttl = await low.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(TTL_ATTRIBUTE);
  });
});

describe('application repository', () => {
  it('stores an application with its idempotency record and reads both back', async () => {
    const application = await create(anApplication());
    expect(await applications.get(application.applicationId)).toEqual(application);
    const record = await idempotency.get('alice', `key-${application.applicationId}`);
    expect(record?.response).toEqual({ statusCode: 202, body: { applicationId: application.applicationId } });
    expect(await applications.getCustomer('alice')).toMatchObject({ customerId: 'alice', sealedIdentity: 'v1.sealed-identity' });
  });

  it('refuses a second open application for the same national ID hash, storing nothing of it', async () => {
    const first = await create(anApplication({ nationalIdHash: 'same-person' }));
    const second = anApplication({ nationalIdHash: 'same-person', ownerId: 'mallory' });
    await expect(create(second)).rejects.toThrow(ConflictError);
    expect(await applications.get(second.applicationId)).toBeUndefined();
    expect(await idempotency.get('mallory', `key-${second.applicationId}`)).toBeUndefined();
    expect(await applications.get(first.applicationId)).toBeDefined();
  });

  it('frees the slot when the application ends, so the person can apply again', async () => {
    const first = await create(anApplication({ nationalIdHash: 'returning-person' }));
    await applications.transition({ application: first, to: 'WITHDRAWN', at: '2026-11-29T09:00:00.000Z', by: 'applicant' });
    await expect(create(anApplication({ nationalIdHash: 'returning-person' }))).resolves.toBeDefined();
  });

  it('applies a transition once: a stale version is a ConcurrentModificationError and changes nothing', async () => {
    const application = await create(anApplication());
    const moved = await applications.transition({ application, to: 'ASSESSING', at: '2026-11-29T08:01:00.000Z', by: 'pipeline' });
    expect(moved).toMatchObject({ status: 'ASSESSING', version: 2 });
    await expect(applications.transition({ application, to: 'WITHDRAWN', at: '2026-11-29T08:02:00.000Z', by: 'applicant' })).rejects.toThrow(
      ConcurrentModificationError,
    );
    const stored = await applications.get(application.applicationId);
    expect(stored).toMatchObject({ status: 'ASSESSING', version: 2 });
    expect(stored?.timeline.map((t) => t.status)).toEqual(['SUBMITTED', 'ASSESSING']);
  });

  it('lets exactly one of two concurrent transitions win', async () => {
    const application = await create(anApplication());
    const results = await Promise.allSettled([
      applications.transition({ application, to: 'ASSESSING', at: '2026-11-29T08:01:00.000Z', by: 'pipeline' }),
      applications.transition({ application, to: 'WITHDRAWN', at: '2026-11-29T08:01:00.000Z', by: 'applicant' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await applications.get(application.applicationId))?.version).toBe(2);
  });

  it('appends a hash-chained audit event with every change, in the same write', async () => {
    const application = await create(anApplication());
    const assessing = await applications.transition({ application, to: 'ASSESSING', at: '2026-11-29T08:01:00.000Z', by: 'pipeline' });
    await applications.annotate({
      application: assessing,
      at: '2026-11-29T08:01:01.000Z',
      changes: { failure: { step: 'score', message: 'test' } },
      audit: [{ actor: 'pipeline', action: 'application.scored', details: { score: 701 } }],
    });
    const events = await applications.listAudit(application.applicationId);
    expect(events.map((e) => [e.seq, e.action])).toEqual([[1, 'status.changed'], [2, 'application.scored']]);
    expect(verifyChain(events)).toBe(true);
    expect((await applications.get(application.applicationId))?.auditHead).toEqual({ seq: 2, hash: events[1]!.hash });
  });

  it('writes no audit event when the change itself is refused', async () => {
    const application = await create(anApplication());
    await applications.transition({ application, to: 'ASSESSING', at: '2026-11-29T08:01:00.000Z', by: 'pipeline' });
    await expect(applications.annotate({ application, at: '2026-11-29T08:02:00.000Z', audit: [{ actor: 'x', action: 'y', details: {} }] })).rejects.toThrow(
      ConcurrentModificationError,
    );
    expect(await applications.listAudit(application.applicationId)).toHaveLength(1);
  });

  it('never applies an illegal transition', async () => {
    const application = await create(anApplication());
    await expect(applications.transition({ application, to: 'DISBURSED', at: '2026-11-29T08:01:00.000Z', by: 'x' })).rejects.toThrow(IllegalTransitionError);
  });

  it('lists an owner\'s applications newest first across pages, and by status for staff', async () => {
    const owner = `owner-${Date.now()}`;
    const created = [];
    for (let i = 0; i < 3; i += 1) created.push(await create(anApplication({ ownerId: owner })));
    const page1 = await applications.listByOwner(owner, 2);
    expect(page1.items.map((a) => a.applicationId)).toEqual([created[2]!.applicationId, created[1]!.applicationId]);
    const page2 = await applications.listByOwner(owner, 2, page1.nextCursor);
    expect(page2.items.map((a) => a.applicationId)).toEqual([created[0]!.applicationId]);
    await applications.transition({ application: created[0]!, to: 'WITHDRAWN', at: '2026-11-29T10:00:00.000Z', by: 'applicant' });
    const withdrawn = await applications.listAll(100, undefined, 'WITHDRAWN');
    expect(withdrawn.items.map((a) => a.applicationId)).toContain(created[0]!.applicationId);
    expect(withdrawn.items.every((a) => a.status === 'WITHDRAWN')).toBe(true);
  });

  it('refuses a cursor forged for another owner\'s partition', async () => {
    const forged = Buffer.from(JSON.stringify({ GSI1PK: 'OWNER#victim', GSI1SK: 'x', PK: 'APP#x', SK: 'APP' })).toString('base64url');
    await expect(applications.listByOwner('alice', 10, forged)).rejects.toThrow(ValidationError);
  });

  it('marks a document received once', async () => {
    const application = await create(anApplication());
    await applications.addDocument(application.applicationId, {
      documentId: 'DOC1',
      kind: 'proof_of_income',
      contentType: 'application/pdf',
      sizeBytes: 10,
      status: 'PENDING_UPLOAD',
      createdAt: '2026-11-29T08:00:00.000Z',
    });
    expect(await applications.markDocumentReceived(application.applicationId, 'DOC1', '2026-11-29T08:05:00.000Z')).toBe(true);
    expect(await applications.markDocumentReceived(application.applicationId, 'DOC1', '2026-11-29T08:06:00.000Z')).toBe(false);
    expect(await applications.markDocumentReceived(application.applicationId, 'NOPE', '2026-11-29T08:06:00.000Z')).toBe(false);
    expect(await applications.listDocuments(application.applicationId)).toEqual([
      expect.objectContaining({ documentId: 'DOC1', status: 'RECEIVED', receivedAt: '2026-11-29T08:05:00.000Z' }),
    ]);
  });
});

describe('disbursement and re-drive writes', () => {
  const loans = createLoanRepository(doc, tableName, { timeZone: TIME_ZONE });
  const loanFor = (application: Application) =>
    createLoan({
      loanId: `LN${application.applicationId}`,
      applicationId: application.applicationId,
      ownerId: application.ownerId,
      currency: 'CNY',
      principalMinor: 300_000,
      annualRatePercent: '12',
      disbursedAt: '2026-01-10T02:00:00.000Z',
      disbursementDate: '2026-01-10',
      schedule: THREE_MONTHS,
      at: '2026-01-10T02:00:00.000Z',
    });
  async function acceptedApplication(): Promise<Application> {
    let application = await create(anApplication());
    for (const to of ['ASSESSING', 'APPROVED', 'ACCEPTED'] as const) application = await applications.transition({ application, to, at: '2026-11-29T08:01:00.000Z', by: 'test' });
    return application;
  }

  it('opens the loan and moves the application to DISBURSED in one transaction', async () => {
    const application = await acceptedApplication();
    const loan = loanFor(application);
    const disbursed = await applications.transition({ application, to: 'DISBURSED', at: '2026-11-29T08:02:00.000Z', by: 'pipeline', changes: { loanId: loan.loanId }, openLoan: loan });
    expect(disbursed.status).toBe('DISBURSED');
    expect(await loans.get(loan.loanId)).toMatchObject({ loanId: loan.loanId, status: 'ACTIVE', applicationId: application.applicationId });
  });

  it('writes neither when either cannot be written: a stale application leaves no loan; a taken loan id no DISBURSED', async () => {
    const application = await acceptedApplication();
    const loan = loanFor(application);
    const stale = { ...application, version: application.version - 1 };
    await expect(applications.transition({ application: stale, to: 'DISBURSED', at: '2026-11-29T08:02:00.000Z', by: 'pipeline', openLoan: loan })).rejects.toThrow(ConcurrentModificationError);
    expect(await loans.get(loan.loanId)).toBeUndefined();

    await loans.create(loan); // a loan under that id exists already
    await expect(applications.transition({ application, to: 'DISBURSED', at: '2026-11-29T08:02:00.000Z', by: 'pipeline', openLoan: loan })).rejects.toThrow(ConflictError);
    expect((await applications.get(application.applicationId))!.status).toBe('ACCEPTED');
  });

  it('takes the open-application slot back when a FAILED application is re-driven, unless the person applied again', async () => {
    const failed = await applications.transition({ application: await create(anApplication({ nationalIdHash: 'redriven-person' })), to: 'FAILED', at: '2026-11-29T08:01:00.000Z', by: 'pipeline' });
    const back = await applications.transition({ application: failed, to: 'ASSESSING', at: '2026-11-29T08:02:00.000Z', by: 'ops:op-1' });
    expect(back.status).toBe('ASSESSING');
    // The slot is held again: another application by the same person is refused.
    await expect(create(anApplication({ nationalIdHash: 'redriven-person', ownerId: 'bob' }))).rejects.toThrow(ConflictError);

    const failedAgain = await applications.transition({ application: back, to: 'FAILED', at: '2026-11-29T08:03:00.000Z', by: 'pipeline' });
    await create(anApplication({ nationalIdHash: 'redriven-person', ownerId: 'alice' }));
    await expect(applications.transition({ application: failedAgain, to: 'ASSESSING', at: '2026-11-29T08:04:00.000Z', by: 'ops:op-1' })).rejects.toThrow(ConflictError);
    expect((await applications.get(failedAgain.applicationId))!.status).toBe('FAILED');
  });
});

describe('idempotency store', () => {
  it('ignores a record past its expiry even before TTL deletes it', async () => {
    const application = anApplication();
    const record = { ...aRecord('alice', 'expired-key-1', application.applicationId), expiresAtEpochSeconds: Math.floor(Date.parse('2026-11-29T07:00:00Z') / 1000) };
    await applications.create({ application, customer: aCustomer(application), idempotency: record, audit: [] });
    expect(await idempotency.get('alice', 'expired-key-1')).toBeUndefined();
  });
});

describe('product repository', () => {
  it('seeds the defaults once and never overwrites an edited product', async () => {
    expect(await products.seed(DEFAULT_PRODUCTS)).toBe(3);
    await products.put({ ...DEFAULT_PRODUCTS[0]!, maxTermMonths: 48 });
    expect(await products.seed(DEFAULT_PRODUCTS)).toBe(0);
    expect((await products.get(DEFAULT_PRODUCTS[0]!.productId))?.maxTermMonths).toBe(48);
    expect((await products.list()).map((p) => p.productId).sort()).toEqual(['agricultural', 'micro-business', 'personal-consumer']);
  });
});
