// `npm run bench`: the figures the issues ask for, measured in one run, printed as a table and written to
// bench/results.json. Not a test: nothing here asserts a time.
//   1. scorecard throughput on one core (the shipped model, the 1,000 German rows, reason codes included);
//   2. the Score task on the local stack: the scoring's own time inside the task (feature mapping + scorecard,
//      from the stored assessment), and submit → assessment visible to the applicant, polled every 5 ms.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxIdentity } from '../functions/adapters/bureau/sandbox-bureau';
import { startLocalStack } from '../local/stack';
import { nationalIdFor, validApplication } from '../test/support/applications';
import { benchScore } from './bench-score';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

async function benchScoreTask(applications: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-bench-'));
  const stack = await startLocalStack({ port: 0, dataDir, fresh: true, inMemoryDb: true, quiet: true });
  try {
    const token = await stack.mintToken('bench-applicant');
    const scoringMillis: number[] = [];
    const visibleMillis: number[] = [];
    const histories = ['all_paid_duly', 'past_delays', 'critical_account', 'thin_file', 'many_inquiries'] as const;
    for (let i = 0; i < applications; i += 1) {
      // A different person each time (one open application per national ID); every fifth a bureau test identity.
      const identity = i % 5 === 0 ? sandboxIdentity(histories[(i / 5) % histories.length]!) : { nationalId: nationalIdFor('1988-06-15', 100 + (i % 800), String(320100 + Math.floor(i / 800))), dateOfBirth: '1988-06-15' };
      const started = performance.now();
      const submitted = await fetch(`${stack.url}/v1/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${i}-${Date.now()}` },
        body: JSON.stringify(validApplication({}, identity)),
      });
      const { applicationId } = (await submitted.json()) as { applicationId: string };
      for (;;) {
        const view = (await (await fetch(`${stack.url}/v1/applications/${applicationId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          assessment?: unknown;
        };
        if (view.assessment) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      visibleMillis.push(performance.now() - started);
      const stored = await stack.deps.applications.get(applicationId);
      scoringMillis.push(stored!.assessment!.scoringMillis);
      await fetch(`${stack.url}/v1/applications/${applicationId}/withdraw`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    }
    return {
      applications,
      scoringInsideTaskMillis: { p50: round(percentile(scoringMillis, 50)), p99: round(percentile(scoringMillis, 99)), max: round(Math.max(...scoringMillis)) },
      submitToScoredMillis: { p50: round(percentile(visibleMillis, 50), 1), p99: round(percentile(visibleMillis, 99), 1) },
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const throughput = benchScore(2000);
const task = await benchScoreTask(Number(process.env.BENCH_APPLICATIONS ?? 200));
const results = { measuredAt: new Date().toISOString(), node: process.version, scorecardThroughput: throughput, scoreTask: task };

console.table([
  { figure: 'scorecard throughput (one core)', value: `${throughput.scoresPerSecond.toLocaleString('en')} scores/s`, detail: `${throughput.scores} scores in ${throughput.seconds} s` },
  { figure: 'scoring inside the Score task, p50 / p99', value: `${task.scoringInsideTaskMillis.p50} / ${task.scoringInsideTaskMillis.p99} ms`, detail: `${task.applications} applications, local stack` },
  { figure: 'submit → score visible, p50 / p99', value: `${task.submitToScoredMillis.p50} / ${task.submitToScoredMillis.p99} ms`, detail: 'HTTP, bureau sandbox, polled every 5 ms' },
]);
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('written to bench/results.json');
