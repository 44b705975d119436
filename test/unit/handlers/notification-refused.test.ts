// A message a channel refuses for good (NotificationRejectedError: an invalid number) never fails the business step
// that sends it: the decision stands and the refusal is in the audit trail; the overdue scan records the refused
// reminder and does not try it again; and a loan the scan cannot process does not hold up the others.

import { NotificationRejectedError } from '../../../functions/core/kernel/errors';
import { createLoan } from '../../../functions/core/servicing/loan';
import type { Notification } from '../../../functions/core/kernel/ports';
import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../../functions/handlers/pipeline-score';
import { createHandler as createDecide } from '../../../functions/handlers/pipeline-decide';
import { createHandler as createOverdueScan } from '../../../functions/handlers/overdue-scan';
import { validApplication } from '../../support/applications';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { fakeDeps } from '../../support/fakes';
import { THREE_MONTHS } from '../../support/loans';

/** A notifier whose SMS channel refuses every message; e-mails go through. */
function refusingSms(deps: ReturnType<typeof fakeDeps>) {
  const sent: Notification[] = [];
  deps.notifier.publish = async (notification: Notification) => {
    if (notification.channel === 'sms') throw new NotificationRejectedError('the provider refused the number');
    sent.push(notification);
  };
  return sent;
}

describe('a channel that refuses a message for good', () => {
  it('does not fail the decision: the applicant gets the e-mail and the audit trail names the refused SMS', async () => {
    const deps = fakeDeps();
    const sent = refusingSms(deps);
    deps.scorer.result = 760;
    const submitted = await createSubmit(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': 'refused-1' }, body: validApplication(), sub: 'alice' }),
      lambdaContext,
    );
    const applicationId = parse(submitted).applicationId as string;
    await createResume(deps)({ applicationId });
    await createScore(deps)({ applicationId });
    const decided = await createDecide(deps)({ applicationId });
    expect(decided).toMatchObject({ status: 'APPROVED' });
    expect(sent.map((n) => n.channel)).toEqual(['email']);
    const audit = await deps.applications.listAudit(applicationId);
    expect(audit.find((e) => e.action === 'applicant.notified')?.details).toEqual({ kind: 'approved', channels: ['email'], refused: ['sms'] });
  });

  it('the overdue scan records a refused SMS reminder once, and a loan it cannot process does not stop the others', async () => {
    const deps = fakeDeps();
    await createSubmit(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': 'refused-2' }, body: validApplication(), sub: 'alice' }),
      lambdaContext,
    );
    for (const [loanId, ownerId] of [
      ['LOAN-A', 'alice'],
      ['LOAN-B', 'alice'],
    ]) {
      await deps.loans.create(
        createLoan({ loanId: loanId!, applicationId: `APP-${loanId}`, ownerId: ownerId!, currency: 'CNY', principalMinor: 300_000, annualRatePercent: '12', disbursedAt: '2026-01-10T02:00:00.000Z', disbursementDate: '2026-01-10', schedule: THREE_MONTHS, at: '2026-01-10T02:00:00.000Z' }),
      );
    }
    const sent = refusingSms(deps);
    // LOAN-A's e-mail fails for a reason that is not a refusal (an outage): that loan is reported, LOAN-B goes on.
    const publish = deps.notifier.publish;
    deps.notifier.publish = async (notification: Notification) => {
      if (notification.attributes?.loanId === 'LOAN-A' && notification.channel === 'email') throw new Error('SNS is down');
      return publish(notification);
    };
    deps.clock.current = new Date('2026-02-10T02:00:00.000Z'); // 10:00 in Shanghai on the first due date
    const first = await createOverdueScan(deps)({});
    expect(first.failures).toEqual([{ loanId: 'LOAN-A', error: 'Error' }]);
    expect(first.reminders).toMatchObject({ email: 1, sms: 0, refused: 1 });
    expect(sent.filter((n) => n.attributes?.loanId === 'LOAN-B').map((n) => n.channel)).toEqual(['email']);
    const loanB = (await deps.loans.get('LOAN-B'))!;
    expect(loanB.remindersSent.map(({ stage, channel, refused }) => ({ stage, channel, refused }))).toEqual([
      { stage: 'due_today', channel: 'sms', refused: true },
      { stage: 'due_today', channel: 'email', refused: undefined },
    ]);

    // Run again the same day (a retried schedule): nothing new for LOAN-B, and the refused SMS is not tried again.
    const second = await createOverdueScan(deps)({});
    expect(second.reminders).toMatchObject({ email: 0, sms: 0, refused: 0 });
    expect((await deps.loans.get('LOAN-B'))!.remindersSent).toHaveLength(2);
  });
});
