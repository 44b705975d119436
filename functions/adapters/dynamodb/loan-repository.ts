// Loans in the single table: one item per loan with its installments inside (a repayment changes the loan and its
// installments in one conditional write, whatever their number), and one item per repayment in the loan's partition,
// keyed by the payment reference. A repayment is recorded by one transaction: the loan put on the condition that its
// version is still the one read (optimistic locking), and the repayment put on the condition that the reference is
// new. So a reference is applied once, and of two concurrent repayments one fails on the version and is re-applied by
// the use case on top of the other.
//
// Index attributes, rebuilt on every write: GSI1 OWNERLOANS#<owner> (a customer's loans) and, while the loan is ACTIVE
// and owes anything, GSI2 LOANS#DUE sorted by its oldest unpaid due date (the overdue scan's sparse index).
//
// Report counters (core/reporting/aggregates.ts loanDeltas): every write also moves the portfolio gauges from what the stored
// version counted (`countedAs` on the loan) to what the loan is now, and counts the disbursement, the repayment and the
// bucket changes not counted yet, in the same transaction; the loan is stored with its new `countedAs`. The version
// condition makes that exact: the countedAs read is the one stored, or the write fails and is read again.

import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError } from '../../core/kernel/errors';
import { oldestUnpaidDueDate, type Loan } from '../../core/servicing/loan';
import { RepaymentExistsError, type LoanRepository, type Repayment } from '../../core/servicing/loan-service';
import { cancellationReasons, decodeCursor, encodeCursor, isConditionalCheckFailed } from './errors';
import { keys } from './keys';
import { queryAll } from './query';
import { loanDeltas, type LoanWrite } from '../../core/reporting/aggregates';
import { aggregateUpdates, transactWrite, type TransactItem } from './aggregate-writes';

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'type'];

function strip<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

export function loanItem(loan: Loan): Record<string, unknown> {
  const due = oldestUnpaidDueDate(loan);
  return {
    ...keys.loan(loan.loanId),
    ...keys.ownerLoansIndex(loan.ownerId, loan.disbursedAt, loan.loanId),
    ...(due ? keys.loanDueIndex(due, loan.loanId) : {}),
    type: 'loan',
    ...loan,
  };
}

/**
 * The items that open a loan: the loan (put only if its id is new) and the portfolio counters it moves. The loan
 * repository writes them alone; the application repository writes them in the disbursement's transaction.
 */
export function loanCreationItems(tableName: string, loan: Loan, timeZone: string): { put: TransactItem; counters: TransactItem[] } {
  const { deltas, countedAs } = loanDeltas({ loan, created: true }, timeZone);
  return {
    put: { Put: { TableName: tableName, Item: loanItem({ ...loan, countedAs }), ConditionExpression: 'attribute_not_exists(PK)' } },
    counters: aggregateUpdates(tableName, deltas),
  };
}

export interface LoanRepositoryOptions {
  /** The lender's time zone: the report counters written with each change count on its calendar days. */
  timeZone: string;
}

export function createLoanRepository(doc: DynamoDBDocumentClient, tableName: string, options: LoanRepositoryOptions): LoanRepository {
  const timeZone = options.timeZone;

  /** The loan as it is to be stored (with what the aggregates will count for it) and the counter updates. */
  function counted(write: LoanWrite): { loan: Loan; updates: TransactItem[] } {
    const { deltas, countedAs } = loanDeltas(write, timeZone);
    return { loan: { ...write.loan, countedAs }, updates: aggregateUpdates(tableName, deltas) };
  }

  /**
   * `next` (carrying its new countedAs) as the version after `read`'s, put only if the stored one is still `read.version`
   * and, when `read` counted nothing (a loan stored before the counters, or a stale copy of a new loan), still counts
   * nothing: a stale copy can never make the portfolio count a loan twice.
   */
  function versionedPut(read: Loan, next: Loan = read) {
    return {
      TableName: tableName,
      Item: loanItem({ ...next, version: read.version + 1 }),
      ConditionExpression: read.countedAs ? '#version = :expected' : '#version = :expected AND attribute_not_exists(countedAs)',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': read.version },
    };
  }

  return {
    async create(loan) {
      // Disbursed, and in the portfolio: the loan and its counters in one transaction (a taken id writes neither).
      const { put, counters } = loanCreationItems(tableName, loan, timeZone);
      try {
        if (counters.length === 0) await doc.send(new PutCommand(put.Put!));
        else await transactWrite(doc, [put, ...counters]);
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error) || cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },

    async get(loanId) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.loan(loanId), ConsistentRead: true }));
      return result.Item ? strip<Loan>(result.Item) : undefined;
    },

    async listByOwner(ownerId, limit, cursor) {
      const partition = keys.ownerLoansPartition(ownerId);
      const result = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor, 'GSI1PK', partition),
        }),
      );
      const last = result.LastEvaluatedKey;
      const nextCursor = last ? encodeCursor({ PK: last.PK, SK: last.SK, GSI1PK: last.GSI1PK, GSI1SK: last.GSI1SK }) : undefined;
      return { items: (result.Items ?? []).map((item) => strip<Loan>(item)), ...(nextCursor ? { nextCursor } : {}) };
    },

    async listDue(throughDate, limit, cursor) {
      // Sort keys are `<oldest unpaid due date>#<loan id>`; '$' follows '#', so `< date$` is every loan whose oldest
      // unpaid installment falls on or before throughDate. Only what is due is read, whatever the portfolio's size.
      const partition = keys.loanDuePartition;
      const result = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK < :upper',
          ExpressionAttributeValues: { ':pk': partition, ':upper': `${throughDate}$` },
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor, 'GSI2PK', partition),
        }),
      );
      const last = result.LastEvaluatedKey;
      const nextCursor = last ? encodeCursor({ PK: last.PK, SK: last.SK, GSI2PK: last.GSI2PK, GSI2SK: last.GSI2SK }) : undefined;
      return { items: (result.Items ?? []).map((item) => strip<Loan>(item)), ...(nextCursor ? { nextCursor } : {}) };
    },

    async getRepayment(loanId, reference) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.loanRepayment(loanId, reference), ConsistentRead: true }));
      return result.Item ? strip<Repayment>(result.Item) : undefined;
    },

    async listRepayments(loanId) {
      const prefix = keys.loanRepaymentsPrefix(loanId);
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': prefix.PK, ':prefix': prefix.SKPrefix },
        ConsistentRead: true,
      });
      return items
        .map((item) => strip<Repayment>(item))
        .sort((a, b) => (a.recordedAt === b.recordedAt ? a.reference.localeCompare(b.reference) : a.recordedAt < b.recordedAt ? -1 : 1));
    },

    async recordRepayment({ loan, repayment }) {
      const { loan: next, updates } = counted({
        loan,
        repayment: { amountMinor: repayment.amountMinor, currency: repayment.currency, recordedAt: repayment.recordedAt },
      });
      try {
        await transactWrite(doc, [
          { Put: versionedPut(loan, next) },
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.loanRepayment(loan.loanId, repayment.reference), type: 'repayment', ...repayment },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          ...updates,
        ]);
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[1] === 'ConditionalCheckFailed') {
          throw new RepaymentExistsError(`the reference ${repayment.reference} is recorded already on loan ${loan.loanId}`, { cause: error });
        }
        // A failed version check, or another transaction on the same items at the same moment: read again and retry.
        if (reasons?.some((reason) => reason === 'ConditionalCheckFailed' || reason === 'TransactionConflict')) {
          throw new ConcurrentModificationError(`loan ${loan.loanId} changed meanwhile`, { cause: error });
        }
        throw error;
      }
      return { ...next, version: loan.version + 1 };
    },

    async save(loan) {
      const { loan: next, updates } = counted({ loan });
      try {
        if (updates.length === 0) await doc.send(new PutCommand(versionedPut(loan, next)));
        else await transactWrite(doc, [{ Put: versionedPut(loan, next) }, ...updates]);
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (isConditionalCheckFailed(error) || reasons?.[0] === 'ConditionalCheckFailed' || reasons?.includes('TransactionConflict')) {
          throw new ConcurrentModificationError(`loan ${loan.loanId} changed meanwhile`, { cause: error });
        }
        throw error;
      }
      return { ...next, version: loan.version + 1 };
    },
  };
}
