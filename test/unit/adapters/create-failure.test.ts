// How the DynamoDB adapter reads a cancelled create transaction (functions/adapters/dynamodb/application-repository.ts):
// the Idempotency-Key before the open-application slot, so a repeated request is never taken for a second application.

import { createFailure, CREATE_ITEMS } from '../../../functions/adapters/dynamodb/application-repository';

/** Reasons for the create transaction's items (the audit event and a counter after them), 'None' unless given. */
function reasons(given: Partial<Record<keyof typeof CREATE_ITEMS, string>>): string[] {
  const all = ['None', 'None', 'None', 'None', 'None', 'None'];
  for (const [item, code] of Object.entries(given)) all[CREATE_ITEMS[item as keyof typeof CREATE_ITEMS]] = code;
  return all;
}

describe('createFailure', () => {
  it('reads a used Idempotency-Key before the open-application slot its first attempt holds', () => {
    expect(createFailure(reasons({ openSlot: 'ConditionalCheckFailed', idempotency: 'ConditionalCheckFailed' }))).toBe('idempotency-key-used');
    expect(createFailure(reasons({ idempotency: 'ConditionalCheckFailed' }))).toBe('idempotency-key-used');
  });

  it('calls a key whose record another transaction is writing right now in progress, whatever the slot says', () => {
    expect(createFailure(reasons({ idempotency: 'TransactionConflict' }))).toBe('idempotency-key-in-progress');
    expect(createFailure(reasons({ openSlot: 'ConditionalCheckFailed', idempotency: 'TransactionConflict' }))).toBe('idempotency-key-in-progress');
    expect(createFailure(reasons({ openSlot: 'TransactionConflict', idempotency: 'TransactionConflict' }))).toBe('idempotency-key-in-progress');
  });

  it('is an open application only when the key itself was free', () => {
    expect(createFailure(reasons({ openSlot: 'ConditionalCheckFailed' }))).toBe('open-application');
    expect(createFailure(reasons({ application: 'ConditionalCheckFailed', openSlot: 'ConditionalCheckFailed' }))).toBe('open-application');
    expect(createFailure(reasons({ application: 'ConditionalCheckFailed' }))).toBe('application-id');
  });

  it('has no meaning for other errors or other reasons', () => {
    expect(createFailure(undefined)).toBeUndefined();
    expect(createFailure(reasons({}))).toBeUndefined();
    expect(createFailure(reasons({ customer: 'ValidationError' }))).toBeUndefined();
  });
});
