import { createRoutingNotifier } from '../../../functions/adapters/sms/routing-notifier';
import type { Notification, Notifier } from '../../../functions/core/kernel/ports';

class Recording implements Notifier {
  readonly sent: Notification[] = [];
  failWith: Error | undefined;
  async publish(notification: Notification): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(notification);
  }
}

describe('routing notifier', () => {
  const applicantSms: Notification = { topic: 'applicant', channel: 'sms', to: '+8613800138000', subject: 'Approved', body: 'text', attributes: { kind: 'approved' } };
  const applicantEmail: Notification = { topic: 'applicant', channel: 'email', to: 'li.wei@example.com', subject: 'Approved', body: 'text' };
  const review: Notification = { topic: 'review', channel: 'email', to: 'ada@lender.example', subject: 'Review', body: 'link', attributes: { reviewerId: 'R1' } };
  const alert: Notification = { topic: 'ops', subject: 'Pipeline failed', body: 'details' };

  it('sends SMS to the SMS provider and everything else to the other notifier, unchanged', async () => {
    const sms = new Recording();
    const other = new Recording();
    const notifier = createRoutingNotifier({ sms, other });
    for (const n of [applicantSms, applicantEmail, review, alert]) await notifier.publish(n);
    expect(sms.sent).toEqual([applicantSms]);
    expect(other.sent).toEqual([applicantEmail, review, alert]);
  });

  it("passes on the chosen notifier's failure, and only its", async () => {
    const sms = new Recording();
    const other = new Recording();
    sms.failWith = new Error('gateway down');
    const notifier = createRoutingNotifier({ sms, other });
    await expect(notifier.publish(applicantSms)).rejects.toThrow('gateway down');
    await expect(notifier.publish(applicantEmail)).resolves.toBeUndefined();
    expect(other.sent).toEqual([applicantEmail]);
  });
});
