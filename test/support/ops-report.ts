// A GET /v1/reports/summary answer for tests of the operations page (local/ops-page.ts): two weeks of made-up figures
// in the report's JSON shape, with a decline reason and a reviewer name that would be markup if not escaped.

import type { ReportSummary } from '../../functions/core/reporting/reports';

export function opsReportFixture(from = '2026-03-01', days = 14): ReportSummary {
  const start = Date.parse(`${from}T00:00:00Z`);
  const daily = Array.from({ length: days }, (_, i) => {
    const received = [3, 5, 2, 6, 4, 0, 1, 7, 5, 3, 4, 6, 2, 5][i % 14]!;
    const decided = Math.max(0, received - (i % 3 === 0 ? 1 : 0));
    const approved = Math.round(decided * 0.6);
    return {
      day: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      received,
      decided,
      approved,
      approvalRate: decided > 0 ? approved / decided : null,
      p50DecisionSeconds: decided > 0 ? 40 + i * 5 : null,
      p90DecisionSeconds: decided > 0 ? 3600 + i * 600 : null,
      par30: i < 7 ? 0 : 0.04 + (i - 7) * 0.005,
    };
  });
  const received = daily.reduce((sum, d) => sum + d.received, 0);
  const decided = daily.reduce((sum, d) => sum + d.decided, 0);
  const approved = daily.reduce((sum, d) => sum + d.approved, 0);
  const money = (amount: string) => ({ amount, currency: 'CNY' });
  return {
    from: daily[0]!.day,
    to: daily.at(-1)!.day,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    applications: {
      received,
      byChannel: { app: received - 10, web: 10 },
      byProduct: { 'personal-consumer': received },
      byDay: Object.fromEntries(daily.map((d) => [d.day, d.received])),
    },
    decisions: {
      autoApproved: approved - 3,
      autoDeclined: decided - approved - 2,
      reviewApproved: 3,
      reviewRejected: 1,
      reviewExpired: 1,
      documentsExpired: 0,
      decided,
      approvalRate: approved / decided,
      autoDecisionRate: (decided - 5) / decided,
      declineReasons: { KO_CURRENT_DEFAULT: 2, RC01: 5, '<b>RC02</b>': 1 },
    },
    timeToDecision: { count: decided, p50Seconds: 52.4, p90Seconds: 7260 },
    reviews: {
      pending: 2,
      overdue: 1,
      slaBreaches: 1,
      byReviewer: [
        { reviewerId: 'rev-1', name: 'Ada <script>alert(1)</script>', level: 1, decided: 4, open: 1, slaBreaches: 1 },
        { reviewerId: 'rev-2', name: 'Cy Level Two', level: 2, decided: 1, open: 1, slaBreaches: 0 },
      ],
    },
    disbursed: { count: 9, amount: money('123456.78') },
    repayments: { count: 14, amount: money('9876.50') },
    portfolio: {
      asOf: daily.at(-1)!.day,
      activeLoans: 9,
      outstandingPrincipal: money('110234.10'),
      overdueRate: 0.2222,
      par1: 0.15,
      par30: 0.0752,
      par90: 0,
      byBucket: {
        current: { loans: 7, principal: money('88000.00') },
        '1-30': { loans: 1, principal: money('13934.10') },
        '31-60': { loans: 1, principal: money('8300.00') },
        '61-90': { loans: 0, principal: money('0.00') },
        '90+': { loans: 0, principal: money('0.00') },
      },
      rollRates: { 'current->1-30': 0.1, '1-30->31-60': 0.5, '31-60->61-90': null, '61-90->90+': null },
    },
    daily,
  };
}
