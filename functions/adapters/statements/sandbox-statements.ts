// The sandbox statement source (issue 12 item 4): the bank statements an account-data provider would return, for the
// local stack, tests and any deployment without a provider. Like the sandbox bureau, it answers documented test
// identities with documented statements and every other person with none on file. The README lists them; tests read
// SANDBOX_STATEMENT_IDENTITIES. The IDs are valid resident IDs (region 310104, sequence 920–922), so intake accepts them.

import type { StatementSource, StatementTransaction } from '../../core/assessment/statement';
import { cnCheckCharacter } from '../../core/kernel/national-id';

export type SandboxStatementScenario = 'salaried_statement' | 'low_income_statement' | 'gambling_statement';

export interface SandboxStatementIdentity {
  scenario: SandboxStatementScenario;
  nationalId: string;
  dateOfBirth: string;
  fullName: string;
  /** What the sandbox returns, in words. */
  returns: string;
  /** What the default policy does with it for an applicant who declares 15,000.00 CNY a month. */
  expectedDecision: string;
  /** Monthly salary and gambling, in minor units, over the six months January–June 2026. */
  salaryMinor: number;
  gamblingMinor: number;
}

function testId(dateOfBirth: string, sequence: number): string {
  const first17 = `310104${dateOfBirth.replaceAll('-', '')}${sequence}`;
  return `${first17}${cnCheckCharacter(first17)}`;
}

export const SANDBOX_STATEMENT_IDENTITIES: readonly SandboxStatementIdentity[] = [
  {
    scenario: 'salaried_statement',
    nationalId: testId('1988-04-12', 920),
    dateOfBirth: '1988-04-12',
    fullName: 'He Ping',
    returns: 'six months (January–June 2026) of a salary of 15,000.00 CNY on the 5th, rent 2,000.00, groceries and power',
    expectedDecision: 'no statement rule fires: decided as without a statement',
    salaryMinor: 15_000_00,
    gamblingMinor: 0,
  },
  {
    scenario: 'low_income_statement',
    nationalId: testId('1990-11-02', 921),
    dateOfBirth: '1990-11-02',
    fullName: 'Luo Jun',
    returns: 'the same, with a salary of 5,000.00 CNY',
    expectedDecision: 'REVIEW: STATEMENT_INCOME_BELOW_DECLARED (a third of a declared 15,000.00 CNY)',
    salaryMinor: 5_000_00,
    gamblingMinor: 0,
  },
  {
    scenario: 'gambling_statement',
    nationalId: testId('1986-07-21', 922),
    dateOfBirth: '1986-07-21',
    fullName: 'Tang Wei',
    returns: 'a salary of 15,000.00 CNY, and 3,000.00 CNY a month to a lottery',
    expectedDecision: 'REVIEW: STATEMENT_GAMBLING (20 % of the inflow)',
    salaryMinor: 15_000_00,
    gamblingMinor: 3_000_00,
  },
];

export function sandboxStatementIdentity(scenario: SandboxStatementScenario): SandboxStatementIdentity {
  const found = SANDBOX_STATEMENT_IDENTITIES.find((entry) => entry.scenario === scenario);
  if (!found) throw new Error(`no sandbox statement identity for ${scenario}`);
  return found;
}

const amount = (minor: number) => (minor / 100).toFixed(2);

/**
 * `months` months from January 2026 of a salaried account: the salary on the 5th, rent on the 6th, groceries three
 * times, power on the 20th, and `gamblingMinor` to a lottery on the 25th when it is more than 0.
 */
export function salariedStatementRows(salaryMinor: number, options: { gamblingMinor?: number; months?: number } = {}): StatementTransaction[] {
  const { gamblingMinor = 0, months = 6 } = options;
  const rows: StatementTransaction[] = [];
  let balance = 3_000_00;
  const push = (date: string, minor: number, direction: 'in' | 'out', counterparty: string, description?: string) => {
    balance += direction === 'in' ? minor : -minor;
    rows.push({ date, amount: amount(minor), direction, counterparty, ...(description ? { description } : {}), balance: (balance < 0 ? '-' : '') + amount(Math.abs(balance)) });
  };
  for (let month = 1; month <= months; month += 1) {
    const m = String(month).padStart(2, '0');
    push(`2026-${m}-05`, salaryMinor, 'in', '上海某某科技有限公司', '工资');
    push(`2026-${m}-06`, 2_000_00, 'out', '房东', '房租');
    for (const day of ['08', '15', '22']) push(`2026-${m}-${day}`, 300_00, 'out', '联华超市');
    push(`2026-${m}-20`, 150_00, 'out', '国家电网', '电费');
    if (gamblingMinor > 0) push(`2026-${m}-25`, gamblingMinor, 'out', '体育彩票', '彩票');
  }
  return rows;
}

export function createSandboxStatementSource(): StatementSource {
  return {
    async pull({ nationalId, currency }) {
      const identity = SANDBOX_STATEMENT_IDENTITIES.find((entry) => entry.nationalId === nationalId);
      if (!identity || currency !== 'CNY') return undefined;
      return salariedStatementRows(identity.salaryMinor, { gamblingMinor: identity.gamblingMinor });
    },
  };
}
