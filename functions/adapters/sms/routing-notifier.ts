// One Notifier in front of two: SMS notifications (channel 'sms') go to the SMS provider, everything else (e-mail to
// the applicant topic, review requests, operations alerts) to the other notifier, SNS. Used where SNS sends no SMS
// (the AWS China regions, CDK context microloan:smsProvider=http); elsewhere production uses the SNS notifier alone.

import type { Notification, Notifier } from '../../core/kernel/ports';

export interface NotifierRoutes {
  /** Receives every notification with channel 'sms'. */
  sms: Notifier;
  /** Receives every other notification. */
  other: Notifier;
}

export function createRoutingNotifier(routes: NotifierRoutes): Notifier {
  return {
    publish(notification: Notification): Promise<void> {
      return (notification.channel === 'sms' ? routes.sms : routes.other).publish(notification);
    },
  };
}
