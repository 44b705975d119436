// Loans for tests: hand-made schedules (the core takes any list shaped like the schedule generator's installments).

import { createLoan, type Loan, type ScheduleInstallmentInput } from '../../functions/core/servicing/loan';

/** Rows as [dueDate, principalMinor, interestMinor, feesMinor]. */
export function scheduleOf(rows: [string, number, number, number][]): ScheduleInstallmentInput[] {
  let outstanding = rows.reduce((sum, [, principal]) => sum + principal, 0);
  return rows.map(([dueDate, principalMinor, interestMinor, feesMinor], i) => {
    outstanding -= principalMinor;
    return { n: i + 1, dueDate, principalMinor, interestMinor, feesMinor, totalMinor: principalMinor + interestMinor + feesMinor, outstandingAfterMinor: outstanding };
  });
}

/**
 * 3,000.00 CNY over three months, disbursed 2026-01-10: due 10 Feb (1,025.00), 10 Mar (1,025.10), 10 Apr (1,025.10),
 * each with a 5.00 fee.
 */
export const THREE_MONTHS = scheduleOf([
  ['2026-02-10', 99_000, 3_000, 500],
  ['2026-03-10', 100_000, 2_010, 500],
  ['2026-04-10', 101_000, 1_010, 500],
]);

/** 4,000.00 CNY over four months, no fees, disbursed 2026-01-10. */
export const FOUR_MONTHS = scheduleOf([
  ['2026-02-10', 100_000, 4_000, 0],
  ['2026-03-10', 100_000, 3_000, 0],
  ['2026-04-10', 100_000, 2_000, 0],
  ['2026-05-10', 100_000, 1_000, 0],
]);

export function aLoan(overrides: Partial<Parameters<typeof createLoan>[0]> = {}): Loan {
  const schedule = overrides.schedule ?? THREE_MONTHS;
  return createLoan({
    loanId: 'LOAN1',
    applicationId: 'APP1',
    ownerId: 'alice',
    productId: 'personal-consumer',
    currency: 'CNY',
    principalMinor: schedule.reduce((sum, row) => sum + row.principalMinor, 0),
    annualRatePercent: '12',
    disbursedAt: '2026-01-10T02:00:00.000Z',
    disbursementDate: '2026-01-10',
    at: '2026-01-10T02:00:01.000Z',
    ...overrides,
    schedule,
  });
}
