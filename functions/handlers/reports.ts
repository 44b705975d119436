// GET /v1/reports/summary?from=&to= (role ops): the figures of PRODUCT.md §2.10 for a range of the lender's days
// (default: the 30 days ending today), as JSON, or as CSV with `Accept: text/csv`. Both are built from the same summary
// object (functions/core/reporting/reports.ts), read from the aggregates the repositories keep with every change.

import { dayIn } from '../core/kernel/dates';
import { fairnessReport } from '../core/reporting/fairness';
import { driftReport } from '../core/reporting/drift';
import { LENDER_CURRENCY, reportQuerySchema, reportRange, reportRangeProblems, summaryCsv, summaryReport } from '../core/reporting/reports';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { header, httpHandler, json, principalOf, requireRole, validate, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  reports: production.reports,
  scoringModel: production.scoringModel,
  reviews: production.reviewReader,
  reviewers: production.reviewerDirectory,
  policies: production.policyReader,
  clock: production.clock,
  logger: production.logger,
  settings: production.settings,
});

type Deps = DepsOf<typeof definition>;
/**
 * Whether the client prefers CSV: `text/csv` is acceptable (q > 0) and weighs at least as much as any JSON type it
 * also accepts (`text/csv, application/json` → CSV; `application/json;q=1, text/csv;q=0.5` → JSON).
 */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let csv = 0;
  let jsonWeight = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    if (!Number.isFinite(weight)) continue;
    if (type === 'text/csv') csv = Math.max(csv, weight);
    if (type === 'application/json' || type === 'application/problem+json') jsonWeight = Math.max(jsonWeight, weight);
  }
  return csv > 0 && csv >= jsonWeight;
}

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    requireRole(principalOf(event), 'ops');
    const timeZone = deps.settings.timeZone;
    const today = dayIn(deps.clock.now(), timeZone);
    const query = validate(event.queryStringParameters ?? {}, reportQuerySchema, (raw) => reportRangeProblems(raw, today));
    const range = reportRange(query, today);
    deps.logger.appendKeys({ reportFrom: range.from, reportTo: range.to });
    if (event.routeKey === 'GET /v1/reports/fairness') return json(200, await fairnessReport(deps, range));
    if (event.routeKey === 'GET /v1/reports/drift') return json(200, await driftReport({ reports: deps.reports, model: deps.scoringModel }, range));
    const summary = await summaryReport(deps, range, { timeZone, currency: LENDER_CURRENCY });
    if (prefersCsv(header(event, 'accept'))) {
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="summary-${range.from}-${range.to}.csv"`,
          'cache-control': 'no-store',
        },
        body: summaryCsv(summary),
      };
    }
    return json(200, summary);
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));
