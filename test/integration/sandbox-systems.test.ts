// The sandbox bank and bureau as deployed, with their state in DynamoDB Local: every Lambda container has its own
// adapter instance, so what a payout retried in another container (or after a crash) meets — the transfer already
// made, the scripted "fails twice, then works" — must come from the table, not from one instance's memory.

import { tablePerFile } from './table-per-file';
import { createSandboxCallCounter, createSandboxLedger } from '../../functions/adapters/dynamodb/sandbox-ledger';
import { createSandboxCoreBanking, sandboxAccount } from '../../functions/adapters/core-banking/sandbox-core-banking';
import { createSandboxBureau, sandboxIdentity } from '../../functions/adapters/bureau/sandbox-bureau';
import type { TransferRequest } from '../../functions/core/contracting/core-banking';

const { tableName, doc } = tablePerFile('sandbox');

const transfer = (idempotencyKey: string, accountNumber = '6222021234567890123'): TransferRequest => ({
  idempotencyKey,
  amount: { minor: 800_000, currency: 'CNY' },
  toAccount: { accountNumber, holderName: 'Li Wei' },
  reference: `Loan ${idempotencyKey}`,
});

/** A new adapter instance over the shared table, as a fresh Lambda container builds one. */
const container = () => createSandboxCoreBanking({ ledger: createSandboxLedger(doc, tableName) });

describe('sandbox systems with their state in the table', () => {
  it('pays once per key however many containers are asked, and one finds what another paid', async () => {
    const first = await container().transfer(transfer('LN-A'));
    const again = await container().transfer(transfer('LN-A'));
    expect(again).toEqual(first);
    expect(await container().findTransfer('LN-A')).toEqual(first);
    expect(await container().findTransfer('LN-UNPAID')).toBeUndefined();
  });

  it('fails a transient-failure account twice in all, then pays, even when each call meets a new container', async () => {
    const account = sandboxAccount('transient_failure').accountNumber;
    await expect(container().transfer(transfer('LN-B', account))).rejects.toMatchObject({ name: 'CoreBankingUnavailableError' });
    await expect(container().transfer(transfer('LN-B', account))).rejects.toMatchObject({ name: 'CoreBankingUnavailableError' });
    const paid = await container().transfer(transfer('LN-B', account));
    expect(paid.status).toBe('COMPLETED');
    expect(await container().transfer(transfer('LN-B', account))).toEqual(paid);
  });

  it('counts concurrent calls exactly (no two calls see the same count)', async () => {
    const count = createSandboxCallCounter(doc, tableName, 'bank');
    const counts = await Promise.all(Array.from({ length: 8 }, () => count('LN-C')));
    expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("fails the flaky bureau identity's first two pulls per application across instances, then reports", async () => {
    const identity = sandboxIdentity('transient_failure');
    const bureau = () => createSandboxBureau({ countCall: createSandboxCallCounter(doc, tableName, 'bureau') });
    const request = { nationalId: identity.nationalId, fullName: identity.fullName, dateOfBirth: identity.dateOfBirth, applicationId: 'APP-FLAKY' };
    await expect(bureau().report(request)).rejects.toMatchObject({ name: 'BureauUnavailableError' });
    await expect(bureau().report(request)).rejects.toMatchObject({ name: 'BureauUnavailableError' });
    await expect(bureau().report(request)).resolves.toMatchObject({ subject: { reference: 'APP-FLAKY', fileFound: true } });
    // Another application of the same person has its own count.
    await expect(bureau().report({ ...request, applicationId: 'APP-OTHER' })).rejects.toMatchObject({ name: 'BureauUnavailableError' });
  });
});
