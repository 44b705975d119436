// The emails a reviewer gets (PRODUCT.md §2.5), in the reviewer's language. Plain text: the body carries the GET link
// in full. No applicant PII: the case is behind the link.

import { groupDigits, type Money } from '../kernel/money';
import type { ReviewerLanguage } from './reviews';

export type ReviewEmailKind = 'assigned' | 'reminder' | 'escalated';

export interface ReviewEmailInput {
  reviewerName: string;
  applicationId: string;
  level: number;
  round: number;
  amount: Money;
  termMonths: number;
  link: string;
  /** When the review (and the link) expires, ISO 8601. */
  expiresAt: string;
  /** The product's document checklist for this application, when it has one: what is required, what is missing. */
  checklist?: { required: readonly string[]; missing: readonly string[] };
}

const DOCUMENT_NAMES: Record<ReviewerLanguage, Record<string, string>> = {
  en: { id_card: 'ID card', proof_of_income: 'proof of income', business_licence: 'business licence', land_or_lease_contract: 'land or lease contract', bank_statement: 'bank statement', other: 'other document' },
  'zh-CN': { id_card: '身份证', proof_of_income: '收入证明', business_licence: '营业执照', land_or_lease_contract: '土地承包或租赁合同', bank_statement: '银行流水', other: '其他材料' },
};

/** The checklist line of a review e-mail: complete (the reviewer is told so), or what is still missing. */
function checklistLine(language: ReviewerLanguage, checklist: ReviewEmailInput['checklist']): string[] {
  if (!checklist || checklist.required.length === 0) return [];
  const names = (kinds: readonly string[]) => kinds.map((k) => DOCUMENT_NAMES[language][k] ?? k).join(language === 'zh-CN' ? '、' : ', ');
  if (language === 'zh-CN') {
    return [checklist.missing.length === 0 ? `材料：清单已齐全（${names(checklist.required)}）。` : `尚缺材料：${names(checklist.missing)}。`];
  }
  return [checklist.missing.length === 0 ? `Documents: the checklist is complete (${names(checklist.required)}).` : `Documents still missing: ${names(checklist.missing)}.`];
}

/** An instant as `2026-12-04 08:00 UTC`: unambiguous in both languages. */
export function formatInstantUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function reviewEmail(kind: ReviewEmailKind, language: ReviewerLanguage, input: ReviewEmailInput): { subject: string; body: string } {
  const amount = `${groupDigits(input.amount.amount)} ${input.amount.currency}`;
  const deadline = formatInstantUtc(input.expiresAt);
  const roundNote = input.round > 1;
  if (language === 'zh-CN') {
    const subject = {
      assigned: `待审批：贷款申请 ${input.applicationId}（第 ${input.level} 级）`,
      reminder: `提醒：贷款申请 ${input.applicationId} 仍在等待您的审批（第 ${input.level} 级）`,
      escalated: `转交审批：贷款申请 ${input.applicationId}（第 ${input.level} 级）`,
    }[kind];
    const opening = {
      assigned: `贷款申请 ${input.applicationId} 需要您在第 ${input.level} 级审批中做出决定${roundNote ? `（第 ${input.round} 轮，申请人已被要求补充信息）` : ''}。`,
      reminder: `贷款申请 ${input.applicationId} 仍在等待您的第 ${input.level} 级审批。`,
      escalated: `贷款申请 ${input.applicationId} 的第 ${input.level} 级审批已超时，现转交给您处理。`,
    }[kind];
    return {
      subject,
      body: [
        `${input.reviewerName}，您好：`,
        '',
        opening,
        `金额：${amount}，期限：${input.termMonths} 个月。`,
        ...checklistLine('zh-CN', input.checklist),
        '',
        '请打开以下链接查看案件并做出决定：',
        input.link,
        '',
        `此链接仅供您本人使用，有效期至 ${deadline}。打开链接不会做出任何决定，只有提交表单才会。`,
      ].join('\n'),
    };
  }
  const subject = {
    assigned: `Review needed: loan application ${input.applicationId} (level ${input.level})`,
    reminder: `Reminder: loan application ${input.applicationId} still waits for your review (level ${input.level})`,
    escalated: `Handed to you: loan application ${input.applicationId} (level ${input.level})`,
  }[kind];
  const opening = {
    assigned: `Loan application ${input.applicationId} needs your decision at review level ${input.level}${roundNote ? ` (round ${input.round}: the applicant was asked for more information)` : ''}.`,
    reminder: `Loan application ${input.applicationId} still waits for your decision at review level ${input.level}.`,
    escalated: `The level ${input.level} review of loan application ${input.applicationId} was not answered in time and is now yours.`,
  }[kind];
  return {
    subject,
    body: [
      `Hello ${input.reviewerName},`,
      '',
      opening,
      `Amount: ${amount}, term: ${input.termMonths} months.`,
      ...checklistLine('en', input.checklist),
      '',
      'Open the case and decide here:',
      input.link,
      '',
      `The link is for you only and works until ${deadline}. Opening it decides nothing; only the form does.`,
    ].join('\n'),
  };
}
