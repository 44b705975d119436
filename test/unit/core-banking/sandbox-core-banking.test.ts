import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inMemorySandboxLedger, createSandboxCoreBanking, SANDBOX_ACCOUNTS, sandboxAccount } from '../../../functions/adapters/core-banking/sandbox-core-banking';
import { CoreBankingUnavailableError, TransferRejectedError, type TransferRequest } from '../../../functions/core/contracting/core-banking';
import { FixedClock } from '../../support/fakes';
import { rejection } from '../../support/rejection';

const transfer = (overrides: Partial<TransferRequest> = {}): TransferRequest => ({
  idempotencyKey: 'LOAN-0001',
  amount: { minor: 800_000, currency: 'CNY' },
  toAccount: { accountNumber: '6222021234567890123', holderName: 'Li Wei' },
  reference: 'Loan LOAN-0001',
  ...overrides,
});

describe('sandbox core bank', () => {
  const clock = new FixedClock(new Date('2026-12-01T02:00:00.000Z'));

  it('completes a transfer to an ordinary account at once and remembers it', async () => {
    const bank = createSandboxCoreBanking({ clock });
    const result = await bank.transfer(transfer());
    expect(result).toEqual({ transferId: 'SBX-TRF-LOAN-0001', status: 'COMPLETED', completedAt: '2026-12-01T02:00:00.000Z' });
    expect(bank.transfers).toEqual([
      { ...result, idempotencyKey: 'LOAN-0001', amount: { minor: 800_000, currency: 'CNY' }, toAccount: { accountNumber: '6222021234567890123', holderName: 'Li Wei' }, reference: 'Loan LOAN-0001' },
    ]);
  });

  it('pays once per idempotency key: a repeated call returns the same transfer and pays nothing more', async () => {
    const bank = createSandboxCoreBanking({ clock });
    const first = await bank.transfer(transfer());
    clock.current = new Date('2026-12-01T03:00:00.000Z');
    const again = await bank.transfer(transfer());
    expect(again).toEqual(first);
    expect(bank.transfers).toHaveLength(1);
    expect(bank.calls('LOAN-0001')).toBe(2);
    const other = await bank.transfer(transfer({ idempotencyKey: 'LOAN-0002' }));
    expect(other.transferId).not.toBe(first.transferId);
    expect(bank.transfers).toHaveLength(2);
  });

  it('pays once per key across instances sharing a ledger (two containers, or before and after a restart)', async () => {
    const ledger = inMemorySandboxLedger();
    const first = await createSandboxCoreBanking({ clock, ledger }).transfer(transfer());
    const again = await createSandboxCoreBanking({ clock, ledger }).transfer(transfer());
    expect(again).toEqual(first);
    expect(ledger.all).toHaveLength(1);
    await expect(createSandboxCoreBanking({ clock, ledger }).transfer(transfer({ amount: { minor: 900_000, currency: 'CNY' } }))).rejects.toMatchObject({
      name: 'TransferRejectedError',
      reason: 'idempotency_conflict',
    });
  });

  it('refuses the same key with another amount or account (as a bank refuses a reused idempotency key)', async () => {
    const bank = createSandboxCoreBanking({ clock });
    await bank.transfer(transfer());
    for (const changed of [transfer({ amount: { minor: 1, currency: 'CNY' } }), transfer({ toAccount: { accountNumber: '99999999', holderName: 'Li Wei' } })]) {
      const error = await rejection(bank.transfer(changed));
      expect(error).toBeInstanceOf(TransferRejectedError);
      expect(error).toMatchObject({ reason: 'idempotency_conflict' });
    }
    expect(bank.transfers).toHaveLength(1);
  });

  it('keeps the transfers of one instance apart from another (one sandbox per process)', async () => {
    const a = createSandboxCoreBanking({ clock });
    const b = createSandboxCoreBanking({ clock });
    await a.transfer(transfer());
    expect(b.transfers).toHaveLength(0);
  });

  it('the transient-failure account fails the first 2 calls per key with CoreBankingUnavailableError, then pays once', async () => {
    const bank = createSandboxCoreBanking({ clock });
    const account = sandboxAccount('transient_failure');
    const request = transfer({ toAccount: { accountNumber: account.accountNumber, holderName: 'Feng Tao' } });
    for (const call of [1, 2]) {
      const error = await rejection(bank.transfer(request));
      expect(error).toBeInstanceOf(CoreBankingUnavailableError);
      expect(error.name).toBe('CoreBankingUnavailableError');
      expect(error.message).toContain(`${call} of 2`);
    }
    const paid = await bank.transfer(request);
    expect(await bank.transfer(request)).toEqual(paid);
    expect(bank.transfers).toHaveLength(1);
    // The count is per key: another loan to the same account fails twice again.
    await expect(bank.transfer({ ...request, idempotencyKey: 'LOAN-0002' })).rejects.toBeInstanceOf(CoreBankingUnavailableError);
  });

  it('the unavailable account always fails transiently and never pays', async () => {
    const bank = createSandboxCoreBanking({ clock });
    const request = transfer({ toAccount: { accountNumber: sandboxAccount('unavailable').accountNumber, holderName: 'Chen Jing' } });
    for (let i = 0; i < 5; i += 1) {
      await expect(bank.transfer(request)).rejects.toMatchObject({ name: 'CoreBankingUnavailableError', reason: 'timeout' });
    }
    expect(bank.transfers).toHaveLength(0);
  });

  it.each([
    ['account_closed', 'account_closed'],
    ['account_invalid', 'account_invalid'],
  ] as const)('the %s account is rejected permanently (%s) and never pays', async (scenario, reason) => {
    const bank = createSandboxCoreBanking({ clock });
    const request = transfer({ toAccount: { accountNumber: sandboxAccount(scenario).accountNumber, holderName: 'Li Na' } });
    for (let i = 0; i < 2; i += 1) {
      const error = await rejection(bank.transfer(request));
      expect(error).toBeInstanceOf(TransferRejectedError);
      expect(error).toMatchObject({ name: 'TransferRejectedError', reason });
    }
    expect(bank.transfers).toHaveLength(0);
  });

  it('rejects a malformed account number as an invalid account, and a non-positive amount', async () => {
    const bank = createSandboxCoreBanking({ clock });
    await expect(bank.transfer(transfer({ toAccount: { accountNumber: '12-34', holderName: 'x' } }))).rejects.toMatchObject({ reason: 'account_invalid' });
    await expect(bank.transfer(transfer({ amount: { minor: 0, currency: 'CNY' } }))).rejects.toMatchObject({ reason: 'request_rejected' });
  });

  it('has distinct, valid test account numbers for every scenario', () => {
    const numbers = SANDBOX_ACCOUNTS.map((a) => a.accountNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const number of numbers) expect(number).toMatch(/^[0-9A-Z]{8,34}$/);
    expect(SANDBOX_ACCOUNTS.map((a) => a.scenario).sort()).toEqual(['account_closed', 'account_invalid', 'transient_failure', 'unavailable']);
  });

  it('is listed in the README, each test account with its scenario', () => {
    const doc = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    for (const account of SANDBOX_ACCOUNTS) expect(doc).toContain(`\`${account.accountNumber}\``);
  });
});
