// The policy repository against DynamoDB Local: versions are assigned in order, never overwritten, and of two
// concurrent publishes exactly one becomes the next version. current() is cached by the injected clock.

import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTable, createLowLevelClient, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { createPolicyRepository } from '../../functions/adapters/dynamodb/policy-repository';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { ConcurrentModificationError, NotFoundError } from '../../functions/core/kernel/errors';
import { DEFAULT_POLICY, DEFAULT_POLICY_DRAFT, policySchema, type PolicyDraft } from '../../functions/core/decisioning/policy';

const endpoint = process.env.TEST_DYNAMODB_ENDPOINT!;
const low = createLowLevelClient(endpoint);
const doc = createDocumentClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
const tables: string[] = [];
let tableCount = 0;

class SettableClock {
  constructor(public current = new Date('2026-11-29T08:00:00.000Z')) {}
  now() {
    return new Date(this.current);
  }
  advanceSeconds(seconds: number) {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** Each test gets its own table: the policy lives in one partition per table. */
async function freshTable(): Promise<string> {
  const name = `policy-${process.pid}-${Date.now()}-${++tableCount}`;
  await createTable(low, name);
  tables.push(name);
  return name;
}

function draft(description: string, overrides: Partial<PolicyDraft> = {}): PolicyDraft {
  return { ...structuredClone(DEFAULT_POLICY_DRAFT), description, ...overrides };
}

afterAll(async () => {
  for (const name of tables) await low.send(new DeleteTableCommand({ TableName: name }));
  low.destroy();
  doc.destroy();
});

describe('policy repository', () => {
  it('has no current policy before the seed, then version 1 exactly as the default; seeding again adds nothing', async () => {
    const table = await freshTable();
    const policies = createPolicyRepository(doc, table, new SettableClock());
    await expect(policies.current()).rejects.toThrow(NotFoundError);
    expect(await policies.seed(DEFAULT_POLICY)).toBe(true);
    expect(await policies.current()).toEqual(DEFAULT_POLICY);
    expect(await policies.seed(DEFAULT_POLICY)).toBe(false);
    expect(await policies.list()).toHaveLength(1);
  });

  it('publishes each version after the newest, keeps every old one unchanged, and lists them newest first', async () => {
    const table = await freshTable();
    const clock = new SettableClock();
    const policies = createPolicyRepository(doc, table, clock);
    await policies.seed(DEFAULT_POLICY);

    const v2 = await policies.publish(draft('Faster SLA', { sla: { remindAfterHours: 12, escalateAfterHours: 24, expireAfterHours: 72 } }), 'ada', '2026-11-29T09:00:00.000Z');
    const v3 = await policies.publish(draft('Band B at 11.5%', { pricing: { annualRatePercent: { A: '8.5', B: '11.5', C: '18' } } }), 'bob', '2026-11-29T10:00:00.000Z');
    expect([v2.version, v3.version]).toEqual([2, 3]);
    expect(v3).toMatchObject({ createdBy: 'bob', createdAt: '2026-11-29T10:00:00.000Z' });

    expect(await policies.current()).toEqual(v3);
    expect(await policies.get(1)).toEqual(DEFAULT_POLICY);
    expect(await policies.get(2)).toEqual(v2);
    expect((await policies.get(2))?.sla.expireAfterHours).toBe(72);
    expect(await policies.get(4)).toBeUndefined();
    expect(await policies.get(0)).toBeUndefined();
    expect(await policies.list()).toEqual([
      { version: 3, createdAt: '2026-11-29T10:00:00.000Z', createdBy: 'bob', description: 'Band B at 11.5%' },
      { version: 2, createdAt: '2026-11-29T09:00:00.000Z', createdBy: 'ada', description: 'Faster SLA' },
      { version: 1, createdAt: DEFAULT_POLICY.createdAt, createdBy: 'system', description: DEFAULT_POLICY.description },
    ]);
    // What was stored is still a valid policy (money as strings, null tiers kept, no key attributes leaking out).
    expect(policySchema.parse(await policies.get(3))).toEqual(v3);
  });

  it('reads a version stored before the bureau rules existed (issue 12) as it was: no bureau rules, the default early warning', async () => {
    const table = await freshTable();
    const { bureauRules: _rules, earlyWarning: _warning, ...before } = structuredClone(DEFAULT_POLICY);
    await doc.send(new PutCommand({ TableName: table, Item: { ...keys.policyVersion(1), type: 'policy', ...before } }));
    const policies = createPolicyRepository(doc, table, new SettableClock());
    const read = await policies.current();
    expect(read.bureauRules).toEqual([]);
    expect(read.earlyWarning).toEqual(DEFAULT_POLICY.earlyWarning);
    expect(read).toEqual({ ...DEFAULT_POLICY, bureauRules: [] });
  });

  it('never takes a version, date or author from the draft', async () => {
    const table = await freshTable();
    const policies = createPolicyRepository(doc, table, new SettableClock());
    await policies.seed(DEFAULT_POLICY);
    const sneaky = { ...draft('copy of v1'), version: 1, createdAt: '2020-01-01T00:00:00.000Z', createdBy: 'mallory' } as PolicyDraft;
    const stored = await policies.publish(sneaky, 'ada', '2026-11-29T09:00:00.000Z');
    expect(stored).toMatchObject({ version: 2, createdBy: 'ada', createdAt: '2026-11-29T09:00:00.000Z' });
    expect(await policies.get(1)).toEqual(DEFAULT_POLICY);
  });

  it('lets exactly one of two publishes that read the same newest version become the next one', async () => {
    const table = await freshTable();
    await createPolicyRepository(doc, table, new SettableClock()).seed(DEFAULT_POLICY);
    // Both publishes read "newest = 1" before either writes: each waits after its read until the other has read too.
    let reads = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    const racing = {
      async send(command: unknown) {
        const result = await doc.send(command as never);
        if (command instanceof QueryCommand) {
          reads += 1;
          if (reads === 2) release();
          await bothRead;
        }
        return result;
      },
    } as unknown as DynamoDBDocumentClient;
    const first = createPolicyRepository(racing, table, new SettableClock());
    const second = createPolicyRepository(racing, table, new SettableClock());

    const results = await Promise.allSettled([
      first.publish(draft('from ada'), 'ada', '2026-11-29T09:00:00.000Z'),
      second.publish(draft('from bob'), 'bob', '2026-11-29T09:00:00.000Z'),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConcurrentModificationError);
    const winner = (won[0] as PromiseFulfilledResult<{ version: number; createdBy: string }>).value;
    expect(winner.version).toBe(2);

    const reader = createPolicyRepository(doc, table, new SettableClock());
    expect(await reader.get(2)).toMatchObject({ createdBy: winner.createdBy });
    expect((await reader.list()).map((p) => p.version)).toEqual([2, 1]);
  });

  it('never loses or overwrites a version under many concurrent publishes', async () => {
    const table = await freshTable();
    await createPolicyRepository(doc, table, new SettableClock()).seed(DEFAULT_POLICY);
    const writers = Array.from({ length: 6 }, () => createPolicyRepository(doc, table, new SettableClock()));
    const results = await Promise.allSettled(writers.map((w, i) => w.publish(draft(`writer ${i}`), `admin-${i}`, '2026-11-29T09:00:00.000Z')));
    const published = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrentModificationError);
    const stored = await createPolicyRepository(doc, table, new SettableClock()).list();
    expect(stored.map((p) => p.version)).toEqual(Array.from({ length: published.length + 1 }, (_, i) => published.length + 1 - i));
    for (const policy of published) expect(stored.find((p) => p.version === policy.version)?.createdBy).toBe(policy.createdBy);
  });

  it('caches current() for 30 s by the clock, and shows its own publish at once', async () => {
    const table = await freshTable();
    const clock = new SettableClock();
    const decide = createPolicyRepository(doc, table, clock);
    const admin = createPolicyRepository(doc, table, clock);
    await admin.seed(DEFAULT_POLICY);
    expect((await decide.current()).version).toBe(1);

    await admin.publish(draft('v2'), 'ada', '2026-11-29T08:00:05.000Z');
    expect((await admin.current()).version).toBe(2);
    clock.advanceSeconds(29);
    expect((await decide.current()).version).toBe(1);
    clock.advanceSeconds(2);
    expect((await decide.current()).version).toBe(2);

    await decide.publish(draft('v3'), 'ada', '2026-11-29T08:01:00.000Z');
    expect((await decide.current()).version).toBe(3);
  });

  it('does not trust the cache when the clock is set back', async () => {
    const table = await freshTable();
    const clock = new SettableClock();
    const decide = createPolicyRepository(doc, table, clock);
    const admin = createPolicyRepository(doc, table, clock);
    await admin.seed(DEFAULT_POLICY);
    expect((await decide.current()).version).toBe(1);
    await admin.publish(draft('v2'), 'ada', '2026-11-29T08:00:05.000Z');
    clock.advanceSeconds(-3600);
    expect((await decide.current()).version).toBe(2);
  });

  it('can run without a cache', async () => {
    const table = await freshTable();
    const clock = new SettableClock();
    const decide = createPolicyRepository(doc, table, clock, { cacheSeconds: 0 });
    const admin = createPolicyRepository(doc, table, clock);
    await admin.seed(DEFAULT_POLICY);
    expect((await decide.current()).version).toBe(1);
    await admin.publish(draft('v2'), 'ada', '2026-11-29T08:00:05.000Z');
    expect((await decide.current()).version).toBe(2);
  });
});
