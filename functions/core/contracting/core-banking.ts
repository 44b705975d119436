// The core-banking port: how the lender's money reaches the borrower's account (PRODUCT.md §2.7). Adapters:
// `adapters/core-banking/http-core-banking.ts` (production) and `adapters/core-banking/sandbox-core-banking.ts` (local
// stack, tests, documented test accounts).
//
// Exactly once. The idempotency key is the loan id: every attempt for one loan (an adapter retry after a timeout, a
// Step Functions Retry, a redriven execution) carries the same key, and the bank answers a repeated key with the
// transfer it already made (HTTP 409 "already processed", which the adapter treats as success) instead of paying
// twice. A key reused with another amount or account is refused (TransferRejectedError 'idempotency_conflict').
//
// Errors. CoreBankingUnavailableError is transient: nothing was paid, or the outcome is not known yet (a timeout, a
// garbled answer, a transfer still pending); the pipeline retries on its `name` with the same key, which is safe.
// TransferRejectedError is permanent (account closed or invalid, a refused request): the application becomes FAILED
// and operations are alerted. Neither carries the account number or the holder's name in its message.

import { z } from 'zod';
import { DomainError, ExternalSystemUnavailableError } from '../kernel/errors';
import type { MinorAmount } from '../kernel/money';

/** Where the principal goes: the borrower's own account (given at submission or when accepting the contract). */
export interface DisbursementAccount {
  /** The bank's name as the applicant gave it; optional (the account number identifies the account at the bank). */
  bankName?: string;
  /** 8–34 digits or capital letters (domestic account numbers and IBANs alike), spaces removed. */
  accountNumber: string;
  holderName: string;
}

/**
 * The optional `disbursementAccount` of the submission and of the contract acceptance body. Spaces in the account
 * number are dropped and letters upper-cased before the check, so "6222 0212 3456 7890" and an IBAN typed in groups
 * are accepted.
 */
export const disbursementAccountSchema = z.strictObject({
  bankName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
  accountNumber: z
    .string()
    .transform((value) => value.replace(/\s+/g, '').toUpperCase())
    .pipe(z.string().regex(/^[0-9A-Z]{8,34}$/, 'must be 8–34 digits or letters (spaces are ignored)')),
  holderName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
});

export interface TransferRequest {
  /** The loan id: the same key for every attempt of one disbursement. */
  idempotencyKey: string;
  amount: MinorAmount;
  toAccount: { bank?: string; accountNumber: string; holderName: string };
  /** Shown on the borrower's statement and kept by the bank for reconciliation (e.g. "Loan <loanId>"). */
  reference: string;
}

export interface TransferResult {
  /** The bank's id of the transfer; the same for every repeated request with the same idempotency key. */
  transferId: string;
  status: 'COMPLETED';
  /** ISO 8601 UTC, as the bank reports it. */
  completedAt: string;
}

export interface CoreBanking {
  /**
   * Pays `amount` to `toAccount` once per idempotency key. Throws CoreBankingUnavailableError (transient: retry with
   * the same key) or TransferRejectedError (permanent).
   */
  transfer(request: TransferRequest): Promise<TransferResult>;
  /**
   * The completed transfer made under this idempotency key, if any — what a payout asks before paying, so that a
   * retry after a crash or a lost answer finds the money already sent. Throws CoreBankingUnavailableError when the
   * bank cannot say now (or the transfer is still pending).
   */
  findTransfer(idempotencyKey: string): Promise<TransferResult | undefined>;
}

/** Masks an account number for logs, audit details and messages: the last 4 characters only. */
export function maskAccountNumber(accountNumber: string): string {
  return accountNumber.length <= 4 ? '*'.repeat(accountNumber.length) : `${'*'.repeat(accountNumber.length - 4)}${accountNumber.slice(-4)}`;
}

// Errors. Their `name` is set from a string literal, not from the class (the Lambda bundles are minified, which
// renames classes): Step Functions matches `ErrorEquals` against this name.

export type CoreBankingUnavailableReason =
  | 'timeout'
  | 'network'
  | 'server_error'
  | 'rate_limited'
  | 'circuit_open'
  | 'credentials'
  /** The bank answered 2xx with a body that cannot be read: the transfer may have happened; retry with the same key. */
  | 'invalid_response'
  /** The bank accepted the transfer but has not completed it yet; asking again with the same key returns its state. */
  | 'pending';

/**
 * Core banking could not be reached, did not answer in time, or has not completed the transfer yet. Transient: the
 * pipeline's Retry matches "CoreBankingUnavailableError" and tries again with the same idempotency key.
 */
export class CoreBankingUnavailableError extends ExternalSystemUnavailableError<CoreBankingUnavailableReason> {
  override name = 'CoreBankingUnavailableError';
}

export type TransferRejectedReason =
  /** The account exists but is closed (or frozen): it cannot receive money. */
  | 'account_closed'
  /** No such account, or the number is malformed, or the holder's name does not match the account. */
  | 'account_invalid'
  /** The idempotency key was already used for a transfer with another amount or account. */
  | 'idempotency_conflict'
  /** Any other refusal (HTTP 4xx): a bad request or bad credentials; an operator has to look. */
  | 'request_rejected';

/** The bank refused the transfer for good. Permanent: FAILED and an operations alert. Nothing was paid. */
export class TransferRejectedError extends DomainError {
  override name = 'TransferRejectedError';
  readonly reason: TransferRejectedReason;
  readonly status: number | undefined;

  constructor(message: string, options: { reason: TransferRejectedReason; status?: number }) {
    super(message);
    this.reason = options.reason;
    this.status = options.status;
  }
}

/** The names Step Functions sees: retry the first, catch the second. */
export const CORE_BANKING_ERROR_NAMES = {
  unavailable: 'CoreBankingUnavailableError',
  rejected: 'TransferRejectedError',
} as const;
