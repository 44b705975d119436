// The sandbox core bank for the local stack and tests: no network, deterministic. Every transfer to an ordinary
// account succeeds at once and is remembered by its idempotency key in this process (so a second call with the same
// key returns the same transferId and never pays twice), unless the account is one of the test accounts below, which,
// like a payment provider's test cards, fail in a documented way (the README lists them for people; tests read
// SANDBOX_ACCOUNTS and check the README).
//
// As a real bank: a key reused with another amount, currency or account is refused (`idempotency_conflict`), and an
// account number that is not 8–34 digits or capital letters is an invalid account.

import {
  CoreBankingUnavailableError,
  TransferRejectedError,
  type CoreBanking,
  type TransferRejectedReason,
  type TransferRequest,
  type TransferResult,
} from '../../core/contracting/core-banking';
import type { Clock } from '../../core/kernel/ports';
import { systemClock } from '../clock';
import { inMemoryCallCounter, type CallCounter } from '../sandbox-calls';

export type SandboxAccountScenario = 'transient_failure' | 'unavailable' | 'account_closed' | 'account_invalid';

export type SandboxAccountBehaviour =
  /** The first `failures` calls per idempotency key throw CoreBankingUnavailableError; the next one transfers. */
  | { kind: 'fail_then_succeed'; failures: number }
  /** Every call throws CoreBankingUnavailableError (a timeout). */
  | { kind: 'unavailable' }
  /** Every call throws TransferRejectedError with this reason; nothing is paid. */
  | { kind: 'rejected'; reason: TransferRejectedReason };

export interface SandboxAccount {
  scenario: SandboxAccountScenario;
  accountNumber: string;
  /** What the sandbox bank does, in words. */
  returns: string;
  /** What the pipeline is expected to do with it. */
  expectedOutcome: string;
  behaviour: SandboxAccountBehaviour;
}

export const SANDBOX_ACCOUNTS: readonly SandboxAccount[] = Object.freeze([
  {
    scenario: 'transient_failure',
    accountNumber: '6200000000000001',
    returns: 'CoreBankingUnavailableError on the first 2 transfer calls for a loan (idempotency key), then the transfer completes',
    expectedOutcome: "the pipeline's Retry on CoreBankingUnavailableError transfers again with the same key; then DISBURSED, paid once",
    behaviour: { kind: 'fail_then_succeed', failures: 2 },
  },
  {
    scenario: 'unavailable',
    accountNumber: '6200000000000002',
    returns: 'CoreBankingUnavailableError (timeout) on every call',
    expectedOutcome: 'retried, then caught: the application stays ACCEPTED (the payout delayed, never FAILED while money may have moved), operations are alerted once, and the payout is tried again with the same key every 15 minutes; nothing is paid',
    behaviour: { kind: 'unavailable' },
  },
  {
    scenario: 'account_closed',
    accountNumber: '6200000000000003',
    returns: "TransferRejectedError 'account_closed' (the account exists but is closed)",
    expectedOutcome: 'not retried: the application becomes FAILED and operations are alerted; nothing is paid',
    behaviour: { kind: 'rejected', reason: 'account_closed' },
  },
  {
    scenario: 'account_invalid',
    accountNumber: '6200000000000004',
    returns: "TransferRejectedError 'account_invalid' (no such account at the bank)",
    expectedOutcome: 'not retried: the application becomes FAILED and operations are alerted; nothing is paid',
    behaviour: { kind: 'rejected', reason: 'account_invalid' },
  },
]);

const BY_ACCOUNT = new Map(SANDBOX_ACCOUNTS.map((account) => [account.accountNumber, account]));

export function sandboxAccount(scenario: SandboxAccountScenario): SandboxAccount {
  const found = SANDBOX_ACCOUNTS.find((account) => account.scenario === scenario);
  if (!found) throw new Error(`no sandbox account for scenario ${scenario}`);
  return found;
}

/** A transfer the sandbox made: what a bank statement would show. */
export interface SandboxTransfer extends TransferResult {
  idempotencyKey: string;
  amount: TransferRequest['amount'];
  toAccount: TransferRequest['toAccount'];
  reference: string;
}

export interface SandboxCoreBanking extends CoreBanking {
  /** Every transfer made by this instance, in order: one per idempotency key (tests check "paid exactly once"). */
  readonly transfers: readonly SandboxTransfer[];
  /** Calls so far for an idempotency key, including failed and repeated ones. */
  calls(idempotencyKey: string): number;
}

/**
 * Where the sandbox bank keeps its transfers. In memory by default (tests, one process); in production wiring the
 * table (adapters/dynamodb/sandbox-ledger.ts), so that every container and every restart sees the same transfers.
 */
export interface SandboxLedger {
  find(idempotencyKey: string): Promise<SandboxTransfer | undefined>;
  /** Records the transfer unless one with its key exists; returns the one that stands. */
  record(transfer: SandboxTransfer): Promise<SandboxTransfer>;
  /**
   * Counts one more transfer call for the key and returns the count, across every instance sharing the ledger: the
   * scripted failures ("fail the first two calls") hold however many containers, restarts or retries see the key.
   */
  countCall: CallCounter;
}

export function inMemorySandboxLedger(): SandboxLedger & { readonly all: readonly SandboxTransfer[] } {
  const byKey = new Map<string, SandboxTransfer>();
  return {
    get all() {
      return [...byKey.values()].map((transfer) => structuredClone(transfer));
    },
    async find(idempotencyKey) {
      const found = byKey.get(idempotencyKey);
      return found ? structuredClone(found) : undefined;
    },
    async record(transfer) {
      const earlier = byKey.get(transfer.idempotencyKey);
      if (earlier) return structuredClone(earlier);
      byKey.set(transfer.idempotencyKey, structuredClone(transfer));
      return transfer;
    },
    countCall: inMemoryCallCounter(),
  };
}

export interface SandboxCoreBankingOptions {
  clock?: Clock;
  /** Default: in memory, for this instance only. */
  ledger?: SandboxLedger;
}

export function createSandboxCoreBanking(options: SandboxCoreBankingOptions = {}): SandboxCoreBanking {
  const clock = options.clock ?? systemClock;
  const ledger = options.ledger ?? inMemorySandboxLedger();
  /** The transfers this instance made (the ledger may hold others', made in other containers). */
  const transfers: SandboxTransfer[] = [];
  const callCounts = new Map<string, number>();

  return {
    get transfers() {
      return transfers.map((transfer) => structuredClone(transfer));
    },

    calls: (idempotencyKey) => callCounts.get(idempotencyKey) ?? 0,

    async findTransfer(idempotencyKey: string): Promise<TransferResult | undefined> {
      const found = await ledger.find(idempotencyKey);
      return found ? { transferId: found.transferId, status: found.status, completedAt: found.completedAt } : undefined;
    },

    async transfer(request: TransferRequest): Promise<TransferResult> {
      callCounts.set(request.idempotencyKey, (callCounts.get(request.idempotencyKey) ?? 0) + 1);
      const call = await ledger.countCall(request.idempotencyKey);

      const earlier = await ledger.find(request.idempotencyKey);
      if (earlier) {
        const same =
          earlier.amount.minor === request.amount.minor &&
          earlier.amount.currency === request.amount.currency &&
          earlier.toAccount.accountNumber === request.toAccount.accountNumber;
        if (!same) {
          throw new TransferRejectedError('sandbox bank refused the transfer: the idempotency key was already used for another transfer', {
            reason: 'idempotency_conflict',
            status: 409,
          });
        }
        return { transferId: earlier.transferId, status: earlier.status, completedAt: earlier.completedAt };
      }

      if (!Number.isSafeInteger(request.amount.minor) || request.amount.minor <= 0) {
        throw new TransferRejectedError(`sandbox bank refused the transfer: the amount must be positive, got ${request.amount.minor}`, {
          reason: 'request_rejected',
          status: 400,
        });
      }
      if (!/^[0-9A-Z]{8,34}$/.test(request.toAccount.accountNumber)) {
        throw new TransferRejectedError('sandbox bank rejected the transfer (account_invalid)', { reason: 'account_invalid', status: 422 });
      }
      const behaviour = BY_ACCOUNT.get(request.toAccount.accountNumber)?.behaviour;
      if (behaviour?.kind === 'unavailable') {
        throw new CoreBankingUnavailableError('core banking unavailable: sandbox bank timed out', { reason: 'timeout', attempts: 1 });
      }
      if (behaviour?.kind === 'rejected') {
        throw new TransferRejectedError(`sandbox bank rejected the transfer (${behaviour.reason})`, { reason: behaviour.reason, status: 422 });
      }
      if (behaviour?.kind === 'fail_then_succeed' && call <= behaviour.failures) {
        throw new CoreBankingUnavailableError(`core banking unavailable: sandbox transient failure ${call} of ${behaviour.failures}`, {
          reason: 'server_error',
          attempts: 1,
          status: 503,
        });
      }

      const transfer: SandboxTransfer = {
        transferId: `SBX-TRF-${request.idempotencyKey}`.slice(0, 128),
        status: 'COMPLETED',
        completedAt: clock.now().toISOString(),
        idempotencyKey: request.idempotencyKey,
        amount: { ...request.amount },
        toAccount: { ...request.toAccount },
        reference: request.reference,
      };
      // Two attempts racing with one key: the ledger keeps the first; both answer with it.
      const made = await ledger.record(transfer);
      if (made === transfer) transfers.push(transfer);
      return { transferId: made.transferId, status: made.status, completedAt: made.completedAt };
    },
  };
}
