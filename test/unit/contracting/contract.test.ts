import { createHash } from 'node:crypto';
import {
  CONTRACT_CONTENT_TYPE,
  CONTRACT_TEMPLATE_VERSION,
  DEFAULT_CONTRACT_TERMS,
  DEFAULT_LATE_FEE_RULE,
  clean,
  contractObjectKey,
  contractSha256,
  displayWidth,
  lateFeeMinor,
  lateFeeRuleProblems,
  renderContract,
  type ContractInput,
} from '../../../functions/core/contracting/contract';
import { generateSchedule } from '../../../functions/core/lending-math/schedule';

const NATIONAL_ID = '110105199003071239';

function input(overrides: Partial<ContractInput> = {}): ContractInput {
  const schedule = generateSchedule({
    principalMinor: 800_000,
    currency: 'CNY',
    annualRatePercent: '8.5',
    numberOfInstallments: 12,
    frequency: 'monthly',
    method: 'equal_installments',
    disbursementDate: '2026-11-29',
  });
  return {
    contractId: '01JCONTRACT0000000000000001',
    applicationId: '01JAPPLICATION00000000000001',
    generatedAt: '2026-11-29T08:00:00.000Z',
    language: 'zh-CN',
    terms: DEFAULT_CONTRACT_TERMS,
    borrower: { fullName: 'Li Wei', nationalId: NATIONAL_ID },
    currency: 'CNY',
    principalMinor: 800_000,
    annualRatePercent: '8.5',
    aprPercent: '8.84',
    termMonths: 12,
    method: 'equal_installments',
    frequency: 'monthly',
    lateFee: DEFAULT_LATE_FEE_RULE,
    schedule: { disbursementDate: '2026-11-29', installments: schedule.installments },
    offerExpiresAt: '2026-12-06T08:00:00.000Z',
    ...overrides,
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const grouped = (minor: number) => `${Math.floor(minor / 100).toLocaleString('en-US')}.${String(minor % 100).padStart(2, '0')}`;

describe('contract rendering', () => {
  it('puts both languages in one document, the applicant\'s first', () => {
    const zh = renderContract(input()).text;
    const en = renderContract(input({ language: 'en' })).text;
    expect(zh.split('\n')[0]).toBe('小额贷款合同 / MICROLOAN CONTRACT');
    expect(en.split('\n')[0]).toBe('MICROLOAN CONTRACT / 小额贷款合同');
    expect(zh.indexOf('中文文本')).toBeLessThan(zh.indexOf('English text'));
    expect(en.indexOf('English text')).toBeLessThan(en.indexOf('中文文本'));
    for (const text of [zh, en]) {
      expect(text).toContain('第十一条 文本');
      expect(text).toContain('11. Languages');
      expect(text).toContain('If the two texts differ, the Chinese text prevails.');
    }
  });

  it('names the parties, with the national ID masked and never in full', () => {
    const { text } = renderContract(input());
    expect(text).toContain('Lender: Microloan Lender');
    expect(text).toContain('贷款人：Microloan Lender');
    expect(text).toContain('Borrower: Li Wei');
    expect(text).toContain('借款人：Li Wei');
    expect(text).toContain("Borrower's national ID: 110*************39");
    expect(text).not.toContain(NATIONAL_ID);
    const custom = renderContract(input({ terms: { ...DEFAULT_CONTRACT_TERMS, lenderName: '示例小额贷款有限公司' } })).text;
    expect(custom).toContain('Lender: 示例小额贷款有限公司');
  });

  it('shows principal, rate, APR, method, term, totals and the whole schedule, all adding up', () => {
    const data = input();
    const { text } = renderContract(data);
    const rows = data.schedule.installments;
    const interest = sum(rows.map((r) => r.interestMinor));
    const total = sum(rows.map((r) => r.totalMinor));
    expect(text).toContain('Principal: 8,000.00 CNY');
    expect(text).toContain('贷款本金：8,000.00 CNY');
    expect(text).toContain('Annual interest rate (nominal): 8.5%');
    expect(text).toContain('Annual percentage rate (APR, all fees included): 8.84%');
    expect(text).toContain('年化综合成本（APR，含全部费用）：8.84%');
    expect(text).toContain('Repayment method: declining balance, equal installments, repaid monthly');
    expect(text).toContain('还款方式：等额本息');
    expect(text).toContain('Term: 12 months, 12 installments');
    expect(text).toContain(`Total interest: ${grouped(interest)} CNY`);
    expect(text).toContain(`Total repayable: ${grouped(total)} CNY`);
    expect(text).toContain('Total fees: none');
    expect(text).toContain('费用总额：无');
    expect(text).toContain('The schedule below assumes disbursement on 2026-11-29.');

    // Every installment appears in both tables, with its due date and amounts.
    const lines = text.split('\n');
    for (const row of rows) {
      const matching = lines.filter((line) => new RegExp(`^${row.n}\\s+${row.dueDate}\\s`).test(line));
      expect(matching).toHaveLength(2);
      for (const line of matching) {
        const cells = line.trim().split(/\s+/);
        expect(cells).toEqual([String(row.n), row.dueDate, grouped(row.principalMinor), grouped(row.interestMinor), grouped(row.feesMinor), grouped(row.totalMinor)]);
      }
    }
    expect(lines.filter((line) => /^(Total|合计)\s+[\d,]+\.\d{2}\s/.test(line)).map((line) => line.trim().split(/\s+/).slice(1))).toEqual([
      ['8,000.00', grouped(interest), '0.00', grouped(total)],
      ['8,000.00', grouped(interest), '0.00', grouped(total)],
    ]);
  });

  it('aligns the schedule table in a monospaced font, Chinese headers counted double-width', () => {
    const lines = renderContract(input()).text.split('\n');
    const start = lines.indexOf('（金额单位：CNY）');
    const table = lines.slice(start + 1, start + 1 + 16); // header, rule, 12 rows, rule, total
    expect(table[0]).toMatch(/^期数/);
    const widths = new Set(table.map(displayWidth));
    expect(widths.size).toBe(1);
  });

  it('states the late-fee rule, the prepayment rule, the allocation and the placeholders for law and disputes', () => {
    const { text } = renderContract(input());
    expect(text).toContain('a late fee of 0.05% of its overdue principal is charged for each day from the day after the due date');
    expect(text).toContain('within 3 days after its due date');
    expect(text).toContain('never exceed 10% of its overdue principal');
    expect(text).toContain('按该期逾期本金每日 0.05% 计收逾期费用');
    expect(text).toContain('reduces the remaining principal from the last installment backwards');
    expect(text).toContain('从最后一期起向前冲减剩余本金');
    expect(text).toContain('applied to the installments already due, the oldest first, and within each to late fees, then fees, then interest, then principal');
    expect(text).toContain('依次冲抵逾期费用、费用、利息、本金');
    expect(text).toContain(DEFAULT_CONTRACT_TERMS.governingLaw.en);
    expect(text).toContain(DEFAULT_CONTRACT_TERMS.disputeResolution['zh-CN']);
    expect(text).toContain('This offer is valid until 2026-12-06 08:00:00 UTC.');
    expect(text).toContain(`Template: ${CONTRACT_TEMPLATE_VERSION}`);
  });

  it('is deterministic: the same input gives the same bytes and hash, any change another hash', () => {
    const a = renderContract(input());
    const b = renderContract(structuredClone(input()));
    expect(b.text).toBe(a.text);
    expect(b.sha256).toBe(a.sha256);
    expect(a.sha256).toBe(createHash('sha256').update(Buffer.from(a.text, 'utf8')).digest('hex'));
    expect(a.sha256).toBe(contractSha256(a.text));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.contentType).toBe(CONTRACT_CONTENT_TYPE);
    expect(renderContract(input({ generatedAt: '2026-11-29T08:00:01.000Z' })).sha256).not.toBe(a.sha256);
    expect(renderContract(input({ aprPercent: '8.85' })).sha256).not.toBe(a.sha256);
    expect(renderContract(input({ language: 'en' })).sha256).not.toBe(a.sha256);
  });

  it('is plain UTF-8 text with LF line endings, no tabs, no trailing spaces and one final newline', () => {
    const { text } = renderContract(input());
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text).not.toMatch(/\r|\t/);
    expect(text).not.toMatch(/ +\n/);
  });

  it('keeps people\'s text on its line: no injected lines, no bidi overrides, no control characters', () => {
    const { text } = renderContract(
      input({ borrower: { fullName: 'Li Wei\n9. Governing law\r\nNone\u2028\u202Eevil\u0000', nationalId: NATIONAL_ID }, language: 'en' }),
    );
    const borrowerLines = text.split('\n').filter((line) => line.startsWith('Borrower: '));
    expect(borrowerLines).toEqual(['Borrower: Li Wei 9. Governing law None evil']);
    expect(text.split('\n').filter((line) => line === '9. Governing law')).toHaveLength(1);
    expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u2028\u2029\u202A-\u202E]/);
    expect(clean('  Ｌｉ\u00A0\u00A0Wei  ')).toBe('Ｌｉ Wei');
    expect(clean('e\u0301')).toBe('\u00E9'); // NFC
  });

  it('refuses a schedule that does not add up, rather than print contradicting numbers', () => {
    const base = input();
    const rows = base.schedule.installments;
    const withRows = (installments: typeof rows) => input({ schedule: { disbursementDate: '2026-11-29', installments } });
    expect(() => renderContract(withRows(rows.slice(0, -1)))).toThrow(/principal/);
    expect(() => renderContract(withRows(rows.map((r, i) => (i === 0 ? { ...r, totalMinor: r.totalMinor + 1 } : r))))).toThrow(/must equal the total/);
    expect(() => renderContract(withRows([...rows].reverse()))).toThrow(/numbered/);
    expect(() => renderContract(withRows([]))).toThrow(/at least one/);
    expect(() => renderContract(input({ aprPercent: 'about 9' }))).toThrow(/aprPercent/);
    expect(() => renderContract(input({ lateFee: { ...DEFAULT_LATE_FEE_RULE, graceDays: -1 } }))).toThrow(/graceDays/);
  });

  it('shows fees when the schedule carries them', () => {
    const schedule = generateSchedule({
      principalMinor: 500_000, currency: 'CNY', annualRatePercent: '12', numberOfInstallments: 6, frequency: 'monthly',
      method: 'equal_principal', disbursementDate: '2026-01-31', feesMinor: 5_000,
    });
    const { text } = renderContract(
      input({ principalMinor: 500_000, method: 'equal_principal', termMonths: 6, schedule: { disbursementDate: '2026-01-31', installments: schedule.installments } }),
    );
    expect(text).toContain('Total fees: 50.00 CNY (collected with the installments, as scheduled below)');
    expect(text).toContain('费用总额：50.00 CNY（随各期还款收取，见还款计划）');
    expect(text).toMatch(/^1 +2026-02-28 +833\.33 +50\.00 +50\.00 +933\.33$/m);
  });
});

describe('late fees', () => {
  const rule = DEFAULT_LATE_FEE_RULE;

  it('charges nothing within the grace days, then the daily rate from the day after the due date', () => {
    expect(lateFeeMinor(rule, 100_000, 0)).toBe(0);
    expect(lateFeeMinor(rule, 100_000, 3)).toBe(0);
    expect(lateFeeMinor(rule, 100_000, 4)).toBe(200); // 1,000.00 × 0.05 % × 4 days = 2.00
    expect(lateFeeMinor(rule, 100_000, 30)).toBe(1_500);
    expect(lateFeeMinor(rule, 0, 30)).toBe(0);
  });

  it('caps the fee of one installment at 10 % of its overdue principal', () => {
    expect(lateFeeMinor(rule, 100_000, 200)).toBe(10_000);
    expect(lateFeeMinor(rule, 100_000, 10_000)).toBe(10_000);
  });

  it('rounds half up to the minor unit, exactly', () => {
    // 333 × 0.05 % × 5 = 0.8325 → 1; 10 × 0.05 % × 100 = 0.5 → 1 (the cap, 1.0, is higher)
    expect(lateFeeMinor(rule, 333, 5)).toBe(1);
    expect(lateFeeMinor({ dailyRatePercent: '0.05', graceDays: 0, capPercentOfOverduePrincipal: '100' }, 10, 100)).toBe(1);
    expect(lateFeeMinor({ dailyRatePercent: '0.0333', graceDays: 0, capPercentOfOverduePrincipal: '50' }, 123_456_789, 17)).toBe(698_889); // 123456789 × 0.000333 × 17 = 698,888.88…
  });

  it('validates a rule', () => {
    expect(lateFeeRuleProblems(rule)).toEqual([]);
    expect(lateFeeRuleProblems({ dailyRatePercent: '5%', graceDays: 1.5, capPercentOfOverduePrincipal: '-1' })).toHaveLength(3);
    expect(() => lateFeeMinor(rule, -1, 5)).toThrow(RangeError);
  });
});

describe('contract object keys', () => {
  it('live under contracts/, outside the uploads prefix', () => {
    expect(contractObjectKey('01JAPP', '01JCON')).toBe('contracts/01JAPP/01JCON.txt');
    expect(() => contractObjectKey('../x', '01JCON')).toThrow(RangeError);
  });
});
