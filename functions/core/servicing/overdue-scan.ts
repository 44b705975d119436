// The daily overdue scan (PRODUCT.md §2.9, issue 6) as a use case over its ports. It reads only the loans whose oldest
// unpaid installment is due within the look-ahead (the repository's sparse index), a page at a time, and for each:
// accrues late fees (idempotent per day), updates days past due and the bucket, raises early-warning flags (audit
// event + operations alert) and sends the reminders of the day (SMS and email, in the customer's language, each stage
// at most once per installment and channel; no SMS in quiet hours: a later run that day or the next sends it).
//
// It stops between pages when `shouldStop` says so (the Lambda's time is running out) and returns a cursor; the
// handler continues from it in a fresh invocation with the same business date, so it finishes for any portfolio size.
//
// Messages are published before the loan is saved and remembered for the retries of a lost optimistic-lock race, so
// a race never sends a reminder twice; a crash between the publish and the save may (rarely) repeat one, never lose it.

import { reminderMessage } from '../applications/applicant-messages';
import { addDays } from '../lending-math/calendar-days';
import { dayIn } from '../kernel/dates';
import { NotificationRejectedError } from '../kernel/errors';
import { retrying } from '../kernel/retry';
import type { Loan, ReminderSent } from './loan';
import type { LoanRepository } from './loan-service';
import { fromMinor } from '../kernel/money';
import { alreadySent, isQuietHour, scanLoan, SCAN_LOOKAHEAD_DAYS, type EarlyWarningSettings, type RiskFlag } from './overdue';
import type { PolicyReader } from '../decisioning/policy';
import type { Clock, Notifier, PiiProtector } from '../kernel/ports';
import type { ApplicationRepository } from '../applications/ports';

export interface OverdueScanDeps {
  loans: LoanRepository;
  applications: ApplicationRepository;
  notifier: Notifier;
  pii: PiiProtector;
  clock: Clock;
  policies: PolicyReader;
}

export interface OverdueScanInput {
  /** The lender's business day being scanned; default: today in `timeZone`. A continuation passes it on. */
  date?: string;
  /** Where the previous invocation stopped. */
  cursor?: string;
  timeZone: string;
  pageSize?: number;
  /** Asked before every page: true ends this invocation with a cursor. */
  shouldStop?: () => boolean;
}

/** Where a scan that stopped early goes on: a fresh invocation of the same handler with this event. */
export interface ScanContinuation {
  continueScan(event: { date: string; cursor: string }): Promise<void>;
}

export interface OverdueScanResult {
  date: string;
  pages: number;
  loansRead: number;
  loansChanged: number;
  feesChargedMinor: number;
  /** Sent, held back by quiet hours, and refused for good by the channel (recorded, not retried). */
  reminders: { sms: number; email: number; smsDeferred: number; refused: number };
  earlyWarnings: number;
  /** Bucket changes seen, `from->to` → count. */
  bucketChanges: Record<string, number>;
  /** Loans this run could not process (the next run, idempotent, tries again); the others are not held up. */
  failures: { loanId: string; error: string }[];
  /** Present when the scan stopped early: continue from here. */
  cursor?: string;
}

const ATTEMPTS = 5;
const DEFAULT_PAGE_SIZE = 100;

interface Contact {
  phone?: string;
  email?: string;
  language: 'zh-CN' | 'en';
}

const RISK_TEXT: Record<RiskFlag, string> = {
  DPD_31_PLUS: 'more than 30 days past due',
  LOW_BEHAVIOUR_SCORE: 'behaviour score below the policy threshold',
};

export async function runOverdueScan(deps: OverdueScanDeps, input: OverdueScanInput): Promise<OverdueScanResult> {
  const now = deps.clock.now();
  const date = input.date ?? dayIn(now, input.timeZone);
  const policy = await deps.policies.current();
  const earlyWarning: EarlyWarningSettings = policy.earlyWarning;
  const quiet = isQuietHour(now, input.timeZone);
  const result: OverdueScanResult = {
    date,
    pages: 0,
    loansRead: 0,
    loansChanged: 0,
    feesChargedMinor: 0,
    reminders: { sms: 0, email: 0, smsDeferred: 0, refused: 0 },
    earlyWarnings: 0,
    bucketChanges: {},
    failures: [],
  };
  const through = addDays(date, SCAN_LOOKAHEAD_DAYS);
  let cursor = input.cursor;
  do {
    if (result.pages > 0 && input.shouldStop?.()) return { ...result, cursor };
    const page = await deps.loans.listDue(through, input.pageSize ?? DEFAULT_PAGE_SIZE, cursor);
    result.pages += 1;
    result.loansRead += page.items.length;
    for (const loan of page.items) {
      try {
        await scanOne(deps, loan, { date, at: now.toISOString(), quiet, earlyWarning, result });
      } catch (error) {
        result.failures.push({ loanId: loan.loanId, error: error instanceof Error ? error.name : 'Error' });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return result;
}

async function scanOne(
  deps: OverdueScanDeps,
  first: Loan,
  context: { date: string; at: string; quiet: boolean; earlyWarning: EarlyWarningSettings; result: OverdueScanResult },
): Promise<void> {
  const { date, at, quiet, earlyWarning, result } = context;
  const published = new Set<string>();
  const refused = new Set<string>();
  let contact: Contact | null | undefined;
  const contactOf = async (loan: Loan): Promise<Contact | null> => {
    if (contact === undefined) contact = await contactFor(deps, loan);
    return contact;
  };
  // Published reminders and flags are remembered across attempts: a lost race never sends one twice.
  await retrying(
    async (attempt) => {
      const loan = attempt === 1 ? first : await deps.loans.get(first.loanId);
      if (!loan || loan.status !== 'ACTIVE') return;
      const scan = scanLoan(loan, { today: date, at, earlyWarning });
      const next = scan.loan;
      const sent: ReminderSent[] = [];
      let deferred = 0;
      if (scan.reminders.length > 0) {
        const to = await contactOf(loan);
        for (const reminder of scan.reminders) {
          const channels: ['sms' | 'email', string | undefined][] = [['sms', to?.phone], ['email', to?.email]];
          for (const [channel, address] of channels) {
            if (!address || !to || alreadySent(next, reminder.n, reminder.stage, channel)) continue;
            if (channel === 'sms' && quiet) {
              deferred += 1;
              continue;
            }
            const key = `${reminder.n}:${reminder.stage}:${channel}`;
            if (refused.has(key)) {
              sent.push({ at, stage: reminder.stage, channel, n: reminder.n, refused: true });
              continue;
            }
            if (!published.has(key)) {
              const message = reminderMessage(reminder.stage, to.language, {
                loanId: next.loanId,
                n: reminder.n,
                dueDate: reminder.dueDate,
                amount: fromMinor({ minor: reminder.amountMinor, currency: next.currency }),
                daysPastDue: reminder.daysPastDue,
              });
              try {
                await deps.notifier.publish({
                  topic: 'applicant',
                  channel,
                  to: address,
                  subject: message.subject,
                  body: message.body,
                  attributes: { kind: 'reminder', stage: reminder.stage, loanId: next.loanId, installment: String(reminder.n) },
                });
              } catch (error) {
                // Refused for good (an invalid number): recorded as such, so it is not tried again every day.
                if (!(error instanceof NotificationRejectedError)) throw error;
                refused.add(key);
                sent.push({ at, stage: reminder.stage, channel, n: reminder.n, refused: true });
                continue;
              }
              published.add(key);
            }
            sent.push({ at, stage: reminder.stage, channel, n: reminder.n });
          }
        }
      }
      for (const flag of scan.newRiskFlags) {
        const key = `flag:${flag}`;
        if (published.has(key)) continue;
        await raiseEarlyWarning(deps, next, flag, scan.delinquency.daysPastDue, scan.delinquency.behaviourScore, at);
        published.add(key);
      }
      if (!scan.changed && sent.length === 0) {
        result.reminders.smsDeferred += deferred;
        return;
      }
      next.remindersSent = [...next.remindersSent, ...sent];
      next.updatedAt = at;
      await deps.loans.save(next);
      result.loansChanged += 1;
      result.feesChargedMinor += scan.feesCharged.reduce((sum, fee) => sum + fee.amountMinor, 0);
      result.earlyWarnings += scan.newRiskFlags.length;
      result.reminders.smsDeferred += deferred;
      for (const reminder of sent) {
        if (reminder.refused) result.reminders.refused += 1;
        else result.reminders[reminder.channel] += 1;
      }
      if (scan.previousBucket !== scan.delinquency.bucket) {
        const change = `${scan.previousBucket}->${scan.delinquency.bucket}`;
        result.bucketChanges[change] = (result.bucketChanges[change] ?? 0) + 1;
      }
    },
    { attempts: ATTEMPTS },
  );
}

/** The customer's phone, email and language (sealed in the customer record), or null when there is none. */
async function contactFor(deps: OverdueScanDeps, loan: Loan): Promise<Contact | null> {
  const customer = await deps.applications.getCustomer(loan.ownerId);
  if (!customer) return null;
  const identity = await deps.pii.open<{ phone?: string | null; email?: string | null }>(customer.sealedIdentity);
  return {
    ...(identity.phone ? { phone: identity.phone } : {}),
    ...(identity.email ? { email: identity.email } : {}),
    language: customer.preferredLanguage,
  };
}

/** The audit event on the loan's application and the operations alert (no personal data: ids and figures only). */
async function raiseEarlyWarning(
  deps: OverdueScanDeps,
  loan: Loan,
  flag: RiskFlag,
  daysPastDue: number,
  behaviourScore: number | undefined,
  at: string,
): Promise<void> {
  const details = { loanId: loan.loanId, flag, daysPastDue, ...(behaviourScore !== undefined ? { behaviourScore } : {}) };
  await retrying(
    async () => {
      const application = await deps.applications.get(loan.applicationId);
      if (application) await deps.applications.annotate({ application, at, audit: [{ actor: 'overdue-scan', action: 'loan.early_warning', details }] });
    },
    { attempts: ATTEMPTS },
  );
  await deps.notifier.publish({
    topic: 'ops',
    subject: `Early warning: loan ${loan.loanId} (${flag})`,
    body: [
      `Loan ${loan.loanId} (application ${loan.applicationId}) is flagged ${flag}: ${RISK_TEXT[flag]}.`,
      `Days past due: ${daysPastDue}.${behaviourScore !== undefined ? ` Behaviour score: ${behaviourScore}.` : ''}`,
      `Outstanding principal: ${fromMinor({ minor: outstandingPrincipal(loan), currency: loan.currency }).amount} ${loan.currency}.`,
    ].join('\n'),
    attributes: { kind: 'early_warning', loanId: loan.loanId, flag },
  });
}

function outstandingPrincipal(loan: Loan): number {
  return loan.installments.reduce((sum, i) => sum + i.due.principal - i.paid.principal - i.waived.principal, 0);
}
