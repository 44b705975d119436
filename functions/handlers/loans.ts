// A loan as its owner and staff see it (API.md "Loan view", "Schedule", "Payoff"):
//   GET /v1/loans/{loanId}                  balances, next due, delinquency
//   GET /v1/loans/{loanId}/schedule         the installments with what is paid and each one's status
//   GET /v1/loans/{loanId}/payoff?date=     the amount that settles the loan on a day (default today)
//   GET /v1/loans/{loanId}/repayments       the repayments recorded, oldest first
// Anyone else (another applicant) gets 404, as if the loan did not exist. "Today" is the lender's day by the clock.

import { dayIn } from '../core/kernel/dates';
import { NotFoundError } from '../core/kernel/errors';
import { payoffQuote } from '../core/servicing/loan';
import { payoffQuerySchema, toLoanView, toPayoffView, toRepaymentView, toScheduleView } from '../core/servicing/loan-views';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { httpHandler, isStaff, json, pathParam, principalOf, validate, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';
import type { RepaymentPageBody } from '../shared/response-schemas';

export const definition = defineFunction({
  loans: production.loanReader,
  clock: production.clock,
  logger: production.logger,
  settings: production.settings,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    const loanId = pathParam(event, 'loanId');
    deps.logger.appendKeys({ loanId });
    const loan = await deps.loans.get(loanId);
    if (!loan || (!isStaff(principal) && loan.ownerId !== principal.subject)) throw new NotFoundError(`no loan ${loanId}`);
    const today = dayIn(deps.clock.now(), deps.settings.timeZone);

    switch (event.routeKey) {
      case 'GET /v1/loans/{loanId}/schedule':
        return json(200, toScheduleView(loan, today));
      case 'GET /v1/loans/{loanId}/payoff': {
        const query = validate(event.queryStringParameters ?? {}, payoffQuerySchema);
        return json(200, toPayoffView(loan, payoffQuote(loan, query.date ?? today)));
      }
      case 'GET /v1/loans/{loanId}/repayments': {
        const repayments = await deps.loans.listRepayments(loanId);
        return json(200, { items: repayments.map(toRepaymentView), nextCursor: null } satisfies RepaymentPageBody);
      }
      default:
        return json(200, toLoanView(loan, today));
    }
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));
