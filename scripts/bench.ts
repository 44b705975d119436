// `npm run bench`: the figures the issues ask for, measured in one run, printed as a table and written to
// bench/results.json. Not a test: nothing here asserts a time.
//   1. scorecard throughput on one core (the shipped model, the 1,000 German rows, reason codes included);
//   2. the Score task on the local stack: the scoring's own time inside the task (feature mapping + scorecard,
//      from the stored assessment), and submit → assessment visible to the applicant, polled every 5 ms;
//   3. decisions on the local stack: submit → decision visible for auto-approvable applications (polled every 5 ms),
//      and the Step Functions states each path enters (what AWS bills as state transitions);
//   4. the overdue scan on 100,000 and on 10,000 loans with the same 1,000 due: items read per due loan and time;
//   5. GET /v1/reports/summary (30 days, JSON and CSV) on a table holding 10,000 applications;
//   6. training time on one core: a synthetic 30,000-row × 25-column book (scripts/bench-train.ts), the whole
//      `model:train` pipeline. `npm run bench -- train` runs only this one and updates its entry in bench/results.json.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxIdentity } from '../functions/adapters/bureau/sandbox-bureau';
import { startLocalStack } from '../local/stack';
import { nationalIdFor, validApplication } from '../test/support/applications';
import { benchScore } from './bench-score';
import { benchOverdueScan } from './bench-overdue';
import { benchReport } from './bench-report';
import { benchTrain } from './bench-train';

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
      if (submitted.status !== 202) throw new Error(`submit ${i} answered ${submitted.status}: ${await submitted.text()}`);
      const { applicationId } = (await submitted.json()) as { applicationId: string };
      for (let polls = 0; ; polls += 1) {
        const view = (await (await fetch(`${stack.url}/v1/applications/${applicationId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          assessment?: unknown;
        };
        if (view.assessment) break;
        if (polls > 2000) throw new Error(`application ${applicationId} was not scored within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      visibleMillis.push(performance.now() - started);
      const stored = await stack.deps.applications.get(applicationId);
      scoringMillis.push(stored!.assessment!.scoringMillis);
      // Withdrawn, so that the sandbox identities (every fifth applicant) can apply again.
      const withdrawn = await fetch(`${stack.url}/v1/applications/${applicationId}/withdraw`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      if (withdrawn.status !== 200) {
        // A declined application is closed already (409: no longer withdrawable); anything else is a real problem.
        const { status } = (await (await fetch(`${stack.url}/v1/applications/${applicationId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string };
        if (!['DECLINED', 'EXPIRED', 'FAILED'].includes(status)) throw new Error(`withdrawing ${applicationId} (${status}) answered ${withdrawn.status}: ${await withdrawn.text()}`);
      }
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

async function benchDecisions(applications: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-bench-'));
  const stack = await startLocalStack({ port: 0, dataDir, fresh: true, inMemoryDb: true, quiet: true });
  const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const read = async (token: string, id: string) =>
    (await (await fetch(`${stack.url}/v1/applications/${id}`, { headers: headers(token) })).json()) as { status: string };
  const submit = async (token: string, body: unknown, key: string) =>
    ((await (await fetch(`${stack.url}/v1/applications`, { method: 'POST', headers: { ...headers(token), 'idempotency-key': key }, body: JSON.stringify(body) })).json()) as {
      applicationId: string;
    }).applicationId;
  const waitFor = async (token: string, id: string, done: (status: string) => boolean) => {
    for (;;) {
      const { status } = await read(token, id);
      if (done(status)) return status;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  try {
    const token = await stack.mintToken('bench-decisions');
    const decided: number[] = [];
    let autoApproved = 0;
    let firstAuto = '';
    for (let i = 0; i < applications; i += 1) {
      const identity = { nationalId: nationalIdFor('1990-03-07', 100 + (i % 800), String(330100 + Math.floor(i / 800))), dateOfBirth: '1990-03-07' };
      const started = performance.now();
      const id = await submit(token, validApplication({}, identity), `bench-decide-${i}-${Date.now()}`);
      const status = await waitFor(token, id, (s) => !['SUBMITTED', 'ASSESSING'].includes(s));
      decided.push(performance.now() - started);
      if (status === 'APPROVED') autoApproved += 1;
      firstAuto ||= id;
    }

    // The two-level path: an 80,000 CNY application, decided by two reviewers through the links they were e-mailed.
    const admin = await stack.mintToken('bench-admin', ['admin']);
    const emails: string[] = [];
    for (const level of [1, 2]) {
      const email = `bench.level${level}@lender.example`;
      await fetch(`${stack.url}/v1/reviewers`, { method: 'POST', headers: headers(admin), body: JSON.stringify({ email, name: `Level ${level}`, level, language: 'en' }) });
      emails.push(email);
    }
    const large = validApplication({ loan: { amount: { amount: '80000.00', currency: 'CNY' }, termMonths: 24, purpose: 'electronics' } }, {
      nationalId: nationalIdFor('1990-03-07', 999, '339999'),
      dateOfBirth: '1990-03-07',
    });
    const twoLevel = await submit(token, large, `bench-two-level-${Date.now()}`);
    for (const email of emails) {
      let link: string | undefined;
      while (!link) {
        const messages = (await (await fetch(`${stack.url}/_local/outbox?to=${encodeURIComponent(email)}`)).json()) as { body: string }[];
        link = messages.map((m) => /https?:\/\/\S+\/v1\/reviews\/[^\s"<]+/.exec(m.body)?.[0]).find(Boolean);
        if (!link) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const url = new URL(link);
      url.pathname = `${url.pathname}/decision`;
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ decision: 'APPROVE', comment: 'bench' }) });
    }
    await waitFor(token, twoLevel, (s) => s === 'APPROVED');
    // Both paths then wait for the contract's acceptance; count the states up to that wait.
    while (!stack.workflow.statesEntered(twoLevel).includes('PrepareContract')) await new Promise((resolve) => setTimeout(resolve, 10));
    return {
      applications,
      autoApproved,
      submitToDecisionMillis: { p50: round(percentile(decided, 50), 1), p99: round(percentile(decided, 99), 1), max: round(Math.max(...decided), 1) },
      statesEntered: { autoApprove: stack.workflow.statesEntered(firstAuto), twoLevelReview: stack.workflow.statesEntered(twoLevel) },
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'train') {
  const training = benchTrain(Number(process.env.BENCH_TRAIN_ROWS ?? 30_000));
  console.table([{ figure: `training, ${training.rows.toLocaleString('en')} rows × ${training.featureColumns} columns`, value: `${training.cpuSeconds} s CPU (${training.seconds} s wall)`, detail: `${training.features} features, test AUC ${training.testAuc} (plain WoE-LR ${training.baselineTestAuc})` }]);
  const previous = existsSync('bench/results.json') ? (JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>) : {};
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', `${JSON.stringify({ ...previous, training: { measuredAt: new Date().toISOString(), node: process.version, ...training } }, null, 2)}\n`);
  console.log('written to bench/results.json (training)');
  process.exit(0);
}

const training = benchTrain(Number(process.env.BENCH_TRAIN_ROWS ?? 30_000));
const throughput = benchScore(2000);
const task = await benchScoreTask(Number(process.env.BENCH_APPLICATIONS ?? 200));
const decisions = await benchDecisions(Number(process.env.BENCH_DECISIONS ?? 100));
const overdueDue = Number(process.env.BENCH_OVERDUE_DUE ?? 1000);
const overdue = [];
for (const total of (process.env.BENCH_OVERDUE_SIZES ?? '100000,10000').split(',').map(Number)) overdue.push(await benchOverdueScan(total, overdueDue));
const report = await benchReport(Number(process.env.BENCH_REPORT_APPLICATIONS ?? 10_000));
const results = { measuredAt: new Date().toISOString(), node: process.version, scorecardThroughput: throughput, scoreTask: task, decisions, overdueScan: overdue, report, training };

console.table([
  {
    figure: `training, ${training.rows.toLocaleString('en')} rows × ${training.featureColumns} columns (one core)`,
    value: `${training.cpuSeconds} s CPU (${training.seconds} s wall)`,
    detail: `${training.features} features, test AUC ${training.testAuc} (plain WoE-LR ${training.baselineTestAuc})`,
  },
  { figure: 'scorecard throughput (one core)', value: `${throughput.scoresPerSecond.toLocaleString('en')} scores/s`, detail: `${throughput.scores} scores in ${throughput.seconds} s` },
  { figure: 'scoring inside the Score task, p50 / p99', value: `${task.scoringInsideTaskMillis.p50} / ${task.scoringInsideTaskMillis.p99} ms`, detail: `${task.applications} applications, local stack` },
  { figure: 'submit → score visible, p50 / p99', value: `${task.submitToScoredMillis.p50} / ${task.submitToScoredMillis.p99} ms`, detail: 'HTTP, bureau sandbox, polled every 5 ms' },
  {
    figure: 'submit → decision visible, p50 / p99',
    value: `${decisions.submitToDecisionMillis.p50} / ${decisions.submitToDecisionMillis.p99} ms`,
    detail: `${decisions.applications} auto-approvable applications (${decisions.autoApproved} approved), polled every 5 ms`,
  },
  { figure: 'states entered: auto-approve', value: String(decisions.statesEntered.autoApprove.length), detail: decisions.statesEntered.autoApprove.join(' → ') },
  { figure: 'states entered: two review levels', value: String(decisions.statesEntered.twoLevelReview.length), detail: decisions.statesEntered.twoLevelReview.join(' → ') },
  ...overdue.map((run) => ({
    figure: `overdue scan, ${run.totalLoans.toLocaleString('en')} loans`,
    value: `${run.itemsReadPerDueLoan} items read per due loan, ${(run.scanMillis / 1000).toFixed(1)} s`,
    detail: `${run.loansRead} due loans read, ${run.itemsRead} items read, ${run.writes} writes, ${run.remindersSent} reminders`,
  })),
  {
    figure: `report summary (30 days), ${report.applications.toLocaleString('en')} applications, p50 / p95`,
    value: `JSON ${report.jsonMillis.p50} / ${report.jsonMillis.p95} ms, CSV ${report.csvMillis.p50} / ${report.csvMillis.p95} ms`,
    detail: `${report.calls} calls each over HTTP on the local stack; the report counted ${report.reportedReceived} applications`,
  },
]);
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('written to bench/results.json');
