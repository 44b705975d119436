// The loan contract (PRODUCT.md §2.6): rendered from one template in Chinese and English, stored, and accepted by its
// SHA-256. Pure: the same input gives the same bytes, so the hash on the application identifies exactly the text the
// applicant read.
//
// Format. Plain UTF-8 text (`text/plain; charset=utf-8`), LF line endings, no trailing spaces, one final newline: it
// reads the same in a browser, a phone and a terminal, and nothing in it can execute. Both languages are in one
// document, the applicant's preferred language first; the Chinese text prevails where the two differ (clause 11), as
// usual for a lender under Chinese law. Every number comes from the input (the schedule generator's installments);
// totals are sums of the installments shown, so the table and the totals cannot disagree.
//
// Escaping. Text typed by people (the borrower's name, the lender's settings) is normalised (NFC) and stripped of
// control, line-separator and bidirectional-override characters before it is placed, so a name cannot start a new
// line or clause, nor reorder what is displayed around it. The borrower's national ID appears masked only.
//
// Settings (ContractTerms): the lender's name (config LENDER_NAME, default "Microloan Lender", a placeholder until the
// lender sets it), the governing-law and dispute-resolution clauses (placeholders the lender's counsel replaces).
// The late-fee rule (LateFeeRule) is an input; DEFAULT_LATE_FEE_RULE is used until products or the policy carry one.

import { createHash } from 'node:crypto';
import { fromMinor } from '../kernel/money';
import { maskNationalId } from '../kernel/national-id';
import type { InterestMethod } from '../applications/products';
import type { ContractedTerms } from '../decisioning/offer';

export const CONTRACT_TEMPLATE_VERSION = 'contract-v2';
export const CONTRACT_CONTENT_TYPE = 'text/plain; charset=utf-8';

export type ContractLanguage = 'zh-CN' | 'en';

export interface Bilingual {
  en: string;
  'zh-CN': string;
}

/**
 * Late payment: an installment not paid in full more than `graceDays` days after its due date is charged
 * `dailyRatePercent` of its overdue principal for every day past the due date (counted from the day after the due
 * date, the grace days included once the grace is exceeded), in total at most `capPercentOfOverduePrincipal` of that
 * principal. Rounded half up to the minor unit. `lateFeeMinor` computes it; servicing should use the same function.
 */
export interface LateFeeRule {
  /** A decimal string: "0.05" is 0.05 % of the overdue principal per day. */
  dailyRatePercent: string;
  /** Whole days after the due date during which no late fee arises. */
  graceDays: number;
  /** A decimal string: "10" caps the late fees of one installment at 10 % of its overdue principal. */
  capPercentOfOverduePrincipal: string;
}

/**
 * The default late-fee rule: 0.05 % a day of the overdue principal (18.25 % a year), none within 3 days of the due
 * date, at most 10 % of the installment's overdue principal. A placeholder the lender confirms; products or the
 * policy may carry their own.
 */
export const DEFAULT_LATE_FEE_RULE: Readonly<LateFeeRule> = Object.freeze({ dailyRatePercent: '0.05', graceDays: 3, capPercentOfOverduePrincipal: '10' });

/** The lender's settings that appear in the contract. */
export interface ContractTerms {
  lenderName: string;
  governingLaw: Bilingual;
  disputeResolution: Bilingual;
}

export const DEFAULT_LENDER_NAME = 'Microloan Lender';

export const DEFAULT_CONTRACT_TERMS: Readonly<ContractTerms> = Object.freeze({
  lenderName: DEFAULT_LENDER_NAME,
  governingLaw: {
    en: '[Governing law: to be set by the Lender, e.g. the laws of the People\'s Republic of China.]',
    'zh-CN': '【适用法律：由贷款人确定，例如中华人民共和国法律。】',
  },
  disputeResolution: {
    en: '[Dispute resolution: to be set by the Lender, e.g. the competent people\'s court at the Lender\'s domicile, or arbitration.]',
    'zh-CN': '【争议解决：由贷款人确定，例如提交贷款人住所地有管辖权的人民法院诉讼解决，或提交仲裁。】',
  },
});

/** One row of the contract's schedule, in minor units of the loan's currency (the schedule generator's shape). */
export interface ContractInstallment {
  n: number;
  /** YYYY-MM-DD */
  dueDate: string;
  principalMinor: number;
  interestMinor: number;
  feesMinor: number;
  totalMinor: number;
}

export interface ContractInput {
  contractId: string;
  applicationId: string;
  /** ISO 8601 UTC: when the contract was generated (the injected clock), printed in the header. */
  generatedAt: string;
  /** The applicant's preferred language: its text comes first. */
  language: ContractLanguage;
  terms: ContractTerms;
  borrower: { fullName: string; nationalId: string };
  currency: string;
  principalMinor: number;
  /** Nominal annual rate, a decimal string ("8.5"). */
  annualRatePercent: string;
  /** Annual percentage rate with all fees, a decimal string, from the schedule generator. */
  aprPercent: string;
  termMonths: number;
  method: InterestMethod;
  frequency: 'monthly' | 'biweekly' | 'weekly';
  lateFee: LateFeeRule;
  /** The disbursement date the schedule assumes (YYYY-MM-DD), and its installments in order. */
  schedule: { disbursementDate: string; installments: readonly ContractInstallment[] };
  /** ISO 8601 UTC: the offer (and so the acceptance) ends then. */
  offerExpiresAt: string;
}

export interface RenderedContract {
  text: string;
  /** Lower-case hex SHA-256 of the text's UTF-8 bytes. */
  sha256: string;
  contentType: typeof CONTRACT_CONTENT_TYPE;
  templateVersion: typeof CONTRACT_TEMPLATE_VERSION;
}

/** Stores contract texts (S3 in AWS, a folder locally) and hands out short-lived links to read them. */
export interface ContractStore {
  /** Stores the text as UTF-8 under `contractObjectKey(applicationId, contractId)`; returns the key and the text's hash. */
  put(applicationId: string, contractId: string, text: string): Promise<{ objectKey: string; sha256: string }>;
  /** A URL that serves the stored text (GET) until it expires. */
  link(objectKey: string, expiresInSeconds: number): Promise<string>;
}

/** The contract of an offer, as recorded on the application (`offer.contract`). The view shows it with a fresh link. */
export interface OfferContract {
  contractId: string;
  /** Lower-case hex SHA-256 of the stored text: what the applicant must send back to accept. */
  sha256: string;
  /** Where the text is stored (ContractStore); never shown to the applicant. */
  objectKey: string;
  generatedAt: string;
  templateVersion: string;
  /** The schedule terms the contract shows and the loan is opened from (computed again on the disbursement date). */
  terms: ContractedTerms;
}

/** Channels an acceptance can come from: the application channels, or `api` when the client does not say. */
export const ACCEPTANCE_CHANNELS = ['web', 'app', 'partner', 'branch', 'api'] as const;
export type AcceptanceChannel = (typeof ACCEPTANCE_CHANNELS)[number];

/** The applicant's acceptance of a contract, recorded on the application (PRODUCT.md §2.6). */
export interface ContractAcceptance {
  contractId: string;
  /** The hash the applicant sent, equal to `offer.contract.sha256`. */
  sha256: string;
  acceptedAt: string;
  channel: AcceptanceChannel;
  /** `applicant:<sub>` */
  acceptedBy: string;
}

/** Where a contract lives in the documents bucket: under `contracts/`, outside the uploads' `applications/` prefix. */
export function contractObjectKey(applicationId: string, contractId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(applicationId) || !/^[A-Za-z0-9_-]{1,64}$/.test(contractId)) {
    throw new RangeError('application and contract ids must be 1–64 letters, digits, _ or -');
  }
  return `contracts/${applicationId}/${contractId}.txt`;
}

export const CONTRACT_PREFIX = 'contracts/';

/** How long the link in the application view works: long enough to read the contract, short enough not to leak. */
export const CONTRACT_LINK_TTL_SECONDS = 900;

export function contractSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function renderContract(input: ContractInput): RenderedContract {
  const totals = checkSchedule(input);
  const order: ContractLanguage[] = input.language === 'en' ? ['en', 'zh-CN'] : ['zh-CN', 'en'];
  const lines: string[] = [
    order.map((language) => TEXT[language].title).join(' / '),
    '',
    `${TEXT['zh-CN'].contractNo} / ${TEXT.en.contractNo}: ${clean(input.contractId)}`,
    `${TEXT['zh-CN'].applicationNo} / ${TEXT.en.applicationNo}: ${clean(input.applicationId)}`,
    `${TEXT['zh-CN'].template} / ${TEXT.en.template}: ${CONTRACT_TEMPLATE_VERSION}`,
    `${TEXT['zh-CN'].generated} / ${TEXT.en.generated}: ${instant(input.generatedAt)}`,
  ];
  for (const language of order) {
    lines.push('', `${'='.repeat(20)} ${TEXT[language].versionHeading} ${'='.repeat(20)}`, '', ...section(language, input, totals));
  }
  lines.push('', `${'='.repeat(20)} ${TEXT['zh-CN'].end} / ${TEXT.en.end} ${'='.repeat(20)}`);
  const text = `${lines.map((line) => line.replace(/[ \t]+$/u, '')).join('\n')}\n`;
  return { text, sha256: contractSha256(text), contentType: CONTRACT_CONTENT_TYPE, templateVersion: CONTRACT_TEMPLATE_VERSION };
}

/** The late fee of one installment, in minor units (see LateFeeRule). */
export function lateFeeMinor(rule: LateFeeRule, overduePrincipalMinor: number, daysPastDue: number): number {
  if (!Number.isSafeInteger(overduePrincipalMinor) || overduePrincipalMinor < 0) throw new RangeError(`overdue principal must be a non-negative whole number of minor units, got ${overduePrincipalMinor}`);
  if (!Number.isInteger(daysPastDue)) throw new RangeError(`days past due must be a whole number, got ${daysPastDue}`);
  if (daysPastDue <= rule.graceDays || overduePrincipalMinor === 0) return 0;
  const daily = decimal(rule.dailyRatePercent);
  const cap = decimal(rule.capPercentOfOverduePrincipal);
  const principal = BigInt(overduePrincipalMinor);
  // fee = P · daily/100 · days, cap = P · cap/100: compare as fractions, round the smaller one half up.
  const feeNum = principal * daily.units * BigInt(daysPastDue);
  const feeDen = daily.scale * 100n;
  const capNum = principal * cap.units;
  const capDen = cap.scale * 100n;
  const [num, den] = feeNum * capDen <= capNum * feeDen ? [feeNum, feeDen] : [capNum, capDen];
  return Number((num * 2n + den) / (den * 2n));
}

/** Checks a late-fee rule's fields; returns the problems (empty when it is usable). */
export function lateFeeRuleProblems(rule: LateFeeRule): string[] {
  const problems: string[] = [];
  if (!DECIMAL.test(rule.dailyRatePercent)) problems.push('dailyRatePercent must be a decimal string such as "0.05"');
  if (!DECIMAL.test(rule.capPercentOfOverduePrincipal)) problems.push('capPercentOfOverduePrincipal must be a decimal string such as "10"');
  if (!Number.isInteger(rule.graceDays) || rule.graceDays < 0 || rule.graceDays > 365) problems.push('graceDays must be a whole number from 0 to 365');
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// The template
// ---------------------------------------------------------------------------------------------------------------

interface Totals {
  principalMinor: number;
  interestMinor: number;
  feesMinor: number;
  totalMinor: number;
}

const METHODS: Record<InterestMethod, Bilingual> = {
  equal_installments: { en: 'declining balance, equal installments', 'zh-CN': '等额本息（按剩余本金计息，每期还款额相同）' },
  equal_principal: { en: 'declining balance, equal principal', 'zh-CN': '等额本金（按剩余本金计息，每期偿还相同本金）' },
  flat: { en: 'flat interest (on the original principal)', 'zh-CN': '固定利息（按初始本金计息）' },
};

const FREQUENCIES: Record<ContractInput['frequency'], Bilingual> = {
  monthly: { en: 'monthly', 'zh-CN': '按月' },
  biweekly: { en: 'every two weeks', 'zh-CN': '每两周' },
  weekly: { en: 'weekly', 'zh-CN': '每周' },
};

const TEXT = {
  'zh-CN': {
    title: '小额贷款合同',
    versionHeading: '中文文本',
    end: '合同正文结束',
    contractNo: '合同编号',
    applicationNo: '申请编号',
    template: '模板版本',
    generated: '生成时间',
    columns: ['期数', '到期日', '本金', '利息', '费用', '应还合计'],
    totalRow: '合计',
  },
  en: {
    title: 'MICROLOAN CONTRACT',
    versionHeading: 'English text',
    end: 'End of contract',
    contractNo: 'Contract No.',
    applicationNo: 'Application No.',
    template: 'Template',
    generated: 'Generated',
    columns: ['No.', 'Due date', 'Principal', 'Interest', 'Fees', 'Total'],
    totalRow: 'Total',
  },
} as const;

function section(language: ContractLanguage, input: ContractInput, totals: Totals): string[] {
  const m = (minor: number) => money(minor, input.currency);
  const installments = input.schedule.installments.length;
  const rule = input.lateFee;
  const table = scheduleTable(language, input, totals);
  const lender = clean(input.terms.lenderName);
  const borrower = clean(input.borrower.fullName);
  const maskedId = maskNationalId(clean(input.borrower.nationalId));
  const feesText = (zero: string) => (totals.feesMinor === 0 ? zero : m(totals.feesMinor));

  if (language === 'zh-CN') {
    return [
      '第一条 合同当事人',
      `贷款人：${lender}`,
      `借款人：${borrower}`,
      `借款人身份证号码：${maskedId}`,
      '',
      '第二条 贷款金额、利率与费用',
      `贷款本金：${m(input.principalMinor)}`,
      `年利率（名义）：${percent(input.annualRatePercent)}`,
      `年化综合成本（APR，含全部费用）：${percent(input.aprPercent)}`,
      `还款方式：${METHODS[input.method]['zh-CN']}，${FREQUENCIES[input.frequency]['zh-CN']}还款`,
      `贷款期限：${input.termMonths} 个月，共 ${installments} 期`,
      `利息总额：${m(totals.interestMinor)}`,
      `费用总额：${feesText('无')}${totals.feesMinor === 0 ? '' : '（随各期还款收取，见还款计划）'}`,
      `应还总额：${m(totals.totalMinor)}`,
      '',
      '第三条 还款计划',
      `下表以放款日为 ${input.schedule.disbursementDate} 计算。利息自实际放款日（款项转入借款人账户之日，以贷款人所在地时间为准）起计。放款当日，贷款人按本合同的同一本金、年利率、期数（共 ${installments} 期）、还款频率和还款方式重新计算还款计划：第 k 期于放款日后第 k 个还款周期的对应日到期，各期金额按同一计算方法得出。该最终还款计划于放款时发送给借款人，并可在借款人的贷款账户中查看；除到期日和按上述方法重算的金额外，本合同其他条款不变。`,
      '',
      ...table,
      '',
      '第四条 逾期费用',
      `任何一期在到期日后 ${rule.graceDays} 日内未足额偿还的，不收取逾期费用；超过 ${rule.graceDays} 日仍未足额偿还的，自到期日次日起，按该期逾期本金每日 ${percent(rule.dailyRatePercent)} 计收逾期费用，每期逾期费用累计不超过该期逾期本金的 ${percent(rule.capPercentOfOverduePrincipal)}。逾期费用按最小货币单位四舍五入。`,
      '',
      '第五条 提前还款',
      '借款人可随时提前偿还全部或部分贷款，不收取提前还款费用。提前结清全部贷款的，借款人偿还已到期未还款项、全部剩余本金及当期按日计算至还款日的利息；尚未开始的各期利息和费用不再收取。部分提前还款的，在结清已到期款项和当期应还款项后，其余款项从最后一期起向前冲减剩余本金：其余各期的到期日和金额不变，还款期限相应缩短；本金因此全部提前偿还的一期予以取消，其未付利息和费用不再收取。',
      '',
      '第六条 还款冲抵顺序',
      '每笔还款先冲抵已到期的各期，最早到期的一期优先，每期内依次冲抵逾期费用、费用、利息、本金；剩余款项用于当期（下一个到期日）的应还款项，再按第五条作为提前还款。全部款项结清后多付的金额作为贷记余额，由贷款人退还借款人。',
      '',
      '第七条 放款',
      '借款人接受本合同后，贷款人将贷款本金一次性划入借款人指定的本人银行账户。借款人应保证所提供账户信息真实、有效。',
      '',
      '第八条 要约有效期与合同接受',
      `本要约有效期至 ${instant(input.offerExpiresAt)}。借款人在贷款人的应用程序或网站上确认本文件的 SHA-256 摘要，即视为接受本合同全部条款；贷款人记录接受时间、渠道及所接受的摘要。逾期未接受的，本要约自动失效。`,
      '',
      '第九条 适用法律',
      clean(input.terms.governingLaw['zh-CN']),
      '',
      '第十条 争议解决',
      clean(input.terms.disputeResolution['zh-CN']),
      '',
      '第十一条 文本',
      '本合同以中文和英文书就。两种文本如有不一致，以中文文本为准。',
    ];
  }
  return [
    '1. Parties',
    `Lender: ${lender}`,
    `Borrower: ${borrower}`,
    `Borrower's national ID: ${maskedId}`,
    '',
    '2. Loan, interest and fees',
    `Principal: ${m(input.principalMinor)}`,
    `Annual interest rate (nominal): ${percent(input.annualRatePercent)}`,
    `Annual percentage rate (APR, all fees included): ${percent(input.aprPercent)}`,
    `Repayment method: ${METHODS[input.method].en}, repaid ${FREQUENCIES[input.frequency].en}`,
    `Term: ${input.termMonths} months, ${installments} installment${installments === 1 ? '' : 's'}`,
    `Total interest: ${m(totals.interestMinor)}`,
    `Total fees: ${feesText('none')}${totals.feesMinor === 0 ? '' : ' (collected with the installments, as scheduled below)'}`,
    `Total repayable: ${m(totals.totalMinor)}`,
    '',
    '3. Repayment schedule',
    `The schedule below assumes disbursement on ${input.schedule.disbursementDate}. Interest runs from the actual disbursement date: the day the money reaches the Borrower's account, in the Lender's time zone. On that day the Lender computes the schedule again with this contract's principal, annual rate, number of installments (${installments}), repayment frequency and method: installment k falls due k repayment periods after the disbursement date, and each amount is what the same computation gives for that date. The Lender sends the Borrower this final schedule at disbursement, and it is shown in the Borrower's loan account; nothing else in this contract changes.`,
    '',
    ...table,
    '',
    '4. Late payment',
    `No late fee arises on an installment paid in full within ${rule.graceDays} days after its due date. If it is still not paid in full after ${rule.graceDays} days, a late fee of ${percent(rule.dailyRatePercent)} of its overdue principal is charged for each day from the day after the due date; the late fees of one installment never exceed ${percent(rule.capPercentOfOverduePrincipal)} of its overdue principal. Late fees are rounded to the minor unit, half up.`,
    '',
    '5. Prepayment',
    'The Borrower may repay all or part of the loan early at any time, without a prepayment fee. To repay the whole loan, the Borrower pays the amounts due and unpaid, all principal outstanding and the interest of the current period accrued to the day of payment; the interest and fees of periods not yet begun are not owed. A partial prepayment, once the amounts due and the current installment are paid, reduces the remaining principal from the last installment backwards: the other installments keep their due dates and amounts, and the term shortens; an installment whose principal is thereby repaid in full is cancelled and its unpaid interest and fees are not owed.',
    '',
    '6. Allocation of payments',
    'Each payment is applied to the installments already due, the oldest first, and within each to late fees, then fees, then interest, then principal; money left over pays the current installment (the next one due), then counts as a prepayment under clause 5. An amount paid beyond everything owed is held as a credit and refunded to the Borrower by the Lender.',
    '',
    '7. Disbursement',
    "After the Borrower accepts this contract, the Lender pays the principal in one transfer to the Borrower's own bank account that the Borrower designated. The Borrower warrants that the account details given are true and valid.",
    '',
    '8. Validity of the offer and acceptance',
    `This offer is valid until ${instant(input.offerExpiresAt)}. The Borrower accepts all terms of this contract by confirming the SHA-256 digest of this document in the Lender's app or web site; the Lender records the time, the channel and the digest accepted. An offer not accepted by then lapses.`,
    '',
    '9. Governing law',
    clean(input.terms.governingLaw.en),
    '',
    '10. Disputes',
    clean(input.terms.disputeResolution.en),
    '',
    '11. Languages',
    'This contract is made in Chinese and English. If the two texts differ, the Chinese text prevails.',
  ];
}

function scheduleTable(language: ContractLanguage, input: ContractInput, totals: Totals): string[] {
  const plain = (minor: number) => groupedAmount(minor, input.currency);
  const rows: string[][] = [
    [...TEXT[language].columns],
    ...input.schedule.installments.map((row) => [String(row.n), row.dueDate, plain(row.principalMinor), plain(row.interestMinor), plain(row.feesMinor), plain(row.totalMinor)]),
    [TEXT[language].totalRow, '', plain(totals.principalMinor), plain(totals.interestMinor), plain(totals.feesMinor), plain(totals.totalMinor)],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column]!))));
  const render = (row: string[]) =>
    row.map((cell, column) => (column <= 1 ? padEnd(cell, widths[column]!) : padStart(cell, widths[column]!))).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const currencyNote = language === 'zh-CN' ? `（金额单位：${input.currency}）` : `(amounts in ${input.currency})`;
  return [currencyNote, render(rows[0]!), rule, ...rows.slice(1, -1).map(render), rule, render(rows.at(-1)!)];
}

/** Refuses a schedule that does not add up: a contract must never show numbers that contradict each other. */
function checkSchedule(input: ContractInput): Totals {
  const { installments } = input.schedule;
  if (installments.length === 0) throw new RangeError('the contract needs at least one installment');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.schedule.disbursementDate)) throw new RangeError('the disbursement date must be YYYY-MM-DD');
  const totals: Totals = { principalMinor: 0, interestMinor: 0, feesMinor: 0, totalMinor: 0 };
  installments.forEach((row, index) => {
    const parts = [row.principalMinor, row.interestMinor, row.feesMinor, row.totalMinor];
    if (!parts.every((value) => Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`installment ${row.n}: amounts must be non-negative whole minor units`);
    if (row.n !== index + 1) throw new RangeError(`installments must be numbered 1…n in order; found ${row.n} at position ${index + 1}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(row.dueDate)) throw new RangeError(`installment ${row.n}: the due date must be YYYY-MM-DD`);
    if (row.principalMinor + row.interestMinor + row.feesMinor !== row.totalMinor) throw new RangeError(`installment ${row.n}: principal + interest + fees must equal the total`);
    totals.principalMinor += row.principalMinor;
    totals.interestMinor += row.interestMinor;
    totals.feesMinor += row.feesMinor;
    totals.totalMinor += row.totalMinor;
  });
  if (totals.principalMinor !== input.principalMinor) {
    throw new RangeError(`the schedule repays ${totals.principalMinor} minor units of principal, not the loan's ${input.principalMinor}`);
  }
  const problems = lateFeeRuleProblems(input.lateFee);
  if (problems.length > 0) throw new RangeError(`late-fee rule: ${problems.join('; ')}`);
  for (const [name, value] of [['annualRatePercent', input.annualRatePercent], ['aprPercent', input.aprPercent]] as const) {
    if (!DECIMAL.test(value)) throw new RangeError(`${name} must be a decimal string, got "${value}"`);
  }
  return totals;
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting: deterministic, no Intl (its output may change with the ICU version, and with it the hash)
// ---------------------------------------------------------------------------------------------------------------

const DECIMAL = /^\d{1,6}(?:\.\d{1,8})?$/;

function decimal(text: string): { units: bigint; scale: bigint } {
  if (!DECIMAL.test(text)) throw new RangeError(`not a decimal string: "${text}"`);
  const [whole, fraction = ''] = text.split('.');
  return { units: BigInt(`${whole}${fraction}`), scale: 10n ** BigInt(fraction.length) };
}

/** 8000000 minor CNY → "80,000.00" */
function groupedAmount(minor: number, currency: string): string {
  const { amount } = fromMinor({ minor, currency });
  const [whole, fraction] = amount.split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function money(minor: number, currency: string): string {
  return `${groupedAmount(minor, currency)} ${currency}`;
}

function percent(value: string): string {
  return `${value}%`;
}

/** "2026-12-06T08:00:00.000Z" → "2026-12-06 08:00:00 UTC" */
function instant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an instant: "${iso}"`);
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)} UTC`;
}

/** Text from people: NFC, no control / line-separator / bidi-override characters, single spaces. */
export function clean(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Columns in a monospaced font: East Asian wide and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x20000 && code <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}
