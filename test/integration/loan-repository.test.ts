// The loan repository against DynamoDB Local: a loan opened once, a payment reference applied once, concurrent
// repayments on one loan all applied exactly (version condition + the use case's re-read and retry), the indexes.

import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { tablePerFile } from './table-per-file';
import { createLoanRepository } from '../../functions/adapters/dynamodb/loan-repository';
import { ConcurrentModificationError } from '../../functions/core/kernel/errors';
import { openLoan, recordRepayment, RepaymentExistsError } from '../../functions/core/servicing/loan-service';
import { outstandingOf, sumParts } from '../../functions/core/servicing/loan';
import { FOUR_MONTHS, THREE_MONTHS } from '../support/loans';
import { TIME_ZONE } from '../support/settings';

const { tableName, low, doc } = tablePerFile('loans');
const loans = createLoanRepository(doc, tableName, { timeZone: TIME_ZONE });
const clock = { now: () => new Date('2026-03-01T02:00:00.000Z') };
const deps = { loans, clock };

let sequence = 0;
async function newLoan(ownerId = 'alice', schedule = THREE_MONTHS, disbursedAt = '2026-01-10T02:00:00.000Z') {
  sequence += 1;
  const loanId = `01LOAN${String(sequence).padStart(20, '0')}`;
  const { loan } = await openLoan(deps, {
    loanId,
    applicationId: `APP-${loanId}`,
    ownerId,
    currency: 'CNY',
    principalMinor: schedule.reduce((sum, row) => sum + row.principalMinor, 0),
    annualRatePercent: '12',
    disbursedAt,
    schedule,
  }, { timeZone: TIME_ZONE });
  return loan;
}

const payment = (loanId: string, reference: string, amountMinor: number, paidAt = '2026-02-10T03:00:00.000Z') => ({
  loanId,
  reference,
  amountMinor,
  currency: 'CNY',
  paidAt,
  recordedBy: 'ops:olga',
  channel: 'staff' as const,
});

describe('loan repository', () => {
  it('opens a loan once and reads it back with its installments', async () => {
    const opened = await newLoan();
    // As stored, the loan also carries what the report counters count for it (core/reporting/aggregates.ts).
    const loan = { ...opened, countedAs: { active: true, bucket: 'current' as const, principalMinor: 300_000, historyLength: 0 } };
    expect(await loans.get(loan.loanId)).toEqual(loan);
    expect(await loans.create(loan)).toBe(false);
    const again = await openLoan(deps, {
      loanId: loan.loanId, applicationId: loan.applicationId, ownerId: 'alice', currency: 'CNY', principalMinor: 300_000,
      annualRatePercent: '12', disbursedAt: loan.disbursedAt, schedule: THREE_MONTHS,
    }, { timeZone: TIME_ZONE });
    expect(again).toEqual({ loan, created: false });
  });

  it('applies the same reference once: a repeat returns the first repayment and changes nothing', async () => {
    const loan = await newLoan();
    const first = await recordRepayment(deps, payment(loan.loanId, 'BANK-1', 102_500), { timeZone: TIME_ZONE });
    expect(first.replayed).toBe(false);
    const second = await recordRepayment(deps, payment(loan.loanId, 'BANK-1', 102_500), { timeZone: TIME_ZONE });
    expect(second).toEqual({ repayment: first.repayment, replayed: true });
    const stored = await loans.get(loan.loanId);
    expect(stored!.version).toBe(2);
    expect(sumParts(outstandingOf(stored!))).toBe(307_520 - 102_500);
    expect(await loans.listRepayments(loan.loanId)).toEqual([first.repayment]);
  });

  it('refuses a second write of a recorded reference in the transaction itself (RepaymentExistsError), leaving the loan as it was', async () => {
    const loan = await newLoan();
    const { repayment } = await recordRepayment(deps, payment(loan.loanId, 'BANK-2', 1_000), { timeZone: TIME_ZONE });
    const current = (await loans.get(loan.loanId))!;
    await expect(loans.recordRepayment({ loan: current, repayment })).rejects.toThrow(RepaymentExistsError);
    expect((await loans.get(loan.loanId))!.version).toBe(current.version);
  });

  it('refuses a write from a stale version (ConcurrentModificationError)', async () => {
    const loan = await newLoan();
    await recordRepayment(deps, payment(loan.loanId, 'BANK-3', 1_000), { timeZone: TIME_ZONE });
    const { repayment } = await recordRepayment(deps, payment(loan.loanId, 'BANK-4', 1_000), { timeZone: TIME_ZONE });
    await expect(loans.recordRepayment({ loan, repayment: { ...repayment, reference: 'BANK-5' } })).rejects.toThrow(ConcurrentModificationError);
    await expect(loans.save(loan)).rejects.toThrow(ConcurrentModificationError);
    expect(await loans.getRepayment(loan.loanId, 'BANK-5')).toBeUndefined();
  });

  it('applies concurrent repayments on one loan exactly: every one recorded, totals to the minor unit', async () => {
    const loan = await newLoan('carol', FOUR_MONTHS);
    const amounts = [1_000, 2_345, 10_000, 7, 50_000, 3_333, 999, 12_345];
    const results = await Promise.all(amounts.map((amount, i) => recordRepayment(deps, payment(loan.loanId, `PAR-${i}`, amount), { timeZone: TIME_ZONE, maxAttempts: 20 })));
    expect(results.every((r) => !r.replayed)).toBe(true);
    const stored = (await loans.get(loan.loanId))!;
    const total = amounts.reduce((sum, amount) => sum + amount, 0);
    expect(stored.version).toBe(1 + amounts.length);
    expect(stored.installments.reduce((sum, installment) => sum + sumParts(installment.paid), 0)).toBe(total);
    expect(sumParts(outstandingOf(stored))).toBe(410_000 - total);
    const repayments = await loans.listRepayments(loan.loanId);
    expect(repayments.map((r) => r.reference).sort()).toEqual(amounts.map((_, i) => `PAR-${i}`).sort());
    expect(repayments.reduce((sum, r) => sum + sumParts(r.allocation.totals) + r.allocation.creditMinor, 0)).toBe(total);
  });

  it('applies two concurrent deliveries of the same reference once', async () => {
    const loan = await newLoan();
    const [a, b] = await Promise.all([
      recordRepayment(deps, payment(loan.loanId, 'DUP-1', 5_000), { timeZone: TIME_ZONE }),
      recordRepayment(deps, payment(loan.loanId, 'DUP-1', 5_000), { timeZone: TIME_ZONE }),
    ]);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(a.repayment).toEqual(b.repayment);
    const stored = (await loans.get(loan.loanId))!;
    expect(stored.version).toBe(2);
    expect(stored.installments[0]!.paid).toEqual({ penalties: 0, fees: 500, interest: 3_000, principal: 1_500 });
  });

  it("lists a customer's loans newest first, and keeps the loans owing something in the due index until closed", async () => {
    const older = await newLoan('dave', THREE_MONTHS, '2026-01-10T02:00:00.000Z');
    const newer = await newLoan('dave', FOUR_MONTHS, '2026-01-10T03:00:00.000Z');
    const page = await loans.listByOwner('dave', 1);
    expect(page.items.map((l) => l.loanId)).toEqual([newer.loanId]);
    const next = await loans.listByOwner('dave', 1, page.nextCursor);
    expect(next.items.map((l) => l.loanId)).toEqual([older.loanId]);

    const dueKeys = async () => {
      const result = await low.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'LOANS#DUE' } },
        }),
      );
      return (result.Items ?? []).map((item) => item.GSI2SK!.S!).filter((key) => key.endsWith(older.loanId));
    };
    expect(await dueKeys()).toEqual([`2026-02-10#${older.loanId}`]);
    await recordRepayment(deps, payment(older.loanId, 'ON-TIME-1', 102_500), { timeZone: TIME_ZONE });
    expect(await dueKeys()).toEqual([`2026-03-10#${older.loanId}`]);
    // Paid off on 1 March: installment 2's interest accrued 19 of 28 days of 20.10 and its fee, installment 3's principal.
    const { repayment } = await recordRepayment(deps, payment(older.loanId, 'PAYOFF-1', 201_000 + 1_364 + 500, '2026-03-01T01:00:00.000Z'), { timeZone: TIME_ZONE });
    expect(repayment).toMatchObject({ loanStatusAfter: 'CLOSED', allocation: { payoff: true, creditMinor: 0 } });
    expect(await dueKeys()).toEqual([]);
  });
});
