// What the applicant is told at each step, in their language (PRODUCT.md §2.12). Plain text: SMS and email alike.

import type { DecisionReason } from '../decisioning/decision';
import type { Offer } from '../decisioning/offer';
import type { DisbursementSummary } from './application';
import { fromMinor } from '../kernel/money';
import type { ReminderStage } from '../servicing/overdue';

export type ApplicantMessageKind =
  | 'approved'
  | 'declined'
  | 'info_requested'
  | 'expired'
  | 'offer_expired'
  | 'disbursed'
  /** The payout's outcome is still unknown after its retries: it is being tried again (nothing is owed yet). */
  | 'payout_delayed'
  /** The payout failed after the acceptance (the bank refused the transfer, or a step failed for good). */
  | 'payout_failed'
  /** Required documents still missing 2 days after the application began to wait for them (sent once). */
  | 'documents_reminder'
  /** The wait for the required documents passed its deadline: the application expired. */
  | 'documents_expired';

type Language = 'zh-CN' | 'en';

export interface ApplicantMessage {
  subject: string;
  body: string;
}

const DOCUMENT_NAMES_EN: Record<string, string> = {
  id_card: 'ID card',
  proof_of_income: 'proof of income',
  business_licence: 'business licence',
  land_or_lease_contract: 'land or lease contract',
  bank_statement: 'bank statement',
  other: 'other document',
};
const DOCUMENT_NAMES_ZH: Record<string, string> = {
  id_card: '身份证',
  proof_of_income: '收入证明',
  business_licence: '营业执照',
  land_or_lease_contract: '土地承包或租赁合同',
  bank_statement: '银行流水',
  other: '其他材料',
};

const money = (m: { amount: string; currency: string }) => `${m.amount} ${m.currency}`;

export function applicantMessage(
  kind: ApplicantMessageKind,
  language: Language,
  input: {
    applicationId: string;
    offer?: Offer;
    reasons?: DecisionReason[];
    /** A decline's counterfactual hint, in both languages (decisioning/counterfactual.ts). */
    hint?: Record<'zh-CN' | 'en', string>;
    comment?: string;
    disbursement?: DisbursementSummary;
    /** The document kinds still missing (documents_reminder, documents_expired). */
    documents?: readonly string[];
    /** When the wait for them ends (documents_reminder). */
    dueBy?: string;
  },
): ApplicantMessage {
  const ref = input.applicationId;
  const zh = language === 'zh-CN';
  switch (kind) {
    case 'approved': {
      // The contract is made with the approval, so this one message also says it is ready to read and accept.
      const o = input.offer!;
      return zh
        ? {
            subject: '您的贷款申请已获批准',
            body: `您的贷款申请（${ref}）已获批准：金额 ${money(o.principal)}，年利率 ${o.annualRatePercent}%，期限 ${o.termMonths} 个月，每期还款约 ${money(o.installment)}，应还总额 ${money(o.totalRepayable)}。贷款合同已生成，请在应用中阅读合同全文，并于 ${o.expiresAt.slice(0, 10)} 前确认接受；逾期要约失效。`,
          }
        : {
            subject: 'Your loan application is approved',
            body: `Your loan application (${ref}) is approved: ${money(o.principal)} at ${o.annualRatePercent}% a year over ${o.termMonths} months, about ${money(o.installment)} per installment, ${money(o.totalRepayable)} in total. Your contract is ready: please read it in the app and accept it by ${o.expiresAt.slice(0, 10)}; after that the offer lapses.`,
          };
    }
    case 'declined': {
      const reasons = (input.reasons ?? []).slice(0, 4).map((r) => `- ${r.description}`);
      const hint = input.hint ? [input.hint[zh ? 'zh-CN' : 'en']] : [];
      return zh
        ? { subject: '您的贷款申请未获批准', body: [`很遗憾，您的贷款申请（${ref}）未获批准。主要原因：`, ...reasons, ...hint].join('\n') }
        : { subject: 'Your loan application was declined', body: [`We are sorry: your loan application (${ref}) was declined. The main reasons:`, ...reasons, ...hint].join('\n') };
    }
    case 'info_requested':
      return zh
        ? { subject: '您的贷款申请需要补充信息', body: `审核人员需要更多信息才能处理您的贷款申请（${ref}）：${input.comment ?? ''}\n请在应用中补充材料。` }
        : { subject: 'More information is needed for your loan application', body: `The reviewer needs more information to decide on your loan application (${ref}): ${input.comment ?? ''}\nPlease add it in the app.` };
    case 'disbursed': {
      // The final schedule in brief (the contracted terms from the payout day); the whole of it is in the app.
      const o = input.offer!;
      const d = input.disbursement;
      const first = d ? money(fromMinor({ minor: d.firstInstallmentMinor, currency: o.principal.currency })) : undefined;
      return zh
        ? {
            subject: '您的贷款已放款',
            body: d
              ? `您的贷款（申请编号 ${ref}）${money(o.principal)} 已于 ${d.disbursementDate} 发放至您的账户，利息自当日起计。最终还款计划共 ${d.installments} 期：第 1 期 ${first}，于 ${d.firstDueDate} 到期；最后一期于 ${d.lastDueDate} 到期。完整还款计划请在应用中查看，请按期还款。`
              : `您的贷款（申请编号 ${ref}）${money(o.principal)} 已发放至您的账户。请在应用中查看还款计划，按期还款。`,
          }
        : {
            subject: 'Your loan has been paid out',
            body: d
              ? `Your loan (application ${ref}) of ${money(o.principal)} was paid into your account on ${d.disbursementDate}; interest runs from that day. Your final schedule has ${d.installments} installments: the first, ${first}, is due on ${d.firstDueDate}, the last on ${d.lastDueDate}. The whole schedule is in the app; please pay each installment on time.`
              : `Your loan (application ${ref}) of ${money(o.principal)} has been paid into your account. The repayment schedule is in the app; please pay each installment on time.`,
          };
    }
    case 'payout_delayed':
      return zh
        ? {
            subject: '您的放款正在处理中',
            body: `您的贷款（申请编号 ${ref}）放款尚未得到银行确认，我们会自动重试，无需您操作。款项到账前，您无需还款；到账后我们会通知您最终还款计划。`,
          }
        : {
            subject: 'Your payout is taking longer than usual',
            body: `The payout of your loan (application ${ref}) has not been confirmed by the bank yet. We keep trying automatically; there is nothing you need to do. You owe nothing until the money arrives, and we will send you the final schedule when it does.`,
          };
    case 'payout_failed':
      return zh
        ? {
            subject: '您的贷款未能放款',
            body: `很抱歉，您的贷款（申请编号 ${ref}）未能发放至您提供的账户，款项未转出，您无需还款。我们的工作人员已收到通知，将与您联系核实收款账户后重新放款。`,
          }
        : {
            subject: 'Your loan could not be paid out',
            body: `We are sorry: the payout of your loan (application ${ref}) to the account you gave could not be made. No money was sent and you owe nothing. Our staff have been told and will contact you to check the account and pay the loan out again.`,
          };
    case 'documents_reminder': {
      const kinds = input.documents ?? [];
      const zhList = kinds.map((k) => DOCUMENT_NAMES_ZH[k] ?? k).join('、');
      const enList = kinds.map((k) => DOCUMENT_NAMES_EN[k] ?? k).join(', ');
      const by = input.dueBy?.slice(0, 10);
      return zh
        ? {
            subject: '请上传贷款申请所需材料',
            body: `您的贷款申请（${ref}）仍缺少以下材料：${zhList}。材料齐全后我们才能继续处理您的申请，请尽快在应用中上传${by ? `；${by} 前未收到，申请将过期` : ''}。`,
          }
        : {
            subject: 'Please upload the documents your loan application needs',
            body: `Your loan application (${ref}) still needs: ${enList}. We can only go on with it once they are in, so please upload them in the app soon${by ? `; without them by ${by} the application expires` : ''}.`,
          };
    }
    case 'documents_expired': {
      const kinds = input.documents ?? [];
      const zhList = kinds.map((k) => DOCUMENT_NAMES_ZH[k] ?? k).join('、');
      const enList = kinds.map((k) => DOCUMENT_NAMES_EN[k] ?? k).join(', ');
      return zh
        ? { subject: '您的贷款申请已过期', body: `您的贷款申请（${ref}）因未在规定时间内收到所需材料（${zhList}）已过期。您可以重新提交申请。` }
        : { subject: 'Your loan application has expired', body: `Your loan application (${ref}) has expired because the documents it needs (${enList}) were not received in time. You are welcome to apply again.` };
    }
    case 'offer_expired':
      return zh
        ? { subject: '您的贷款要约已过期', body: `您的贷款申请（${ref}）的要约未在有效期内接受，已失效。您可以重新提交申请。` }
        : { subject: 'Your loan offer has expired', body: `The offer for your loan application (${ref}) was not accepted in time and has lapsed. You are welcome to apply again.` };
    case 'expired':
      return zh
        ? { subject: '您的贷款申请已过期', body: `您的贷款申请（${ref}）未能在规定时间内完成审核，已过期。您可以重新提交申请。` }
        : { subject: 'Your loan application has expired', body: `Your loan application (${ref}) could not be decided in time and has expired. You are welcome to apply again.` };
  }
}

/**
 * The repayment reminder of a stage (issue 6): short enough for an SMS. Before the due date: the amount and the date;
 * on it: due today; after it: the days past due, the amount, that late fees apply once the grace period has passed,
 * and where to pay (in the app).
 */
export function reminderMessage(
  stage: ReminderStage,
  language: Language,
  input: { loanId: string; n: number; dueDate: string; amount: { amount: string; currency: string }; daysPastDue: number },
): ApplicantMessage {
  const { loanId, n, dueDate, daysPastDue } = input;
  const amount = money(input.amount);
  const zh = language === 'zh-CN';
  switch (stage) {
    case 'due_in_3_days':
      return zh
        ? { subject: '还款提醒', body: `您的贷款（${loanId}）第 ${n} 期应还 ${amount}，到期日 ${dueDate}。请按时在应用中还款。` }
        : { subject: 'Repayment reminder', body: `Installment ${n} of your loan ${loanId}, ${amount}, is due on ${dueDate}. Please pay on time in the app.` };
    case 'due_today':
      return zh
        ? { subject: '今日还款到期', body: `您的贷款（${loanId}）第 ${n} 期应还 ${amount}，今天（${dueDate}）到期。请今天在应用中还款。` }
        : { subject: 'Your repayment is due today', body: `Installment ${n} of your loan ${loanId}, ${amount}, is due today (${dueDate}). Please pay today in the app.` };
    case 'overdue_1':
    case 'overdue_7':
    case 'overdue_15':
    case 'overdue_30': {
      const urgent = stage === 'overdue_15' || stage === 'overdue_30';
      return zh
        ? {
            subject: urgent ? '紧急：您的还款已严重逾期' : '您的还款已逾期',
            body: `您的贷款（${loanId}）第 ${n} 期（到期日 ${dueDate}）已逾期 ${daysPastDue} 天，尚欠 ${amount}。超过宽限期后将按合同收取逾期费用。请尽快在应用中还款。`,
          }
        : {
            subject: urgent ? 'Urgent: your repayment is seriously overdue' : 'Your repayment is overdue',
            body: `Installment ${n} of your loan ${loanId} (due ${dueDate}) is ${daysPastDue} ${daysPastDue === 1 ? 'day' : 'days'} past due; ${amount} is owed. Late fees apply under your contract after the grace period. Please pay in the app as soon as possible.`,
          };
    }
    default: {
      const unknown: never = stage;
      throw new Error(`unknown reminder stage ${String(unknown)}`);
    }
  }
}
