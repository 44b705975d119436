// The report endpoint's latency on a table holding many applications (issue 7). The applications are stored through
// the real intake use case and repository (so the counters are written as in production, in the same transaction),
// spread over 30 local days, with a workflow that starts nothing (the pipeline is not what is measured). Then
// GET /v1/reports/summary over HTTP on the local stack, JSON and CSV, for the 30 days: p50/p95/max. Seeding is not
// measured.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applicationSubmissionSchema } from '../functions/core/applications/application-schema';
import { submitApplication } from '../functions/core/applications/intake';
import { startLocalStack } from '../local/stack';
import { nationalIdFor, validApplication } from '../test/support/applications';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchReport(applications: number, calls = 50) {
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-bench-report-'));
  const stack = await startLocalStack({ port: 0, dataDir, fresh: true, inMemoryDb: true, quiet: true });
  try {
    const product = (await stack.deps.products.get('personal-consumer'))!;
    const deps = { ...stack.deps, workflow: { ...stack.deps.workflow, start: async () => ({ started: true }) } };
    const first = Date.parse('2027-03-01T01:00:00Z');
    const seedStarted = performance.now();
    const channels = ['app', 'web', 'partner', 'branch'];
    for (let i = 0; i < applications; i += 1) {
      stack.clock.set(new Date(first + (i % 30) * 86_400_000 + (i % 600) * 60_000));
      const identity = { nationalId: nationalIdFor('1988-06-15', 100 + (i % 800), String(320100 + Math.floor(i / 800))), dateOfBirth: '1988-06-15' };
      const submission = applicationSubmissionSchema.parse(validApplication({ channel: channels[i % 4] }, identity));
      await submitApplication(deps, { caller: { subject: `bench-${i}`, isStaff: false }, idempotencyKey: `bench-${i}`, requestHash: `hash-${i}`, submission, product });
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    stack.clock.set(new Date(first + 30 * 86_400_000));
    const token = await stack.mintToken('bench-ops', ['ops']);
    const url = `${stack.url}/v1/reports/summary?from=2027-03-01&to=2027-03-30`;
    const time = async (accept: string) => {
      const millis: number[] = [];
      let received = 0;
      for (let i = 0; i < calls; i += 1) {
        const started = performance.now();
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept } });
        const text = await response.text();
        millis.push(performance.now() - started);
        if (response.status !== 200) throw new Error(`report answered ${response.status}: ${text}`);
        if (accept === 'application/json') received = (JSON.parse(text) as { applications: { received: number } }).applications.received;
      }
      return { received, millis };
    };
    const json = await time('application/json');
    const csv = await time('text/csv');
    const round = (value: number) => Number(value.toFixed(1));
    return {
      applications,
      reportedReceived: json.received,
      calls,
      seedSeconds: round(seedSeconds),
      jsonMillis: { p50: round(percentile(json.millis, 50)), p95: round(percentile(json.millis, 95)), max: round(Math.max(...json.millis)) },
      csvMillis: { p50: round(percentile(csv.millis, 50)), p95: round(percentile(csv.millis, 95)), max: round(Math.max(...csv.millis)) },
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// `npx tsx scripts/bench-report.ts` runs just this part.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchReport(Number(process.env.BENCH_REPORT_APPLICATIONS ?? 10_000)));
}
