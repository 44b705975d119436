// Loans in memory with the semantics loan-repository.ts promises: create once per id, versioned writes that fail with
// ConcurrentModificationError on a stale version, one repayment per (loan, reference) written with the loan or not at
// all. The integration tests check the real adapter against DynamoDB Local.

import { ConcurrentModificationError } from '../../functions/core/kernel/errors';
import { oldestUnpaidDueDate, type Loan } from '../../functions/core/servicing/loan';
import { RepaymentExistsError, type LoanRepository, type Repayment } from '../../functions/core/servicing/loan-service';
import { signWebhookBody } from '../../functions/core/servicing/repayment-webhook';

export const TEST_REPAYMENT_WEBHOOK_SECRET = 'unit-test-repayment-webhook-secret-0123456789';

export function signTestWebhook(body: string): string {
  return signWebhookBody(TEST_REPAYMENT_WEBHOOK_SECRET, body);
}

export class InMemoryLoans implements LoanRepository {
  readonly loans = new Map<string, Loan>();
  readonly repayments = new Map<string, Repayment>();
  /** Repayment writes that lose the race to another one first (the stored loan's version moves on), for retry tests. */
  racesToSimulate = 0;

  async create(loan: Loan) {
    if (this.loans.has(loan.loanId)) return false;
    this.loans.set(loan.loanId, structuredClone(loan));
    return true;
  }
  async get(loanId: string) {
    const found = this.loans.get(loanId);
    return found ? structuredClone(found) : undefined;
  }
  async listByOwner(ownerId: string, limit: number, cursor?: string) {
    const all = [...this.loans.values()].filter((loan) => loan.ownerId === ownerId).sort((a, b) => (a.disbursedAt < b.disbursedAt ? 1 : -1));
    const start = cursor ? Number(cursor) : 0;
    return { items: all.slice(start, start + limit).map((loan) => structuredClone(loan)), ...(start + limit < all.length ? { nextCursor: String(start + limit) } : {}) };
  }
  /** Reads of listDue, in loans returned: the overdue scan's cost. */
  dueItemsRead = 0;
  async listDue(throughDate: string, limit: number, cursor?: string) {
    const due = [...this.loans.values()]
      .map((loan) => ({ loan, key: oldestUnpaidDueDate(loan) }))
      .filter((entry): entry is { loan: Loan; key: string } => entry.key !== undefined && entry.key <= throughDate)
      .sort((a, b) => (a.key === b.key ? a.loan.loanId.localeCompare(b.loan.loanId) : a.key < b.key ? -1 : 1))
      .map((entry) => entry.loan);
    const start = cursor ? Number(cursor) : 0;
    const items = due.slice(start, start + limit).map((loan) => structuredClone(loan));
    this.dueItemsRead += items.length;
    return { items, ...(start + limit < due.length ? { nextCursor: String(start + limit) } : {}) };
  }
  async getRepayment(loanId: string, reference: string) {
    const found = this.repayments.get(`${loanId}#${reference}`);
    return found ? structuredClone(found) : undefined;
  }
  async listRepayments(loanId: string) {
    return [...this.repayments.values()].filter((r) => r.loanId === loanId).map((r) => structuredClone(r));
  }
  async recordRepayment({ loan, repayment }: { loan: Loan; repayment: Repayment }) {
    const key = `${loan.loanId}#${repayment.reference}`;
    if (this.repayments.has(key)) throw new RepaymentExistsError(`the reference ${repayment.reference} is recorded already`);
    if (this.racesToSimulate > 0) {
      this.racesToSimulate -= 1;
      const stored = this.loans.get(loan.loanId)!;
      this.loans.set(loan.loanId, { ...stored, version: stored.version + 1 });
    }
    const saved = this.write(loan);
    this.repayments.set(key, structuredClone(repayment));
    return saved;
  }
  async save(loan: Loan) {
    return this.write(loan);
  }
  private write(loan: Loan) {
    const stored = this.loans.get(loan.loanId);
    if (!stored || stored.version !== loan.version) throw new ConcurrentModificationError(`loan ${loan.loanId} changed meanwhile`);
    const next = { ...structuredClone(loan), version: loan.version + 1 };
    this.loans.set(loan.loanId, next);
    return structuredClone(next);
  }
}

export function fakeLoanDeps() {
  return {
    loans: new InMemoryLoans(),
    repaymentWebhookSecret: async () => TEST_REPAYMENT_WEBHOOK_SECRET,
  };
}
