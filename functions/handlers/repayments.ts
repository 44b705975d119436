// Repayments (API.md "Operations"; PRODUCT.md §2.8), through two routes served by this one Lambda:
//   POST /v1/loans/{loanId}/repayments  staff with the role ops (the Cognito JWT authorizer at the gateway)
//                                       body {amount, paidAt, reference}
//   POST /v1/webhooks/repayments        the bank's webhook: no login (auth 'none' at the gateway); the handler requires
//                                       X-Signature: sha256=<hex HMAC-SHA256 of the raw body> with the shared secret
//                                       (REPAYMENT_WEBHOOK_SECRET_ARN); body {loanId, amount, paidAt, reference}, the
//                                       loan inside the signed body so that a signature cannot be moved to another loan
// Both: 201 with the allocation; the same reference again → 200 with the first allocation (never applied twice), the
// same reference with another amount or time → 409 (other repayments of the loan at the same moment are no conflict:
// retried with backoff; still racing after every try → 503 with Retry-After, nothing recorded); bad input → 422 naming the field (another currency than the
// loan's: `amount.currency`); an unknown loan → 404; a missing or wrong signature → 401.

import { UnauthorizedError } from '../core/kernel/errors';
import { recordRepayment, type RepaymentRequest } from '../core/servicing/loan-service';
import { repaymentSchema, toRepaymentView, webhookRepaymentSchema } from '../core/servicing/loan-views';
import { toMinor } from '../core/kernel/money';
import { WEBHOOK_SIGNATURE_HEADER, verifyWebhookSignature } from '../core/servicing/repayment-webhook';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { majorUnits } from '../shared/metrics';
import { header, httpHandler, json, parseBody, pathParam, principalOf, requireRole, type HttpEvent, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  loans: production.loans,
  clock: production.clock,
  sleep: production.sleep,
  logger: production.logger,
  repaymentWebhookSecret: production.repaymentWebhookSecret,
  settings: production.settings,
  metrics: production.metrics,
});

type Deps = DepsOf<typeof definition>;

export const WEBHOOK_ROUTE = 'POST /v1/webhooks/repayments';

/** The raw body bytes exactly as received: what the bank signed. */
function rawBody(event: HttpEvent): Buffer {
  return event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
}

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    let request: RepaymentRequest;
    if (event.routeKey === WEBHOOK_ROUTE) {
      // The signature before anything else: an unsigned body is not even parsed.
      const signature = header(event, WEBHOOK_SIGNATURE_HEADER);
      if (!signature) throw new UnauthorizedError(`the ${WEBHOOK_SIGNATURE_HEADER} header is required`);
      if (!verifyWebhookSignature(await deps.repaymentWebhookSecret(), rawBody(event), signature)) {
        throw new UnauthorizedError(`the ${WEBHOOK_SIGNATURE_HEADER} signature does not match the body`);
      }
      const body = parseBody(event, webhookRepaymentSchema);
      request = { ...toRequest(body), loanId: body.loanId, recordedBy: 'bank-webhook', channel: 'bank-webhook' };
    } else {
      const principal = principalOf(event);
      requireRole(principal, 'ops');
      const loanId = pathParam(event, 'loanId');
      const body = parseBody(event, repaymentSchema);
      request = { ...toRequest(body), loanId, recordedBy: `ops:${principal.subject}`, channel: 'staff' };
    }
    deps.logger.appendKeys({ loanId: request.loanId, reference: request.reference });

    const { repayment, replayed } = await recordRepayment(deps, request, { timeZone: deps.settings.timeZone, sleep: deps.sleep });
    deps.logger.info(replayed ? 'repayment replayed' : 'repayment recorded', {
      amountMinor: repayment.amountMinor,
      loanStatus: repayment.loanStatusAfter,
      payoff: repayment.allocation.payoff,
    });
    if (!replayed) {
      deps.metrics.count('RepaymentsReceived');
      deps.metrics.gauge('RepaymentsAmount', majorUnits(repayment.amountMinor, repayment.currency), 'None');
    }
    return json(replayed ? 200 : 201, toRepaymentView(repayment), replayed ? { 'idempotent-replayed': 'true' } : {});
  }, { metrics: deps.metrics });
}

function toRequest(body: { amount: { amount: string; currency: string }; paidAt: string; reference: string }) {
  const { minor, currency } = toMinor(body.amount);
  return { amountMinor: minor, currency, paidAt: body.paidAt, reference: body.reference };
}

export const handler = lazyHandler(() => createHandler(definition.wire()));
