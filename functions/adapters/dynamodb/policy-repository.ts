// Decision policy versions in the single table: PK=POLICY, SK=V#<version, zero-padded>, so a Query newest-first with
// Limit 1 finds the current one. A version is written once, with attribute_not_exists: two concurrent publishes
// cannot both become version n, and no write ever replaces an old version.
//
// Every Decide reads the current policy, so `current()` is cached for a short time (30 s by default, by the injected
// clock). A publish through this instance is visible to it at once; another Lambda container sees it within the TTL.
// Each decision stores the policy version it used, so the window is visible in the audit trail.

import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../../core/kernel/errors';
import { DEFAULT_POLICY_DRAFT, type Policy, type PolicyDraft, type PolicyRepository, type PolicySummary } from '../../core/decisioning/policy';
import type { Clock } from '../../core/kernel/ports';
import { keys } from './keys';
import { concurrentModification, isConditionalCheckFailed } from './errors';

export interface PolicyRepositoryOptions {
  /** How long `current()` answers from memory. 0 turns the cache off. */
  cacheSeconds?: number;
}

function toPolicy(item: Record<string, unknown>): Policy {
  const { PK: _pk, SK: _sk, type: _type, ...policy } = item;
  // Versions stored before a field was added get what they meant: earlyWarning (issue 6) its default; bureauRules
  // (issue 12) none, because such a version had no bureau rules and decides as it always did.
  const stored = policy as Partial<Policy>;
  return { ...(policy as unknown as Policy), earlyWarning: stored.earlyWarning ?? DEFAULT_POLICY_DRAFT.earlyWarning, bureauRules: stored.bureauRules ?? [], statementRules: stored.statementRules ?? [] };
}

function toItem(policy: Policy) {
  return { ...keys.policyVersion(policy.version), type: 'policy', ...policy };
}

export function createPolicyRepository(
  doc: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock,
  options: PolicyRepositoryOptions = {},
): PolicyRepository & { clearCache(): void } {
  const ttlMillis = (options.cacheSeconds ?? 30) * 1000;
  // Valid from `from` until `until` by the injected clock (a clock set back, as the local one can be, ends it too).
  let cached: { policy: Policy; from: number; until: number } | undefined;

  const fresh = (entry: { from: number; until: number }) => {
    const now = clock.now().getTime();
    return entry.from <= now && now < entry.until;
  };
  const remember = (policy: Policy) => {
    if (ttlMillis <= 0 || (cached && fresh(cached) && policy.version < cached.policy.version)) return;
    const now = clock.now().getTime();
    cached = { policy, from: now, until: now + ttlMillis };
  };

  /** The newest stored version (strongly consistent), or undefined when none is stored. */
  async function newest(projection?: string[]): Promise<Record<string, unknown> | undefined> {
    const result = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.policyPartition, ':prefix': keys.policyVersionPrefix },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
        ...(projection
          ? {
              ProjectionExpression: projection.map((_, i) => `#p${i}`).join(', '),
              ExpressionAttributeNames: Object.fromEntries(projection.map((name, i) => [`#p${i}`, name])),
            }
          : {}),
      }),
    );
    return result.Items?.[0];
  }

  return {
    async current() {
      if (cached && fresh(cached)) return cached.policy;
      const item = await newest();
      if (!item) throw new NotFoundError('no decision policy has been published');
      const policy = toPolicy(item);
      remember(policy);
      return policy;
    },

    async get(version) {
      if (!Number.isInteger(version) || version < 1) return undefined;
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.policyVersion(version) }));
      return result.Item ? toPolicy(result.Item) : undefined;
    },

    async list() {
      const names = ['version', 'createdAt', 'createdBy', 'description'] as const;
      const summaries: PolicySummary[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.policyPartition, ':prefix': keys.policyVersionPrefix },
            ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#p${i}`, name])),
            ProjectionExpression: names.map((_, i) => `#p${i}`).join(', '),
            ScanIndexForward: false,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          summaries.push({
            version: Number(item.version),
            createdAt: String(item.createdAt),
            createdBy: String(item.createdBy),
            description: String(item.description),
          });
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return summaries;
    },

    async publish(draft: PolicyDraft, by: string, at: string) {
      const latest = await newest(['version']);
      // A caller passing a stored policy as the draft must not carry its version, date or author along.
      const { version: _version, createdAt: _createdAt, createdBy: _createdBy, ...rules } = draft as PolicyDraft & Partial<Policy>;
      const policy: Policy = { version: (latest ? Number(latest.version) : 0) + 1, createdAt: at, createdBy: by, ...rules };
      try {
        await doc.send(new PutCommand({ TableName: tableName, Item: toItem(policy), ConditionExpression: 'attribute_not_exists(PK)' }));
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        cached = undefined;
        throw concurrentModification(`policy version ${policy.version}`, error);
      }
      remember(policy);
      return policy;
    },

    async seed(policy) {
      try {
        await doc.send(new PutCommand({ TableName: tableName, Item: toItem(policy), ConditionExpression: 'attribute_not_exists(PK)' }));
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
      cached = undefined;
      return true;
    },

    clearCache() {
      cached = undefined;
    },
  };
}
