// GET /v1/reports/summary: ops only, the range's query parameters validated (422 naming the field), JSON by default
// and CSV with Accept: text/csv, both from the same summary.

import { parse as parseCsv } from 'csv-parse/sync';
import { createHandler, prefersCsv } from '../../../functions/handlers/reports';
import { summaryRows } from '../../../functions/core/reporting/reports';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';

type Deps = ReturnType<typeof fakeDeps>;

function depsWithCounters(): Deps {
  const deps = fakeDeps();
  deps.clock.current = new Date('2026-03-05T04:00:00.000Z');
  deps.reports.setDay('2026-03-01', { received: 2, 'channel#app': 2, autoApproved: 1, 'pf:activeLoans': 1, 'pf:outstandingPrincipal': 100_000, 'pf:loans#current': 1, 'pf:principal#current': 100_000 }, [12]);
  deps.reports.portfolio = { activeLoans: 1, outstandingPrincipal: 100_000, 'loans#current': 1, 'principal#current': 100_000 };
  deps.reviewers.add({ reviewerId: 'ada', name: 'Ada, "Countess"' });
  return deps;
}

const get = (deps: Deps, query?: Record<string, string>, roles = ['ops'], headers: Record<string, string> = {}) =>
  createHandler(deps)(httpEvent({ method: 'GET', routePath: '/v1/reports/summary', sub: 'olga', roles, headers, ...(query ? { query } : {}) }), lambdaContext);

describe('GET /v1/reports/summary', () => {
  it('answers ops with the summary of the 30 days ending today by default', async () => {
    const result = await get(depsWithCounters());
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/json');
    const body = parse(result);
    expect(body).toMatchObject({ from: '2026-02-04', to: '2026-03-05', timeZone: 'Asia/Shanghai', currency: 'CNY' });
    expect(body.applications.received).toBe(2);
    expect(Object.keys(body.applications.byDay)).toHaveLength(30);
    expect(body.daily).toHaveLength(30);
    expect(body.decisions).toMatchObject({ autoApproved: 1, decided: 1, approvalRate: 1 });
    expect(body.timeToDecision).toEqual({ count: 1, p50Seconds: 12, p90Seconds: 12 });
    expect(body.portfolio).toMatchObject({ asOf: '2026-03-05', activeLoans: 1, outstandingPrincipal: { amount: '1000.00', currency: 'CNY' }, par30: 0 });
    expect(body.reviews.byReviewer).toEqual([{ reviewerId: 'ada', name: 'Ada, "Countess"', level: 1, decided: 0, open: 0, slaBreaches: 0 }]);
  });

  it('takes from and to', async () => {
    const body = parse(await get(depsWithCounters(), { from: '2026-03-01', to: '2026-03-02' }));
    expect(body).toMatchObject({ from: '2026-03-01', to: '2026-03-02', applications: { byDay: { '2026-03-01': 2, '2026-03-02': 0 } } });
    expect(body.portfolio.asOf).toBe('2026-03-02');
  });

  it('is refused to anyone but operations (403)', async () => {
    for (const roles of [[], ['reviewer'], ['admin']]) {
      const result = await get(depsWithCounters(), undefined, roles);
      expect({ roles, status: result.statusCode }).toEqual({ roles, status: 403 });
      expect(result.headers?.['content-type']).toBe('application/problem+json');
    }
    const anonymous = await createHandler(depsWithCounters())(httpEvent({ method: 'GET', routePath: '/v1/reports/summary' }), lambdaContext);
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses bad dates, from after to and ranges over 366 days with a 422 naming the field', async () => {
    const cases: [Record<string, string>, string[]][] = [
      [{ from: '2026-02-30' }, ['from']],
      [{ to: '5 March' }, ['to']],
      [{ from: 'x', to: '2026-13-01' }, ['from', 'to']],
      [{ from: '2026-03-04', to: '2026-03-01' }, ['from']],
      [{ from: '2025-03-04', to: '2026-03-05' }, ['from']],
      [{ from: '2026-03-06' }, ['from']],
    ];
    for (const [query, paths] of cases) {
      const result = await get(depsWithCounters(), query);
      expect({ query, status: result.statusCode }).toEqual({ query, status: 422 });
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect([...new Set(parse(result).errors.map((e: { path: string }) => e.path))].sort()).toEqual(paths);
    }
    // 366 days, both ends included, is the longest range.
    expect((await get(depsWithCounters(), { from: '2025-03-05', to: '2026-03-05' })).statusCode).toBe(200);
  });

  it('answers CSV for Accept: text/csv, as an attachment, with the JSON\'s figures', async () => {
    const deps = depsWithCounters();
    const query = { from: '2026-03-01', to: '2026-03-03' };
    const csv = await get(deps, query, ['ops'], { Accept: 'text/csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers).toMatchObject({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="summary-2026-03-01-2026-03-03.csv"',
    });
    const rows = parseCsv(csv.body!) as string[][];
    expect(rows[0]).toEqual(['section', 'metric', 'key', 'value']);
    const json = parse(await get(deps, query));
    expect(rows.slice(1)).toEqual(summaryRows(json));
    expect(rows).toContainEqual(['reviews', 'byReviewer.name', 'ada', 'Ada, "Countess"']);
    expect(rows).toContainEqual(['applications', 'received', '', '2']);
  });

  it('negotiates on the Accept header\'s weights', () => {
    expect(prefersCsv(undefined)).toBe(false);
    expect(prefersCsv('application/json')).toBe(false);
    expect(prefersCsv('*/*')).toBe(false);
    expect(prefersCsv('text/csv')).toBe(true);
    expect(prefersCsv('Text/CSV; charset=utf-8')).toBe(true);
    expect(prefersCsv('text/csv, application/json')).toBe(true);
    expect(prefersCsv('application/json, text/csv;q=0.5')).toBe(false);
    expect(prefersCsv('application/json;q=0.2, text/csv')).toBe(true);
    expect(prefersCsv('text/csv;q=0')).toBe(false);
  });
});

describe('GET /v1/reports/fairness', () => {
  const getFairness = (deps: Deps, query?: Record<string, string>, roles = ['ops']) =>
    createHandler(deps)(httpEvent({ method: 'GET', routePath: '/v1/reports/fairness', sub: 'olga', roles, ...(query ? { query } : {}) }), lambdaContext);

  it('answers ops with approval rate, mean PD, bad rate and disparate impact by sex and age band', async () => {
    const deps = depsWithCounters();
    deps.reports.setDay('2026-03-02', { 'fair#decided#sex:female': 4, 'fair#approved#sex:female': 2, 'fair#pdMicros#sex:female': 1_000_000, 'fair#decided#sex:male': 2, 'fair#approved#sex:male': 2, 'fair#pdMicros#sex:male': 200_000 }, []);
    deps.reports.portfolio = { ...deps.reports.portfolio, 'fair#loans#sex:male': 2, 'fair#bad#sex:male': 1 };
    const result = await getFairness(deps, { from: '2026-03-01', to: '2026-03-05' });
    expect(result.statusCode).toBe(200);
    const body = parse(result);
    expect(body).toMatchObject({ from: '2026-03-01', to: '2026-03-05', fourFifths: 0.8 });
    expect(body.groups.sex).toEqual([
      { group: 'female', decided: 4, approved: 2, approvalRate: 0.5, meanPd: 0.25, loans: 0, bad: 0, badRate: null, disparateImpact: 0.5, adverseImpact: true },
      { group: 'male', decided: 2, approved: 2, approvalRate: 1, meanPd: 0.1, loans: 2, bad: 1, badRate: 0.5, disparateImpact: 1, adverseImpact: false },
    ]);
    expect(body.groups.ageBand.map((g: { group: string }) => g.group)).toEqual(['18-25', '26-35', '36-45', '46-55', '56+']);
  });

  it('is for operations only, and validates the range like the summary', async () => {
    expect((await getFairness(depsWithCounters(), undefined, ['admin'])).statusCode).toBe(403);
    const bad = await getFairness(depsWithCounters(), { from: '2026-13-01' });
    expect(bad.statusCode).toBe(422);
    expect(parse(bad).errors.map((e: { path: string }) => e.path)).toEqual(['from']);
  });
});

describe('GET /v1/reports/drift', () => {
  it('answers ops with the PSI of the score and of each input of the model in use, and the alarm', async () => {
    const deps = depsWithCounters();
    const v = deps.scoringModel.version;
    deps.reports.setDay('2026-03-02', { [`drift#${v}#scored`]: 50, [`drift#${v}#score#0`]: 50 }, []);
    const result = await createHandler(deps)(httpEvent({ method: 'GET', routePath: '/v1/reports/drift', sub: 'olga', roles: ['ops'], query: { from: '2026-03-01', to: '2026-03-05' } }), lambdaContext);
    expect(result.statusCode).toBe(200);
    const body = parse(result);
    expect(body).toMatchObject({ from: '2026-03-01', to: '2026-03-05', modelVersion: v, scored: 50, alarmThreshold: 0.25, alarm: true });
    expect(body.scorePsi).toBeGreaterThan(0.25);
    expect((await createHandler(deps)(httpEvent({ method: 'GET', routePath: '/v1/reports/drift', sub: 'olga', roles: ['reviewer'] }), lambdaContext)).statusCode).toBe(403);
  });
});
