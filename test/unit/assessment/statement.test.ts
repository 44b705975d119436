// The bank statement's figures (issue 12 item 4): what a credit officer reads off 3–12 months of transactions.

import { categoryOf, readStatement, statementFeatures, type StatementTransaction } from '../../../functions/core/assessment/statement';

/** Six months (January–June 2026) of a salaried applicant: pay on the 5th, rent, groceries every week, some extras. */
function salariedStatement(): StatementTransaction[] {
  const rows: StatementTransaction[] = [];
  let balance = 3_000_00;
  const push = (date: string, minor: number, direction: 'in' | 'out', counterparty: string, description?: string) => {
    balance += direction === 'in' ? minor : -minor;
    rows.push({ date, amount: (minor / 100).toFixed(2), direction, counterparty, ...(description ? { description } : {}), balance: (balance < 0 ? '-' : '') + (Math.abs(balance) / 100).toFixed(2) });
  };
  for (let month = 1; month <= 6; month += 1) {
    const m = String(month).padStart(2, '0');
    push(`2026-${m}-05`, 8_000_00, 'in', '上海某某科技有限公司', '工资');
    push(`2026-${m}-06`, 2_000_00, 'out', '王房东', '房租');
    for (const day of ['08', '15', '22']) push(`2026-${m}-${day}`, 300_00, 'out', '联华超市');
    push(`2026-${m}-20`, 150_00, 'out', '国家电网', '电费');
  }
  push('2026-02-10', 10_000_00, 'in', '某某小额贷款公司', '贷款发放');
  push('2026-02-11', 500_00, 'out', '某某小额贷款公司', '还款');
  push('2026-03-12', 1_000_00, 'out', 'lucky casino');
  push('2026-04-12', 200_00, 'in', 'bank', 'returned payment: insufficient funds');
  return rows;
}

describe('statement figures', () => {
  const features = statementFeatures(salariedStatement(), 'CNY', { lowBalanceMinor: 500_00 });

  it('verifies the monthly inflow without the loan a lender paid out or a reversal, and finds the salary', () => {
    expect(features).toMatchObject({ from: '2026-01-05', to: '2026-06-22', months: 6, transactions: 40 });
    expect(features.inflow).toEqual({ verifiedMonthlyMinor: 8_000_00, regularity: 1, monthsWithInflow: 6 });
    expect(features.salary).toEqual({ detected: true, monthlyMinor: 8_000_00, months: 6 });
  });

  it('counts how often and how much the customer spends, by category, and flags gambling, other lenders and returned payments', () => {
    expect(features.spending.byCategory.rent).toEqual({ count: 6, monthlyMinor: 2_000_00 });
    expect(features.spending.byCategory.groceries).toEqual({ count: 18, monthlyMinor: 900_00 });
    expect(features.spending.byCategory.utilities).toEqual({ count: 6, monthlyMinor: 150_00 });
    expect(features.spending.outflowsPerMonth).toBe(5.3);
    expect(features.gambling).toEqual({ count: 1, monthlyMinor: Math.round(1_000_00 / 6) });
    expect(features.otherLenders).toEqual({ count: 1, monthlyMinor: Math.round(500_00 / 6) });
    expect(features.returnedPayments).toBe(1);
  });

  it('reads the balance: its mean, volatility and the days below the low-balance line', () => {
    expect(features.balance.available).toBe(true);
    expect(features.balance.daysAtLowBalance).toBe(0);
    const lean = statementFeatures(
      [
        { date: '2026-01-01', amount: '1000.00', direction: 'in', balance: '1000.00' },
        { date: '2026-01-11', amount: '900.00', direction: 'out', balance: '100.00' },
        { date: '2026-04-01', amount: '5000.00', direction: 'in', balance: '5100.00' },
      ],
      'CNY',
      { lowBalanceMinor: 500_00 },
    );
    // 11 January to 31 March at 100.00: 21 + 28 + 31 days; volatility = population σ 2,176.10 / mean 2,066.67.
    expect(lean.balance).toEqual({ available: true, meanMinor: 206_667, volatility: 1.05, daysAtLowBalance: 80, lowBalanceMinor: 500_00 });
  });

  it('sees an irregular income as irregular', () => {
    const irregular = salariedStatement().map((t) => (t.description === '工资' && t.date < '2026-04' ? { ...t, amount: '500.00' } : t));
    const f = statementFeatures(irregular, 'CNY', { lowBalanceMinor: 0 });
    expect(f.inflow.regularity).toBeLessThan(0.5);
  });

  it('categorises by keywords in Chinese and English', () => {
    expect(categoryOf({ counterparty: '美团外卖' })).toBe('dining');
    expect(categoryOf({ description: 'DiDi taxi' })).toBe('transport');
    expect(categoryOf({ counterparty: '福利彩票' })).toBe('gambling');
    expect(categoryOf({ counterparty: '借呗' })).toBe('lenders');
    expect(categoryOf({ counterparty: 'someone' })).toBe('other');
  });
});

describe('reading a statement', () => {
  it('reads CSV with a header row, the optional columns left empty', () => {
    const csv = ['date,amount,direction,counterparty,description,balance', '2026-01-05,8000.00,in,ACME,salary,', '2026-04-05,8000.00,in,ACME,salary,16000.00'].join('\n');
    expect(readStatement({ currency: 'CNY', csv })).toEqual({
      transactions: [
        { date: '2026-01-05', amount: '8000.00', direction: 'in', counterparty: 'ACME', description: 'salary' },
        { date: '2026-04-05', amount: '8000.00', direction: 'in', counterparty: 'ACME', description: 'salary', balance: '16000.00' },
      ],
    });
  });

  it('names the row and column of a bad CSV value, and refuses a statement shorter than 3 months or longer than 12', () => {
    const bad = readStatement({ currency: 'CNY', csv: 'date,amount,direction\n2026-02-30,10.00,in\n2026-05-01,10.001,sideways' });
    expect('problems' in bad && bad.problems.map((p) => p.path)).toEqual(['statement.csv[1].date', 'statement.csv[2].direction']);
    const short = readStatement({ currency: 'CNY', transactions: [{ date: '2026-01-01', amount: '1.00', direction: 'in' }, { date: '2026-02-01', amount: '1.00', direction: 'in' }] });
    expect('problems' in short && short.problems).toEqual([expect.objectContaining({ path: 'statement.transactions', message: expect.stringContaining('3 to 12 months') })]);
    const cents = readStatement({ currency: 'CNY', transactions: [{ date: '2026-01-01', amount: '1.005', direction: 'in' }] });
    expect('problems' in cents && cents.problems.map((p) => p.path)).toEqual(['statement.transactions[0].amount']);
  });
});
