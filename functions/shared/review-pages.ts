// The reviewer's pages (API.md "Reviewer"): the case with the decision form, the confirmation, and the clear pages
// for a link that no longer works. zh-CN and en from one strings table. Every value goes through `html`, which
// escapes it; the pages load nothing (inline style only) under a strict Content-Security-Policy.

import type { Delivery, ReviewCase } from '../core/review/review-service';
import type { Review, ReviewClosedReason, ReviewDecision, ReviewerLanguage } from '../core/review/reviews';
import { reviewDecisionPath, reviewPath } from '../core/review/review-links';
import { formatInstantUtc } from '../core/review/review-messages';
import { groupDigits } from '../core/kernel/money';
import type { FieldProblem } from '../core/kernel/errors';
import { html, join, type SafeHtml } from './html';
import { fromMinor } from '../core/kernel/money';
import type { Assessment } from '../core/assessment/assessment';

export const PAGE_LANGUAGES: readonly ReviewerLanguage[] = ['zh-CN', 'en'];

export function pageLanguage(value: string | undefined): ReviewerLanguage | undefined {
  return (PAGE_LANGUAGES as readonly string[]).includes(value ?? '') ? (value as ReviewerLanguage) : undefined;
}

/** Headers of every reviewer page response. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

const DECISIONS_EN = { APPROVE: 'Approve', REJECT: 'Reject', REQUEST_INFO: 'Request more information' } satisfies Record<ReviewDecision, string>;
const DECISIONS_ZH = { APPROVE: '批准', REJECT: '拒绝', REQUEST_INFO: '要求补充信息' } satisfies Record<ReviewDecision, string>;

const STRINGS = {
  en: {
    title: 'Loan application review',
    application: 'Application',
    levelRound: (level: number, round: number) => `Review level ${level}, round ${round}`,
    deadline: 'Decide by',
    reviewer: 'Reviewer',
    applicant: 'Applicant',
    name: 'Name',
    nationalId: 'National ID',
    age: 'Age',
    customerType: 'Customer type',
    channel: 'Channel',
    business: 'Business',
    loan: 'Loan',
    amount: 'Amount',
    term: 'Term',
    months: (n: number) => `${n} months`,
    purpose: 'Purpose',
    product: 'Product',
    assessment: 'Credit assessment',
    score: 'Score',
    band: 'Band',
    reasons: 'Reasons (adverse factors)',
    noReasons: 'None',
    model: 'Model',
    policy: 'Policy',
    offeredRate: 'Annual rate if approved',
    matchedRules: 'Rules that matched',
    decisionReasons: 'Why the policy decided so',
    levelsRequired: 'Review levels required',
    notScored: 'Not scored.',
    bureau: 'Credit bureau',
    creditHistory: 'Credit history',
    existingCredits: 'Existing credit lines',
    worstDelay: 'Worst delay in 24 months',
    days: (n: number) => `${n} days`,
    currentDefault: 'Current default',
    fraudFlag: 'Fraud flag',
    inquiries: 'Inquiries in 6 months',
    arrears: 'Lines in arrears now',
    utilisation: 'Revolving utilisation',
    bureauObligations: 'Monthly obligations (bureau)',
    report: 'Report',
    yes: 'yes',
    no: 'no',
    documents: 'Documents',
    required: 'Required',
    received: 'received',
    missing: 'missing',
    noDocuments: 'No documents are required.',
    statement: 'Bank statement',
    noStatement: 'No bank statement was given.',
    statementPeriod: 'Period',
    declaredIncome: 'Declared monthly income',
    verifiedInflow: 'Verified monthly inflow',
    regularity: 'Inflow regularity (1 = the same every month)',
    salary: 'Salary',
    noSalary: 'none found',
    monthlySpending: 'Monthly spending',
    outflowsPerMonth: 'Payments a month',
    lowBalanceDays: 'Days at low balance',
    returnedPayments: 'Returned or failed payments',
    gambling: 'Gambling, a month',
    otherLenders: 'Payments to other lenders, a month',
    earlier: 'Earlier decisions',
    noEarlier: 'None: this is the first decision on this application.',
    by: 'by',
    decisionLegend: 'Your decision',
    commentLabel: 'Comment',
    commentHint: 'Required to reject (the reason is given to the applicant) or to request information (say what is needed).',
    submit: 'Submit decision',
    viewingNote: 'Opening this page decides nothing; only submitting the form does. The decision cannot be changed afterwards.',
    decisions: DECISIONS_EN,
    formErrors: 'Please correct the following:',
    fieldNames: { decision: 'Decision', comment: 'Comment', body: 'Form' } as Record<string, string>,
    confirmedTitle: 'Decision recorded',
    confirmed: (decision: string, id: string, level: number) => `Your decision "${decision}" on application ${id} (level ${level}) is recorded.`,
    recordedAt: 'Recorded at',
    deliveryGone: 'The application no longer waited for this decision (it was closed meanwhile); your decision is kept in its audit trail.',
    deliveryPending: 'The loan pipeline will continue with your decision in a few minutes.',
    thanks: 'Thank you. You can close this page.',
    closedTitle: {
      DECIDED: 'Already decided',
      ESCALATED: 'Handed to another reviewer',
      EXPIRED: 'Review expired',
      CANCELLED: 'Review no longer needed',
      LINK_EXPIRED: 'Link expired',
      APPLICATION_CLOSED: 'Application closed',
    } satisfies Record<ReviewClosedReason, string>,
    closed: {
      DECIDED: (r: Review) =>
        r.decision
          ? `This review was already decided: "${DECISIONS_EN[r.decision.decision]}" at ${formatInstantUtc(r.decision.decidedAt)}. A decision cannot be made twice or changed.`
          : 'This review was already decided. A decision cannot be made twice or changed.',
      ESCALATED: () => 'This review was not answered in time and was handed to another reviewer. This link no longer works.',
      EXPIRED: (r: Review) => `This review expired at ${formatInstantUtc(r.expiresAt)} without a decision. This link no longer works.`,
      CANCELLED: () => 'This review is no longer needed: the application ended (for example, it was withdrawn).',
      LINK_EXPIRED: (r: Review) => `This link expired at ${formatInstantUtc(r.linkExpiresAt)}.`,
      APPLICATION_CLOSED: () => 'The application no longer waits for a review decision.',
    } satisfies Record<ReviewClosedReason, (r: Review) => string>,
    nothingChanged: 'Nothing was changed.',
    invalidTitle: 'This link is not valid',
    invalid: 'This review link is not valid: it may be incomplete or altered. Open the link from the email exactly as it was sent.',
    notFoundTitle: 'Not found',
    notFound: 'There is no such review.',
    unsupportedTitle: 'Unsupported request',
    unsupported: 'Submit the decision with the form on the review page.',
    errorTitle: 'Something went wrong',
    error: 'The request could not be completed. Nothing is lost: open the link from the email again and, if the review still waits, decide again.',
    switchLanguage: '中文',
    customerTypes: { individual: 'Individual', micro_business: 'Micro-business', farmer: 'Farmer' } as Record<string, string>,
    channels: { web: 'Web', app: 'App', partner: 'Partner', branch: 'Branch' } as Record<string, string>,
    purposes: {
      car_new: 'New car', car_used: 'Used car', furniture: 'Furniture', electronics: 'Electronics', appliances: 'Appliances', repairs: 'Repairs',
      education: 'Education', retraining: 'Retraining', business: 'Business', agriculture: 'Agriculture', other: 'Other',
    } as Record<string, string>,
    documentKinds: {
      id_card: 'ID card', proof_of_income: 'Proof of income', business_licence: 'Business licence', land_or_lease_contract: 'Land or lease contract',
      bank_statement: 'Bank statement', other: 'Other',
    } as Record<string, string>,
    creditHistories: {
      no_credits: 'No credits taken (thin file)', all_paid_duly: 'All credits paid back duly', paid_duly_till_now: 'Existing credits paid back duly till now',
      past_delays: 'Delays in paying off in the past', critical_account: 'Critical account',
    } as Record<string, string>,
  },
  'zh-CN': {
    title: '贷款申请审批',
    application: '申请编号',
    levelRound: (level: number, round: number) => `第 ${level} 级审批，第 ${round} 轮`,
    deadline: '审批截止',
    reviewer: '审批人',
    applicant: '申请人',
    name: '姓名',
    nationalId: '身份证号',
    age: '年龄',
    customerType: '客户类型',
    channel: '渠道',
    business: '企业',
    loan: '贷款',
    amount: '金额',
    term: '期限',
    months: (n: number) => `${n} 个月`,
    purpose: '用途',
    product: '产品',
    assessment: '信用评估',
    score: '评分',
    band: '等级',
    reasons: '原因（不利因素）',
    noReasons: '无',
    model: '模型',
    policy: '政策',
    offeredRate: '批准后的年利率',
    matchedRules: '命中的规则',
    decisionReasons: '策略决定的原因',
    levelsRequired: '所需审批级数',
    notScored: '尚未评分。',
    bureau: '征信',
    creditHistory: '信用记录',
    existingCredits: '现有授信笔数',
    worstDelay: '24 个月内最长逾期',
    days: (n: number) => `${n} 天`,
    currentDefault: '当前违约',
    fraudFlag: '欺诈标记',
    inquiries: '6 个月内查询次数',
    arrears: '当前逾期账户数',
    utilisation: '循环授信使用率',
    bureauObligations: '征信显示的月还款额',
    report: '报告',
    yes: '是',
    no: '否',
    documents: '材料',
    required: '所需材料',
    received: '已收到',
    missing: '缺少',
    noDocuments: '无需材料。',
    statement: '银行流水',
    noStatement: '未提供银行流水。',
    statementPeriod: '期间',
    declaredIncome: '申报月收入',
    verifiedInflow: '流水核实月收入',
    regularity: '收入稳定性（1 = 每月相同）',
    salary: '工资',
    noSalary: '未发现',
    monthlySpending: '月支出',
    outflowsPerMonth: '每月支出笔数',
    lowBalanceDays: '低余额天数',
    returnedPayments: '退回或失败的付款',
    gambling: '博彩（每月）',
    otherLenders: '向其他贷款机构还款（每月）',
    earlier: '此前的决定',
    noEarlier: '无：这是此申请的第一个审批决定。',
    by: '审批人',
    decisionLegend: '您的决定',
    commentLabel: '意见',
    commentHint: '拒绝时必填（原因将告知申请人）；要求补充信息时必填（说明需要什么）。',
    submit: '提交决定',
    viewingNote: '打开此页面不会做出任何决定，只有提交表单才会。决定提交后不能更改。',
    decisions: DECISIONS_ZH,
    formErrors: '请更正以下问题：',
    fieldNames: { decision: '决定', comment: '意见', body: '表单' } as Record<string, string>,
    confirmedTitle: '决定已记录',
    confirmed: (decision: string, id: string, level: number) => `您对申请 ${id}（第 ${level} 级）的决定“${decision}”已记录。`,
    recordedAt: '记录时间',
    deliveryGone: '该申请已不再等待此决定（期间已关闭）；您的决定已保存在审计记录中。',
    deliveryPending: '贷款流程将在几分钟内根据您的决定继续。',
    thanks: '谢谢。您可以关闭此页面。',
    closedTitle: {
      DECIDED: '已做出决定',
      ESCALATED: '已转交其他审批人',
      EXPIRED: '审批已过期',
      CANCELLED: '无需审批',
      LINK_EXPIRED: '链接已过期',
      APPLICATION_CLOSED: '申请已关闭',
    } satisfies Record<ReviewClosedReason, string>,
    closed: {
      DECIDED: (r: Review) =>
        r.decision
          ? `此审批已于 ${formatInstantUtc(r.decision.decidedAt)} 做出决定：“${DECISIONS_ZH[r.decision.decision]}”。决定不能重复提交或更改。`
          : '此审批已做出决定。决定不能重复提交或更改。',
      ESCALATED: () => '此审批未在规定时间内处理，已转交其他审批人。此链接已失效。',
      EXPIRED: (r: Review) => `此审批已于 ${formatInstantUtc(r.expiresAt)} 过期，未做出决定。此链接已失效。`,
      CANCELLED: () => '此审批已不再需要：申请已结束（例如已被撤回）。',
      LINK_EXPIRED: (r: Review) => `此链接已于 ${formatInstantUtc(r.linkExpiresAt)} 过期。`,
      APPLICATION_CLOSED: () => '该申请已不再等待审批决定。',
    } satisfies Record<ReviewClosedReason, (r: Review) => string>,
    nothingChanged: '未做任何更改。',
    invalidTitle: '链接无效',
    invalid: '此审批链接无效：可能不完整或已被修改。请按邮件中的原样打开链接。',
    notFoundTitle: '未找到',
    notFound: '没有此审批。',
    unsupportedTitle: '不支持的请求',
    unsupported: '请使用审批页面上的表单提交决定。',
    errorTitle: '出现问题',
    error: '请求未能完成。没有任何数据丢失：请重新打开邮件中的链接，如果审批仍在等待，请再次做出决定。',
    switchLanguage: 'English',
    customerTypes: { individual: '个人', micro_business: '小微企业', farmer: '农户' } as Record<string, string>,
    channels: { web: '网页', app: '应用', partner: '合作方', branch: '网点' } as Record<string, string>,
    purposes: {
      car_new: '新车', car_used: '二手车', furniture: '家具', electronics: '电子产品', appliances: '家用电器', repairs: '装修维修',
      education: '教育', retraining: '职业培训', business: '经营', agriculture: '农业', other: '其他',
    } as Record<string, string>,
    documentKinds: {
      id_card: '身份证', proof_of_income: '收入证明', business_licence: '营业执照', land_or_lease_contract: '土地或租赁合同', bank_statement: '银行流水', other: '其他',
    } as Record<string, string>,
    creditHistories: {
      no_credits: '无信贷记录（薄档案）', all_paid_duly: '所有贷款均已按时还清', paid_duly_till_now: '现有贷款至今按时还款',
      past_delays: '过去曾有逾期', critical_account: '关注类账户',
    } as Record<string, string>,
  },
};

type Strings = (typeof STRINGS)['en'];

export function strings(language: ReviewerLanguage): Strings {
  return STRINGS[language] as Strings;
}

const label = (table: Record<string, string>, value: string) => table[value] ?? value;

function page(language: ReviewerLanguage, title: string, body: SafeHtml, switchHref?: string): string {
  const t = strings(language);
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${t.title}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; background: #f5f6f8; color: #1d2330; }
  main { max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
  header.top { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; }
  h1 { font-size: 1.4rem; margin: 0.5rem 0; }
  h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
  section { background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
  dl { display: grid; grid-template-columns: minmax(9rem, max-content) 1fr; gap: 0.3rem 1rem; margin: 0; }
  dt { color: #5a6272; }
  dd { margin: 0; }
  .big { font-size: 1.25rem; font-weight: 600; }
  .ok { color: #126b2f; } .bad { color: #a0241b; }
  .notice { border-left: 4px solid #3863c4; }
  .closed { border-left: 4px solid #a0241b; }
  .errors { border-left: 4px solid #a0241b; background: #fff5f4; }
  fieldset { border: none; padding: 0; margin: 0 0 1rem; }
  fieldset label { display: block; padding: 0.25rem 0; }
  textarea { width: 100%; box-sizing: border-box; font: inherit; padding: 0.5rem; }
  button { font: inherit; padding: 0.6rem 1.4rem; background: #3863c4; color: #fff; border: none; border-radius: 6px; cursor: pointer; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #eceff3; vertical-align: top; }
  .hint, .muted { color: #5a6272; font-size: 0.9rem; }
  ul { margin: 0; padding-left: 1.2rem; }
</style>
</head>
<body>
<main>
<header class="top"><strong>${t.title}</strong>${switchHref ? html`<a href="${switchHref}" hreflang="${language === 'en' ? 'zh-CN' : 'en'}">${t.switchLanguage}</a>` : ''}</header>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.value;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  return `?${search.toString()}`;
}

export interface LinkParams {
  sig: string;
  exp: number;
  /** Only when the reviewer chose one with ?lang=; otherwise the reviewer's own language applies. */
  lang?: ReviewerLanguage;
}

function yesNo(t: Strings, value: boolean): SafeHtml {
  return html`<span class="${value ? 'bad' : 'ok'}">${value ? t.yes : t.no}</span>`;
}

/** A bureau amount as "2,000.00 CNY"; — when the bureau did not report it (or the assessment predates the field). */
function minorText(amount: { minor: number; currency: string } | null | undefined): string {
  if (!amount) return '—';
  const money = fromMinor(amount);
  return `${groupDigits(money.amount)} ${money.currency}`;
}

/** Lines past due now, with the amount when the bureau gives one: "1 (1,800.00 CNY)", "0". */
function arrearsText(bureau: Assessment['bureau']): string {
  if (typeof bureau.accountsInArrears !== 'number') return '—';
  return bureau.accountsInArrears > 0 && bureau.currentArrears ? `${bureau.accountsInArrears} (${minorText(bureau.currentArrears)})` : String(bureau.accountsInArrears);
}

export function renderCasePage(
  c: ReviewCase,
  link: LinkParams,
  form: { errors?: FieldProblem[]; decision?: string; comment?: string } = {},
): string {
  const language = link.lang ?? c.reviewer.language;
  const t = strings(language);
  const other: ReviewerLanguage = language === 'en' ? 'zh-CN' : 'en';
  const switchHref = `${reviewPath(c.review.reviewId)}${query({ sig: link.sig, exp: link.exp, lang: other })}`;
  const action = `${reviewDecisionPath(c.review.reviewId)}${query({ sig: link.sig, exp: link.exp, lang: link.lang })}`;
  const a = c.assessment;
  const errors = form.errors ?? [];

  const body = html`
<section class="notice">
  <dl>
    <dt>${t.application}</dt><dd data-field="applicationId"><code>${c.review.applicationId}</code></dd>
    <dt>${t.reviewer}</dt><dd>${c.reviewer.name}</dd>
    <dt>${t.deadline}</dt><dd data-field="deadline">${formatInstantUtc(c.review.expiresAt)}</dd>
  </dl>
  <p class="hint">${t.viewingNote}</p>
</section>

<section>
  <h2>${t.applicant}</h2>
  <dl>
    <dt>${t.name}</dt><dd data-field="applicantName">${c.applicant.fullName}</dd>
    <dt>${t.nationalId}</dt><dd data-field="nationalId">${c.applicant.maskedNationalId}</dd>
    <dt>${t.age}</dt><dd data-field="age">${c.applicant.age ?? '—'}</dd>
    <dt>${t.customerType}</dt><dd data-field="customerType">${label(t.customerTypes, c.applicant.customerType)}</dd>
    <dt>${t.channel}</dt><dd data-field="channel">${label(t.channels, c.applicant.channel)}</dd>
    ${c.business ? html`<dt>${t.business}</dt><dd data-field="business">${c.business.name}</dd>` : ''}
  </dl>
</section>

<section>
  <h2>${t.loan}</h2>
  <dl>
    <dt>${t.amount}</dt><dd class="big" data-field="amount">${groupDigits(c.loan.amount.amount)} ${c.loan.amount.currency}</dd>
    <dt>${t.term}</dt><dd data-field="term">${t.months(c.loan.termMonths)}</dd>
    <dt>${t.purpose}</dt><dd data-field="purpose">${label(t.purposes, c.loan.purpose)}</dd>
    <dt>${t.product}</dt><dd data-field="product">${c.loan.productName ?? c.loan.productId} <span class="muted">(${c.loan.productId})</span></dd>
  </dl>
</section>

<section>
  <h2>${t.assessment}</h2>
  ${
    a
      ? html`<dl>
    <dt>${t.score}</dt><dd class="big" data-field="score">${a.score}</dd>
    <dt>${t.band}</dt><dd data-field="band">${a.band}</dd>
    <dt>${t.reasons}</dt><dd data-field="reasons">${
      a.reasons.length > 0 ? html`<ul>${a.reasons.map((r) => html`<li><code>${r.code}</code> ${r.translations?.[language] ?? r.description}</li>`)}</ul>` : t.noReasons
    }</dd>
    <dt>${t.model}</dt><dd><code>${a.modelVersion}</code></dd>
    ${
      c.decision
        ? html`<dt>${t.policy}</dt><dd>v${c.decision.policyVersion}</dd>
    <dt>${t.levelsRequired}</dt><dd>${c.decision.levelsRequired}</dd>
    <dt>${t.offeredRate}</dt><dd data-field="rate">${c.decision.annualRatePercent === null ? '—' : `${c.decision.annualRatePercent} %`}</dd>
    <dt>${t.matchedRules}</dt><dd>${c.decision.matchedRules.length > 0 ? join(c.decision.matchedRules, ', ') : '—'}</dd>
    ${
      c.decision.reasons.length > 0
        ? html`<dt>${t.decisionReasons}</dt><dd data-field="decisionReasons"><ul>${c.decision.reasons.map((r) => html`<li><code>${r.code}</code> ${r.description}</li>`)}</ul></dd>`
        : ''
    }`
        : ''
    }
  </dl>`
      : html`<p>${t.notScored}</p>`
  }
</section>

${
  a
    ? html`<section>
  <h2>${t.bureau}</h2>
  <dl>
    <dt>${t.creditHistory}</dt><dd data-field="creditHistory">${label(t.creditHistories, a.bureau.creditHistory)}</dd>
    <dt>${t.existingCredits}</dt><dd>${a.bureau.existingCredits}</dd>
    <dt>${t.worstDelay}</dt><dd>${t.days(a.bureau.maxDaysPastDueLast24Months)}</dd>
    <dt>${t.currentDefault}</dt><dd>${yesNo(t, a.bureau.currentDefault)}</dd>
    <dt>${t.fraudFlag}</dt><dd>${yesNo(t, a.bureau.fraudFlag)}</dd>
    <dt>${t.inquiries}</dt><dd>${a.bureau.inquiriesLast6Months}</dd>
    <dt>${t.arrears}</dt><dd data-field="arrears">${arrearsText(a.bureau)}</dd>
    <dt>${t.utilisation}</dt><dd data-field="utilisation">${typeof a.bureau.revolvingUtilisation === 'number' ? `${Math.round(a.bureau.revolvingUtilisation * 100)} %` : '—'}</dd>
    <dt>${t.bureauObligations}</dt><dd data-field="bureauObligations">${minorText(a.bureau.totalMonthlyDebtPayments)}</dd>
    <dt>${t.report}</dt><dd class="muted">${a.bureau.bureau} · ${a.bureau.reportId}</dd>
  </dl>
</section>`
    : ''
}

<section>
  <h2>${t.documents}</h2>
  ${
    c.documents.required.length > 0
      ? html`<ul data-field="documents">${c.documents.required.map((kind) =>
          c.documents.received.includes(kind)
            ? html`<li>${label(t.documentKinds, kind)}: <span class="ok">${t.received}</span></li>`
            : html`<li>${label(t.documentKinds, kind)}: <span class="bad">${t.missing}</span></li>`,
        )}</ul>`
      : html`<p>${t.noDocuments}</p>`
  }
</section>

<section>
  <h2>${t.statement}</h2>
  ${
    c.statement
      ? html`<dl data-field="statement">
    <dt>${t.statementPeriod}</dt><dd>${c.statement.figures.from} – ${c.statement.figures.to} (${c.statement.figures.transactions})</dd>
    <dt>${t.declaredIncome}</dt><dd>${moneyText(c.statement.declaredMonthlyIncome)}</dd>
    <dt>${t.verifiedInflow}</dt><dd data-field="verifiedInflow">${moneyText(c.statement.figures.verifiedMonthlyInflow)}</dd>
    <dt>${t.regularity}</dt><dd>${c.statement.figures.inflowRegularity}</dd>
    <dt>${t.salary}</dt><dd>${c.statement.figures.salary.monthly ? moneyText(c.statement.figures.salary.monthly) : t.noSalary}</dd>
    <dt>${t.monthlySpending}</dt><dd>${moneyText(c.statement.figures.monthlySpending)}</dd>
    <dt>${t.outflowsPerMonth}</dt><dd>${c.statement.figures.outflowsPerMonth}</dd>
    <dt>${t.lowBalanceDays}</dt><dd>${c.statement.figures.balance.daysAtLowBalance ?? '—'}</dd>
    <dt>${t.returnedPayments}</dt><dd>${c.statement.figures.returnedPayments}</dd>
    <dt>${t.gambling}</dt><dd>${moneyText(c.statement.figures.gambling.monthly)}</dd>
    <dt>${t.otherLenders}</dt><dd>${moneyText(c.statement.figures.otherLenders.monthly)}</dd>
  </dl>`
      : html`<p>${t.noStatement}</p>`
  }
</section>

<section>
  <h2>${t.earlier}</h2>
  ${
    c.earlierDecisions.length > 0
      ? html`<table data-field="earlierDecisions"><tbody>${c.earlierDecisions.map(
          (d) => html`<tr><td>${t.levelRound(d.level, d.round)}</td><td><strong>${t.decisions[d.decision]}</strong></td><td>${t.by} ${d.reviewerName}<br><span class="muted">${formatInstantUtc(d.decidedAt)}</span></td><td>${d.comment}</td></tr>`,
        )}</tbody></table>`
      : html`<p class="muted">${t.noEarlier}</p>`
  }
</section>

<section>
  <h2>${t.decisionLegend}</h2>
  ${
    errors.length > 0
      ? html`<div class="errors" role="alert" data-field="formErrors"><p>${t.formErrors}</p><ul>${errors.map(
          (e) => html`<li><strong>${t.fieldNames[e.path] ?? e.path}</strong>: ${e.message}</li>`,
        )}</ul></div>`
      : ''
  }
  <form method="post" action="${action}">
    <fieldset>
      <legend class="muted">${t.levelRound(c.review.level, c.review.round)}</legend>
      ${(['APPROVE', 'REJECT', 'REQUEST_INFO'] as const).map(
        (d) =>
          html`<label><input type="radio" name="decision" value="${d}" required${form.decision === d ? html` checked` : ''}> ${t.decisions[d]}</label>`,
      )}
    </fieldset>
    <label for="comment">${t.commentLabel}</label>
    <textarea id="comment" name="comment" rows="5" maxlength="2000">${form.comment ?? ''}</textarea>
    <p class="hint">${t.commentHint}</p>
    <button type="submit">${t.submit}</button>
  </form>
</section>`;
  return page(language, `${t.application} ${c.review.applicationId} · ${t.levelRound(c.review.level, c.review.round)}`, body, switchHref);
}

export function renderConfirmationPage(review: Review, language: ReviewerLanguage, delivery: Delivery): string {
  const t = strings(language);
  const decision = review.decision!;
  const body = html`
<section class="notice" data-field="confirmation">
  <p class="big">${t.confirmed(t.decisions[decision.decision], review.applicationId, review.level)}</p>
  <dl>
    <dt>${t.decisionLegend}</dt><dd data-field="decision">${t.decisions[decision.decision]}</dd>
    ${decision.comment ? html`<dt>${t.commentLabel}</dt><dd data-field="comment">${decision.comment}</dd>` : ''}
    <dt>${t.recordedAt}</dt><dd>${formatInstantUtc(decision.decidedAt)}</dd>
  </dl>
  ${delivery === 'gone' ? html`<p>${t.deliveryGone}</p>` : ''}
  ${delivery === 'pending' ? html`<p>${t.deliveryPending}</p>` : ''}
  <p class="muted">${t.thanks}</p>
</section>`;
  return page(language, t.confirmedTitle, body);
}

export function renderClosedPage(reason: ReviewClosedReason, review: Review, language: ReviewerLanguage): string {
  const t = strings(language);
  const body = html`
<section class="closed" data-field="closed" data-reason="${reason}">
  <p class="big">${t.closed[reason](review)}</p>
  <p>${t.application}: <code>${review.applicationId}</code> · ${t.levelRound(review.level, review.round)}</p>
  <p class="muted">${t.nothingChanged}</p>
</section>`;
  return page(language, t.closedTitle[reason], body);
}

export type MessageKind = 'invalid' | 'notFound' | 'unsupported' | 'error';

/**
 * A page that says what went wrong. Without a language (the reviewer is not known, e.g. a broken link, and no ?lang=)
 * it says it in both languages, the lender's first.
 */
export function renderMessagePage(kind: MessageKind, language?: ReviewerLanguage): string {
  const message = (l: ReviewerLanguage): [string, string] => {
    const t = strings(l);
    const messages: Record<MessageKind, [string, string]> = {
      invalid: [t.invalidTitle, t.invalid],
      notFound: [t.notFoundTitle, t.notFound],
      unsupported: [t.unsupportedTitle, t.unsupported],
      error: [t.errorTitle, t.error],
    };
    return messages[kind];
  };
  const languages: ReviewerLanguage[] = language ? [language] : ['zh-CN', 'en'];
  const parts = languages.map(message);
  return page(
    languages[0]!,
    parts.map(([title]) => title).join(' / '),
    html`<section class="closed" data-field="${kind}">${languages.map((l, i) => html`<p lang="${l}">${parts[i]![1]}</p>`)}</section>`,
  );
}

const moneyText = (money: { amount: string; currency: string }) => `${groupDigits(money.amount)} ${money.currency}`;
