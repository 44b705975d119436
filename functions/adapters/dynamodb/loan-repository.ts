// Loans in the single table: one item per loan with its installments inside (a repayment changes the loan and its
// installments in one conditional write, whatever their number), and one item per repayment in the loan's partition,
// keyed by the payment reference. A repayment is recorded by one transaction: the loan put on the condition that its
// version is still the one read (optimistic locking), and the repayment put on the condition that the reference is
// new. So a reference is applied once, and of two concurrent repayments one fails on the version and is re-applied by
// the use case on top of the other.
//
// Index attributes, rebuilt on every write: GSI1 OWNERLOANS#<owner> (a customer's loans) and, while the loan is ACTIVE
// and owes anything, GSI2 LOANS#DUE sorted by its oldest unpaid due date (the overdue scan's sparse index).

import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError } from '../../core/errors';
import { oldestUnpaidDueDate, type Loan } from '../../core/loan';
import { RepaymentExistsError, type LoanRepository, type Repayment } from '../../core/loan-service';
import { cancellationReasons, decodeCursor, encodeCursor, isConditionalCheckFailed } from './errors';
import { keys } from './keys';
import { queryAll } from './query';

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'type'];

function strip<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}

function loanItem(loan: Loan): Record<string, unknown> {
  const due = oldestUnpaidDueDate(loan);
  return {
    ...keys.loan(loan.loanId),
    ...keys.ownerLoansIndex(loan.ownerId, loan.disbursedAt, loan.loanId),
    ...(due ? keys.loanDueIndex(due, loan.loanId) : {}),
    type: 'loan',
    ...loan,
  };
}

export function createLoanRepository(doc: DynamoDBDocumentClient, tableName: string): LoanRepository {
  /** The loan as the next version, put only if the stored one is still `loan.version`. */
  function versionedPut(loan: Loan) {
    return {
      TableName: tableName,
      Item: loanItem({ ...loan, version: loan.version + 1 }),
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': loan.version },
    };
  }

  return {
    async create(loan) {
      try {
        await doc.send(new PutCommand({ TableName: tableName, Item: loanItem(loan), ConditionExpression: 'attribute_not_exists(PK)' }));
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
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
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: versionedPut(loan) },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...keys.loanRepayment(loan.loanId, repayment.reference), type: 'repayment', ...repayment },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
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
      return { ...loan, version: loan.version + 1 };
    },

    async save(loan) {
      try {
        await doc.send(new PutCommand(versionedPut(loan)));
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new ConcurrentModificationError(`loan ${loan.loanId} changed meanwhile`, { cause: error });
        throw error;
      }
      return { ...loan, version: loan.version + 1 };
    },
  };
}
