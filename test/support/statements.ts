// Bank statements for tests: a salaried applicant's months of transactions, the salary given.

import type { StatementTransaction } from '../../functions/core/assessment/statement';

/** `months` months from January 2026: the salary on the 5th, rent on the 6th, groceries three times, power on the 20th. */
export function salariedStatement(salaryMinor: number, months = 6): StatementTransaction[] {
  const rows: StatementTransaction[] = [];
  let balance = 3_000_00;
  const push = (date: string, minor: number, direction: 'in' | 'out', counterparty: string, description?: string) => {
    balance += direction === 'in' ? minor : -minor;
    const shown = (Math.abs(balance) / 100).toFixed(2);
    rows.push({ date, amount: (minor / 100).toFixed(2), direction, counterparty, ...(description ? { description } : {}), balance: balance < 0 ? `-${shown}` : shown });
  };
  for (let month = 1; month <= months; month += 1) {
    const m = String(month).padStart(2, '0');
    push(`2026-${m}-05`, salaryMinor, 'in', '上海某某科技有限公司', '工资');
    push(`2026-${m}-06`, 2_000_00, 'out', '王房东', '房租');
    for (const day of ['08', '15', '22']) push(`2026-${m}-${day}`, 300_00, 'out', '联华超市');
    push(`2026-${m}-20`, 150_00, 'out', '国家电网', '电费');
  }
  return rows;
}

/** Overrides of validApplication(): 15,000.00 CNY declared a month, and a consented statement paying `salaryMinor`. */
export function withSalariedStatement(salaryMinor: number, base: Record<string, any>) {
  return {
    employment: { ...base.employment, monthlyIncome: { amount: '15000.00', currency: 'CNY' } },
    statement: { currency: 'CNY', transactions: salariedStatement(salaryMinor) },
    consents: { ...base.consents, statementAnalysis: true },
  };
}
