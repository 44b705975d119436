// Bank statements for tests: a salaried applicant's months of transactions (the sandbox provider's), the salary given.

import type { StatementTransaction } from '../../functions/core/assessment/statement';
import { salariedStatementRows } from '../../functions/adapters/statements/sandbox-statements';

/** `months` months from January 2026: the salary on the 5th, rent on the 6th, groceries three times, power on the 20th. */
export function salariedStatement(salaryMinor: number, months = 6): StatementTransaction[] {
  return salariedStatementRows(salaryMinor, { months });
}

/** Overrides of validApplication(): 15,000.00 CNY declared a month, and a consented statement paying `salaryMinor`. */
export function withSalariedStatement(salaryMinor: number, base: Record<string, any>) {
  return {
    employment: { ...base.employment, monthlyIncome: { amount: '15000.00', currency: 'CNY' } },
    statement: { currency: 'CNY', transactions: salariedStatement(salaryMinor) },
    consents: { ...base.consents, statementAnalysis: true },
  };
}
