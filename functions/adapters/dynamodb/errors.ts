// SDK errors become domain errors here, so no handler ever sees a DynamoDB exception name.

import { ConcurrentModificationError, ValidationError } from '../../core/kernel/errors';

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Reasons per item of a cancelled transaction ('ConditionalCheckFailed', 'None', …), or undefined for other errors. */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

export function concurrentModification(what: string, cause: unknown): ConcurrentModificationError {
  return new ConcurrentModificationError(`${what} changed meanwhile`, { cause });
}

/** Opaque page cursors: the LastEvaluatedKey, base64url-encoded. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/**
 * The start key from a cursor. The cursor must belong to the partition being queried: a forged cursor from another
 * partition is refused rather than passed to DynamoDB.
 */
export function decodeCursor(cursor: string | undefined, partitionAttribute: string, partitionValue: string): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const key = value as Record<string, unknown> | undefined;
  if (typeof key !== 'object' || key === null || Array.isArray(key) || key[partitionAttribute] !== partitionValue) {
    throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'is not a cursor this list returned' }]);
  }
  return key;
}
