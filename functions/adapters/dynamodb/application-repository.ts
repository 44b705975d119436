// Applications and their documents in the single table. Every state change is a conditional write on the version
// (optimistic locking); the open-application slot of a person changes in the same transaction as the application,
// and so do the report counters the change moves (received, decisions, expired reviews: core/reporting/aggregates.ts).

import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Application, ApplicationDocument } from '../../core/applications/application';
import { chain, type AuditEntry, type AuditEvent } from '../../core/kernel/audit';
import { ConflictError, ConcurrentModificationError, IdempotencyKeyInProgressError } from '../../core/kernel/errors';
import { assertTransition, isOpen, type ApplicationStatus } from '../../core/applications/lifecycle';
import type { Page } from '../../core/kernel/ports';
import type { ApplicationRepository, CustomerRecord, NewApplicationWrite } from '../../core/applications/ports';
import { keys } from './keys';
import { TTL_ATTRIBUTE } from './table-definition';
import { queryAll } from './query';
import { cancellationReasons, concurrentModification, decodeCursor, encodeCursor, isConditionalCheckFailed } from './errors';
import { applicationDeltas } from '../../core/reporting/aggregates';
import { aggregateUpdates, transactWrite, type TransactItem } from './aggregate-writes';
import { loanCreationItems } from './loan-repository';
import type { Loan } from '../../core/servicing/loan';

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'type'];

function toApplication(item: Record<string, unknown>): Application {
  const copy = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as unknown as Application;
}

function toDocument(item: Record<string, unknown>): ApplicationDocument {
  const { PK: _pk, SK: _sk, type: _type, applicationId: _app, ...document } = item;
  return document as unknown as ApplicationDocument;
}

export interface ApplicationRepositoryOptions {
  /** The lender's time zone: the report counters written with each change count on its calendar days. */
  timeZone: string;
}

export function createApplicationRepository(doc: DynamoDBDocumentClient, tableName: string, options: ApplicationRepositoryOptions): ApplicationRepository {
  const timeZone = options.timeZone;
  function auditPut(applicationId: string, event: AuditEvent) {
    return {
      TableName: tableName,
      Item: { ...keys.auditEvent(applicationId, event.seq), type: 'audit', ...event },
      ConditionExpression: 'attribute_not_exists(PK)',
    };
  }

  /**
   * One conditional write for every change to an application: the fields, an optional status move, the audit events
   * chained from the stored head, and (at an end state) the release of the person's open-application slot. The
   * version condition makes a stale read fail as ConcurrentModificationError instead of overwriting.
   */
  async function write(
    application: Application,
    at: string,
    change: {
      status?: ApplicationStatus;
      timelineEntry?: Application['timeline'][number];
      changes: Partial<Application>;
      audit: AuditEntry[];
      releaseOpenSlot: boolean;
      /** A re-driven application is open again: it takes the person's slot back (unless another application has it). */
      claimOpenSlot?: boolean;
      /** The loan the disbursement opens, written in the same transaction. */
      openLoan?: Loan;
    },
  ): Promise<Application> {
    const { events, head } = chain(application.auditHead, at, change.audit);
    const names: Record<string, string> = { '#version': 'version', '#status': 'status' };
    const values: Record<string, unknown> = {
      ':expected': application.version,
      ':next': application.version + 1,
      ':from': application.status,
      ':at': at,
      ':head': head,
    };
    const sets = ['updatedAt = :at', '#version = :next', 'auditHead = :head'];
    if (change.status) {
      names['#timeline'] = 'timeline';
      Object.assign(values, {
        ':to': change.status,
        ':entry': [change.timelineEntry],
        ':gsi2pk': keys.statusPartition(change.status),
      });
      sets.push('#status = :to', '#timeline = list_append(#timeline, :entry)', 'GSI2PK = :gsi2pk');
    }
    for (const [field, value] of Object.entries(change.changes)) {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    // The report counters this change moves (a decision, an expired review), written in the same transaction.
    const after: Application = { ...application, ...change.changes, ...(change.status ? { status: change.status } : {}), updatedAt: at };
    const transactItems: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Update: {
          TableName: tableName,
          Key: keys.application(application.applicationId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#version = :expected AND #status = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      ...events.map((event) => ({ Put: auditPut(application.applicationId, event) })),
    ];
    if (change.releaseOpenSlot) {
      // Reaching an end frees the person to apply again, in the same write.
      transactItems.push({
        Delete: {
          TableName: tableName,
          Key: keys.openApplication(application.nationalIdHash),
          ConditionExpression: 'attribute_not_exists(PK) OR applicationId = :id',
          ExpressionAttributeValues: { ':id': application.applicationId },
        },
      });
    }
    const slotIndex = change.claimOpenSlot ? transactItems.length : -1;
    if (change.claimOpenSlot) {
      transactItems.push({
        Put: {
          TableName: tableName,
          Item: { ...keys.openApplication(application.nationalIdHash), type: 'open-application', applicationId: application.applicationId, ownerId: application.ownerId, createdAt: application.createdAt },
          ConditionExpression: 'attribute_not_exists(PK) OR applicationId = :id',
          ExpressionAttributeValues: { ':id': application.applicationId },
        },
      });
    }
    transactItems.push(...aggregateUpdates(tableName, applicationDeltas(application, after, timeZone)));
    const loanIndex = change.openLoan ? transactItems.length : -1;
    if (change.openLoan) {
      const { put, counters } = loanCreationItems(tableName, change.openLoan, timeZone);
      transactItems.push(put, ...counters);
    }
    try {
      await transactWrite(doc, transactItems);
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (loanIndex >= 0 && reasons?.[loanIndex] === 'ConditionalCheckFailed' && reasons[0] !== 'ConditionalCheckFailed') {
        throw new ConflictError(`a loan ${change.openLoan!.loanId} exists already`, { cause: error });
      }
      if (slotIndex >= 0 && reasons?.[slotIndex] === 'ConditionalCheckFailed') {
        throw new ConflictError('the applicant has another open application now; it must end before this one can continue', { cause: error });
      }
      if (reasons?.includes('ConditionalCheckFailed')) {
        throw new ConcurrentModificationError(`application ${application.applicationId} changed meanwhile`, { cause: error });
      }
      throw error;
    }
    return {
      ...application,
      ...change.changes,
      ...(change.status ? { status: change.status, timeline: [...application.timeline, change.timelineEntry!] } : {}),
      updatedAt: at,
      version: application.version + 1,
      auditHead: head,
    };
  }

  async function queryApplications(
    indexName: string,
    partitionAttribute: string,
    partitionValue: string,
    limit: number,
    cursor?: string,
    status?: ApplicationStatus,
  ): Promise<Page<Application>> {
    const sortAttribute = partitionAttribute.replace(/PK$/, 'SK');
    const result = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: indexName,
        KeyConditionExpression: '#pk = :pk',
        ...(status ? { FilterExpression: '#status = :status' } : {}),
        ExpressionAttributeNames: { '#pk': partitionAttribute, ...(status ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: { ':pk': partitionValue, ...(status ? { ':status': status } : {}) },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, partitionAttribute, partitionValue),
      }),
    );
    const items = (result.Items ?? []).map(toApplication);
    const last = result.LastEvaluatedKey;
    // Keep only the attributes DynamoDB needs to resume, so the cursor stays short and leaks nothing.
    const resume = last ? pick(last, ['PK', 'SK', partitionAttribute, sortAttribute]) : undefined;
    return { items, ...(resume ? { nextCursor: encodeCursor(resume) } : {}) };
  }

  /** A conditional update of a document item: true when it was made, false when the condition no longer held. */
  async function updateDocumentIf(update: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await doc.send(new UpdateCommand({ TableName: tableName, ...update }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  return {
    async create({ application, customer, idempotency, audit }: NewApplicationWrite) {
      const { applicationId, ownerId, createdAt, status, nationalIdHash } = application;
      const items: TransactItem[] = [];
      items[CREATE_ITEMS.application] = {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.application(applicationId),
            ...keys.ownerIndex(ownerId, createdAt, applicationId),
            ...keys.statusIndex(status, createdAt, applicationId),
            ...keys.allApplicationsIndex(createdAt, applicationId),
            type: 'application',
            ...application,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      };
      items[CREATE_ITEMS.openSlot] = {
        Put: {
          TableName: tableName,
          Item: { ...keys.openApplication(nationalIdHash), type: 'open-application', applicationId, ownerId, createdAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      };
      items[CREATE_ITEMS.customer] = {
        Put: { TableName: tableName, Item: { ...keys.customer(customer.customerId), type: 'customer', ...customer } },
      };
      items[CREATE_ITEMS.idempotency] = {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.idempotency(idempotency.ownerId, idempotency.key),
            type: 'idempotency',
            requestHash: idempotency.requestHash,
            response: idempotency.response,
            createdAt: idempotency.createdAt,
            [TTL_ATTRIBUTE]: idempotency.expiresAtEpochSeconds,
          },
          // A record past its expiry counts as gone (the store ignores it too) even before TTL has deleted it.
          ConditionExpression: 'attribute_not_exists(PK) OR #expires <= :now',
          ExpressionAttributeNames: { '#expires': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': Math.floor(Date.parse(idempotency.createdAt) / 1000) },
        },
      };
      items.push(
        ...audit.map((event) => ({ Put: auditPut(applicationId, event) })),
        // Received: counted with the application, after the items whose positions the errors below read.
        ...aggregateUpdates(tableName, applicationDeltas(undefined, application, timeZone)),
      );
      try {
        await transactWrite(doc, items);
      } catch (error) {
        const failure = createFailure(cancellationReasons(error));
        if (failure === 'idempotency-key-used') throw concurrentModification('this Idempotency-Key', error);
        if (failure === 'idempotency-key-in-progress') {
          throw new IdempotencyKeyInProgressError('a request with this Idempotency-Key is in progress; retry shortly to get its answer', { cause: error });
        }
        if (failure === 'open-application') throw new ConflictError('an open application already exists for this national ID', { cause: error });
        if (failure === 'application-id') throw concurrentModification('application id', error);
        throw error;
      }
    },

    async get(applicationId) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.application(applicationId), ConsistentRead: true }));
      return result.Item ? toApplication(result.Item) : undefined;
    },

    async getCustomer(customerId) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.customer(customerId) }));
      if (!result.Item) return undefined;
      const { PK: _pk, SK: _sk, type: _type, ...customer } = result.Item;
      return customer as CustomerRecord;
    },

    listByOwner(ownerId, limit, cursor, status) {
      return queryApplications('GSI1', 'GSI1PK', keys.ownerPartition(ownerId), limit, cursor, status);
    },

    listAll(limit, cursor, status) {
      return status
        ? queryApplications('GSI2', 'GSI2PK', keys.statusPartition(status), limit, cursor)
        : queryApplications('GSI3', 'GSI3PK', keys.allApplicationsPartition, limit, cursor);
    },

    async transition({ application, to, at, by, changes = {}, audit = [], openLoan }) {
      assertTransition(application.status, to);
      const entry = { at, status: to, by };
      return write(application, at, {
        status: to,
        timelineEntry: entry,
        changes,
        audit: [{ actor: by, action: 'status.changed', details: { from: application.status, to } }, ...audit],
        releaseOpenSlot: !isOpen(to),
        claimOpenSlot: !isOpen(application.status) && isOpen(to),
        ...(openLoan ? { openLoan } : {}),
      });
    },

    annotate({ application, at, changes = {}, audit }) {
      return write(application, at, { changes, audit, releaseOpenSlot: false });
    },

    async listAudit(applicationId) {
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.application(applicationId).PK, ':prefix': keys.auditPrefix },
        ConsistentRead: true,
      });
      return items.map(({ PK: _pk, SK: _sk, type: _type, ...event }) => event as unknown as AuditEvent);
    },

    async addDocument(applicationId, document) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.applicationDocument(applicationId, document.documentId), type: 'document', applicationId, ...document },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    },

    async markDocumentReceived(applicationId, documentId, receivedAt) {
      // False when already received (S3 delivers events at least once) or unknown: nothing to change.
      return updateDocumentIf({
        Key: keys.applicationDocument(applicationId, documentId),
        UpdateExpression: 'SET #status = :received, receivedAt = :at',
        ConditionExpression: 'attribute_exists(PK) AND #status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':received': 'RECEIVED', ':pending': 'PENDING_UPLOAD', ':at': receivedAt },
      });
    },

    async markDocumentRejected(applicationId, documentId, { from, rejectedAt, reason }) {
      // False when moved meanwhile (a repeated event rejected it first) or unknown: nothing to change.
      return updateDocumentIf({
        Key: keys.applicationDocument(applicationId, documentId),
        UpdateExpression: 'SET #status = :rejected, rejectedAt = :at, rejectionReason = :reason REMOVE receivedAt',
        ConditionExpression: 'attribute_exists(PK) AND #status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':rejected': 'REJECTED', ':from': from, ':at': rejectedAt, ':reason': reason },
      });
    },

    async listDocuments(applicationId) {
      const prefix = keys.applicationDocumentsPrefix(applicationId);
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': prefix.PK, ':prefix': prefix.SKPrefix },
        ConsistentRead: true,
      });
      return items.map(toDocument);
    },
  };
}

/** Where each item of the create transaction is, so its cancellation reasons can be read. */
export const CREATE_ITEMS = { application: 0, openSlot: 1, customer: 2, idempotency: 3 } as const;

export type CreateFailure = 'idempotency-key-used' | 'idempotency-key-in-progress' | 'open-application' | 'application-id';

/**
 * What a cancelled create transaction means, from its cancellation reasons (one per item, CREATE_ITEMS). The
 * Idempotency-Key is read first: a request repeated with its key also fails the open-application slot (its first
 * attempt holds it), and must be answered as the first attempt was, never as a second application of the person.
 * A key whose record another transaction is writing at this moment (TransactionConflict) is in progress. Undefined:
 * none of these (the error is not a cancelled create, or was cancelled for another reason).
 */
export function createFailure(reasons: readonly string[] | undefined): CreateFailure | undefined {
  if (!reasons) return undefined;
  const idempotency = reasons[CREATE_ITEMS.idempotency];
  if (idempotency === 'ConditionalCheckFailed') return 'idempotency-key-used';
  if (idempotency === 'TransactionConflict') return 'idempotency-key-in-progress';
  if (reasons[CREATE_ITEMS.openSlot] === 'ConditionalCheckFailed') return 'open-application';
  if (reasons[CREATE_ITEMS.application] === 'ConditionalCheckFailed') return 'application-id';
  return undefined;
}

function pick(source: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((name) => name in source).map((name) => [name, source[name]]));
}
