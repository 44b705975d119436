// Changing an application safely from any step: the fresh-read loop every read-change-write of an application uses,
// and the applicant's notices, sent once per kind and recorded on the application.

import type { Application } from './application';
import { applicantMessage, type ApplicantMessageKind } from './applicant-messages';
import type { ApplicationRepository, TaskTokens } from './ports';
import { NotificationRejectedError, TaskTokenGoneError } from '../kernel/errors';
import type { Clock, Notifier, PiiProtector } from '../kernel/ports';
import { withFreshRead, type RetryOptions } from '../kernel/retry';

/**
 * Runs `step` on a fresh read of the application until it does not meet a concurrent change (a withdrawal, a parallel
 * retry): 3 attempts unless `options` say otherwise, with an optional pause between them.
 */
export function withFreshApplication<T>(
  applications: ApplicationRepository,
  applicationId: string,
  step: (application: Application) => Promise<T>,
  options: Partial<RetryOptions> = {},
): Promise<T> {
  return withFreshRead(() => applications.get(applicationId), `no application ${applicationId}`, step, options);
}

/**
 * Sends the applicant one message of a kind (SMS to the phone, email where given) and records it on the application,
 * so a retried task does not send it twice. A failure before the record is kept is retried by the task: the
 * applicant may rarely get a message twice, never none.
 */
export async function notifyApplicantOnce(
  deps: { applications: ApplicationRepository; notifier: Notifier; pii: PiiProtector; clock: Clock },
  applicationId: string,
  kind: ApplicantMessageKind,
  key: string = kind,
  comment?: string,
  /** What some kinds name: the documents still missing and when the wait for them ends. */
  details: { documents?: readonly string[]; dueBy?: string } = {},
): Promise<void> {
  await withFreshApplication(deps.applications, applicationId, async (application) => {
    if (application.notified?.includes(key)) return;
    const customer = await deps.applications.getCustomer(application.ownerId);
    const contact = customer ? await deps.pii.open<{ phone: string; email?: string | null }>(customer.sealedIdentity) : undefined;
    const language = application.preferredLanguage;
    const message = applicantMessage(kind, language, {
      applicationId,
      ...(application.offer ? { offer: application.offer } : {}),
      reasons: application.decision?.reasons ?? [],
      ...(application.decision?.hint ? { hint: application.decision.hint.text } : {}),
      ...(comment !== undefined ? { comment } : {}),
      ...(application.disbursement ? { disbursement: application.disbursement } : {}),
      ...details,
    });
    const channels: string[] = [];
    // A kind sent more than once per application (a request for information per review) names its key, so that
    // the SMS provider's idempotency reference (adapters/sms/http-sms-provider.ts) tells the messages apart.
    const attributes = { kind, applicationId, ...(key !== kind ? { notificationKey: key } : {}) };
    // A channel that refuses the message for good (an invalid number) is recorded, not retried: the decision, the
    // contract or the payout it tells of must not fail because of it. Transient failures still throw (the task retries).
    const refused: string[] = [];
    const deliver = async (channel: 'sms' | 'email', to: string) => {
      try {
        await deps.notifier.publish({ topic: 'applicant', channel, to, subject: message.subject, body: message.body, attributes });
        channels.push(channel);
      } catch (error) {
        if (!(error instanceof NotificationRejectedError)) throw error;
        refused.push(channel);
      }
    };
    if (contact?.phone) await deliver('sms', contact.phone);
    if (contact?.email) await deliver('email', contact.email);
    await deps.applications.annotate({
      application,
      at: deps.clock.now().toISOString(),
      changes: { notified: [...(application.notified ?? []), key] },
      audit: [{ actor: 'pipeline', action: 'applicant.notified', details: { kind, channels, ...(refused.length > 0 ? { refused } : {}) } }],
    });
  });
}

/** Answers a waiting pipeline task; a token that no longer waits is not an error (the pipeline moved on). */
export async function answerWaitingTask(taskTokens: TaskTokens, taskToken: string, output: object): Promise<'delivered' | 'gone'> {
  try {
    await taskTokens.sendTaskSuccess(taskToken, output as Record<string, unknown>);
    return 'delivered';
  } catch (error) {
    if (error instanceof TaskTokenGoneError) return 'gone';
    throw error;
  }
}
