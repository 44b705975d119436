// The restart drill, as a new user would try it: `npm start` in its own process group, applications of every kind
// in flight (automatic approvals and declines, one- and two-level reviews decided through the e-mailed links,
// contracts accepted, payouts with a flaky bank, withdrawals, a flaky bureau), then the whole group killed — SIGKILL,
// or SIGINT as Ctrl-C sends it — and `npm start` again on the same data folder while the drive goes on. After the
// settling time it checks what a lender cares about: no application left waiting on a step that will never come,
// every decided applicant told, every accepted contract paid out exactly once, no loan on an application that is not
// DISBURSED.
//
// CLI: `npm run drill:restart -- [--applications 100] [--signal SIGKILL|SIGINT] [--settle-seconds 60] [--kinds auto,flakyBank]`

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { sandboxIdentity } from '../functions/adapters/bureau/sandbox-bureau';
import { sandboxAccount } from '../functions/adapters/core-banking/sandbox-core-banking';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_TABLE_NAME } from '../local/dynamodb';
import { BAND_D_PROFILE, uniqueIdentity, validApplication } from '../test/support/applications';

const REPO_ROOT = resolve(import.meta.dirname, '..');

export interface DrillOptions {
  applications: number;
  /** The kind of each application, instead of the default mix (kindOf). */
  kinds?: readonly DrillKind[];
  signal: 'SIGKILL' | 'SIGINT';
  /** How long the restarted stack is left alone, after the drive, before the checks. */
  settleMs: number;
  /** The longest the drive goes on after the restart, waiting for every application to move past review and offer. Default 120 s. */
  maxDriveMs?: number;
  port?: number;
  dynamoPort?: number;
  log?: (line: string) => void;
}

export interface DrillReport {
  signal: DrillOptions['signal'];
  applications: number;
  /** Status counts just before the kill, and at the end. */
  beforeKill: Record<string, number>;
  after: Record<string, number>;
  /** Executions the restarted stack continued. */
  executionsContinued: number;
  /** Applications in a status that waits on nothing that will come (SUBMITTED, ASSESSING, ACCEPTED; APPROVED or PENDING_REVIEW with no execution waiting). */
  stuck: string[];
  /** Decided applications without their notice. */
  untold: string[];
  /** Accepted contracts paid out other than exactly once. */
  notPaidOnce: { applicationId: string; transfers: number; status: string }[];
  /** Loans whose application is not DISBURSED. */
  loansWithoutDisbursal: string[];
  /** Applications that ended FAILED, with their kind and the recorded failure. */
  failed: string[];
  /** Review decisions the pipeline never took (the application still waits on that review). */
  decisionsLost: string[];
  /** Requests that found the stack down (the drive retried them). */
  refusedWhileDown: number;
  killedAfterMs: number;
  restartedInMs: number;
}

export type DrillKind = 'auto' | 'review1' | 'review2' | 'declined' | 'withdraw' | 'flakyBank' | 'flakyBureau' | 'neverAccept';
type Kind = DrillKind;

/** The mix of a hundred: mostly automatic approvals, a fifth reviewed, some declined, withdrawn or flaky. */
function kindOf(index: number): Kind {
  const slot = index % 20;
  if (slot < 9) return 'auto';
  if (slot < 11) return 'flakyBank';
  if (slot < 13) return 'review1';
  if (slot < 15) return 'review2';
  if (slot < 17) return 'declined';
  if (slot < 18) return 'withdraw';
  // The flaky bureau's test identity is one person: one such application at a time.
  if (slot < 19) return index === 18 ? 'flakyBureau' : 'auto';
  return 'neverAccept';
}

export async function runRestartDrill(options: DrillOptions): Promise<DrillReport> {
  const log = options.log ?? (() => undefined);
  const port = options.port ?? 3300 + Math.floor(Math.random() * 500);
  const dynamoPort = options.dynamoPort ?? port + 1000;
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-drill-'));
  const base = `http://localhost:${port}`;
  const doc = createDocumentClient({ endpoint: `http://127.0.0.1:${dynamoPort}`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  let refusedWhileDown = 0;

  const start = async (fresh: boolean): Promise<ChildProcess> => {
    const started = Date.now();
    // As a user runs it: npm start, in its own process group (what a terminal's Ctrl-C and a kill of the group reach).
    const child = spawn('npm', ['start', '--', ...(fresh ? ['--fresh'] : []), '--quiet', '--port', String(port), '--dynamo-port', String(dynamoPort), '--data-dir', dataDir], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output.slice(-4000)}`);
      try {
        if ((await fetch(`${base}/_local/health`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() - started > 180_000) throw new Error(`npm start was not ready after 180 s:\n${output.slice(-4000)}`);
      await sleep(200);
    }
    log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return child;
  };

  /** A request that, while the stack is down, waits and tries again (as an app would), counting the refusals. */
  const request = async (method: string, path: string, init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; json: any }> => {
    for (;;) {
      try {
        const response = await fetch(path.startsWith('http') ? path : `${base}${path}`, {
          method,
          headers: {
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
            accept: 'application/json',
            ...init.headers,
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        });
        const text = await response.text();
        if (response.status === 503 || response.status === 502) throw new Error(`unavailable ${response.status}`);
        return { status: response.status, json: text ? JSON.parse(text) : undefined };
      } catch {
        refusedWhileDown += 1;
        await sleep(250);
      }
    }
  };
  const token = async (sub: string, roles: string[] = ['applicant']) => (await request('POST', '/_local/tokens', { body: { sub, roles } })).json.token as string;

  let child = await start(true);
  try {
    return await driveKillAndCheck();
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGINT');
      await new Promise((resolveExit) => child.once('exit', resolveExit));
    }
    doc.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }

  async function driveKillAndCheck(): Promise<DrillReport> {
  const admin = await token('drill-admin', ['admin']);
  const ops = await token('drill-ops', ['ops']);
  const reviewerEmails: string[] = [];
  for (const [name, level] of [['Ada', 1], ['Bo', 1], ['Cy', 1], ['Di', 2], ['Ed', 2]] as const) {
    const email = `${name.toLowerCase()}.${Date.now()}@lender.example`;
    reviewerEmails.push(email);
    const added = await request('POST', '/v1/reviewers', { token: admin, body: { email, name, level, language: 'en' } });
    if (added.status !== 201) throw new Error(`could not add reviewer ${name}: ${added.status}`);
  }

  // Submit them all, as fast as the stack takes them.
  const apps: { id: string; kind: Kind; token: string }[] = [];
  for (let i = 0; i < options.applications; i += 1) {
    const kind = options.kinds?.[i % options.kinds.length] ?? kindOf(i);
    const sub = `drill-${i}`;
    const applicantToken = await token(sub);
    const account = kind === 'flakyBank' ? sandboxAccount('transient_failure').accountNumber : '6222021234567890123';
    const overrides: Record<string, unknown> = {
      disbursementAccount: { bankName: 'Sandbox Bank', accountNumber: account, holderName: 'Li Wei' },
      ...(kind === 'review1' ? { loan: { amount: { amount: '30000.00', currency: 'CNY' }, termMonths: 12, purpose: 'electronics' } } : {}),
      ...(kind === 'review2' ? { loan: { amount: { amount: '80000.00', currency: 'CNY' }, termMonths: 24, purpose: 'electronics' } } : {}),
      ...(kind === 'declined' ? BAND_D_PROFILE : {}),
    };
    const identity = kind === 'flakyBureau' ? sandboxIdentity('transient_failure') : kind === 'declined' ? uniqueIdentity('2004-05-01') : uniqueIdentity();
    const submitted = await request('POST', '/v1/applications', { token: applicantToken, body: validApplication(overrides, identity), headers: { 'idempotency-key': `drill-${i}-${Date.now()}` } });
    if (submitted.status !== 202) throw new Error(`submission ${i} answered ${submitted.status}: ${JSON.stringify(submitted.json)}`);
    apps.push({ id: submitted.json.applicationId, kind, token: applicantToken });
  }
  log(`${apps.length} applications submitted`);
  const kindById = new Map(apps.map((app) => [app.id, app.kind]));
  const meansToBorrow = (applicationId: string) => kindById.has(applicationId) && kindById.get(applicationId) !== 'neverAccept';

  // The drive: what applicants and reviewers do, over and over — accept offers, decide reviews from the e-mails.
  const decidedLinks = new Set<string>();
  const withdrawn = new Set<string>();
  const lostCandidates = new Map<string, string>(); // reviewId → applicationId of decisions answered 'gone'
  let driving = true;
  const drive = async () => {
    while (driving) {
      for (const app of apps) {
        if (!driving) break;
        const read = await request('GET', `/v1/applications/${app.id}`, { token: app.token });
        const view = read.json;
        if (app.kind === 'withdraw' && !withdrawn.has(app.id) && ['SUBMITTED', 'ASSESSING', 'APPROVED', 'PENDING_REVIEW'].includes(view.status)) {
          await request('POST', `/v1/applications/${app.id}/withdraw`, { token: app.token });
          withdrawn.add(app.id);
        } else if (view.awaiting === 'documents' && view.documents?.missing?.length > 0) {
          // Routed to review: the applicant uploads the product's checklist (proof_of_income) through a signed URL.
          for (const kind of view.documents.missing as string[]) {
            const file = Buffer.from(`%PDF-1.4\n% ${kind}\n`);
            const asked = await request('POST', `/v1/applications/${app.id}/documents`, { token: app.token, body: { kind, contentType: 'application/pdf', sizeBytes: file.length } });
            if (asked.status === 201) await fetch(asked.json.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: file }).catch(() => undefined);
          }
        } else if (view.status === 'APPROVED' && view.offer?.contract && app.kind !== 'neverAccept' && app.kind !== 'withdraw') {
          await request('POST', `/v1/applications/${app.id}/contract/accept`, { token: app.token, body: { contractSha256: view.offer.contract.sha256 } });
        }
      }
      const outbox = (await request('GET', '/_local/outbox')).json as { to: string; body: string }[];
      for (const message of outbox) {
        if (!reviewerEmails.includes(message.to)) continue;
        const link = /https?:\/\/\S+\/v1\/reviews\/[^\s"<]+/.exec(message.body)?.[0];
        if (!link || decidedLinks.has(link)) continue;
        decidedLinks.add(link);
        const url = new URL(link);
        url.pathname = `${url.pathname}/decision`;
        const decided = await request('POST', url.toString(), { body: { decision: 'APPROVE', comment: 'checked' } });
        if (decided.json?.delivery === 'gone') lostCandidates.set(String(decided.json.reviewId), String(decided.json.applicationId));
      }
      await sleep(300);
    }
  };
  const driving$ = drive();

  // Let work get under way, then kill the whole group in the middle of it.
  const killedAfterMs = 1500;
  await sleep(killedAfterMs);
  const beforeKill = await statusCounts(doc);
  log(`killing the stack with ${options.signal}: ${JSON.stringify(beforeKill)}`);
  process.kill(-child.pid!, options.signal);
  await new Promise((resolveExit) => (child.exitCode !== null || child.signalCode !== null ? resolveExit(undefined) : child.once('exit', resolveExit)));
  // Ctrl-C lets the stack stop itself; wait for its JVM too, as a user would see the prompt come back.
  await waitForPortFree(port);
  const restartedAt = Date.now();
  child = await start(false);
  const restartedInMs = Date.now() - restartedAt;
  const executionsContinued = ((await request('GET', '/_local/executions')).json.items as unknown[]).length;

  // Drive until every application of an applicant who means to borrow has ended (paid out, declined, withdrawn) — at
  // most maxDriveMs —, then leave the stack alone for the settling time; what is not done by then waits on something
  // that will never come.
  const driveUntil = Date.now() + (options.maxDriveMs ?? 120_000);
  while (Date.now() < driveUntil) {
    const statuses = countBy((await scanAll(doc)).filter((item) => item.type === 'application' && meansToBorrow(String(item.applicationId))).map((item) => String(item.status)));
    if (['SUBMITTED', 'ASSESSING', 'PENDING_REVIEW', 'APPROVED', 'ACCEPTED'].every((status) => (statuses[status] ?? 0) === 0)) break;
    await sleep(1000);
  }
  driving = false;
  await driving$;
  await sleep(options.settleMs);

  // The checks.
  const items = await scanAll(doc);
  const applications = items.filter((item) => item.type === 'application') as { applicationId: string; status: string; offer?: unknown; acceptance?: unknown; notified?: string[]; pipelineExecution?: string; failure?: unknown }[];
  const executions = (await request('GET', '/_local/executions')).json.items as { name: string; status: string; currentState: string | null; waitingForTaskToken: boolean }[];
  const executionByName = new Map(executions.map((e) => [e.name, e]));
  const executionOf = (a: (typeof applications)[number]) => executionByName.get(a.pipelineExecution ?? a.applicationId);
  const reviews = items.filter((item) => item.type === 'review') as { applicationId: string; reviewId: string; status: string }[];
  const transfers = items.filter((item) => item.type === 'sandbox-transfer') as { idempotencyKey: string }[];
  const loans = items.filter((item) => item.type === 'loan') as { loanId: string; applicationId: string }[];
  const byId = new Map(applications.map((a) => [a.applicationId, a]));

  const stuck = applications
    .filter((a) => {
      if (['SUBMITTED', 'ASSESSING', 'ACCEPTED'].includes(a.status)) return true;
      const execution = executionOf(a);
      if (a.status === 'APPROVED' || a.status === 'PENDING_REVIEW') return !(execution?.status === 'RUNNING' && execution.waitingForTaskToken);
      return false;
    })
    .map((a) => {
      const execution = executionOf(a);
      return `${a.applicationId} ${a.status} (${kindById.get(a.applicationId)}; execution ${execution ? `${execution.status} in ${execution.currentState}` : 'unknown here'})`;
    });
  const notices: Record<string, string[]> = { APPROVED: ['approved'], DECLINED: ['declined'], DISBURSED: ['approved', 'disbursed'], EXPIRED: [] };
  const untold = applications.filter((a) => (notices[a.status] ?? []).some((kind) => !(a.notified ?? []).includes(kind))).map((a) => `${a.applicationId} ${a.status}`);
  const notPaidOnce = applications
    .filter((a) => a.acceptance)
    .map((a) => ({ applicationId: a.applicationId, transfers: transfers.filter((t) => t.idempotencyKey === `LN${a.applicationId}`).length, status: a.status }))
    .filter((a) => a.transfers !== 1 || a.status !== 'DISBURSED');
  const loansWithoutDisbursal = loans.filter((loan) => byId.get(loan.applicationId)?.status !== 'DISBURSED').map((loan) => loan.loanId);
  const decisionsLost = [...lostCandidates].filter(([reviewId, applicationId]) => {
    const application = byId.get(applicationId);
    const review = reviews.find((r) => r.reviewId === reviewId);
    return application?.status === 'PENDING_REVIEW' && review?.status === 'DECIDED' && !reviews.some((r) => r.applicationId === applicationId && r.status === 'PENDING');
  }).map(([reviewId]) => reviewId);

  const report: DrillReport = {
    signal: options.signal,
    applications: apps.length,
    beforeKill,
    after: countBy(applications.map((a) => a.status)),
    executionsContinued,
    stuck,
    untold,
    notPaidOnce,
    loansWithoutDisbursal,
    decisionsLost,
    failed: applications.filter((a) => a.status === 'FAILED').map((a) => `${a.applicationId} (${kindById.get(a.applicationId)}): ${JSON.stringify(a.failure)}`),
    refusedWhileDown,
    killedAfterMs,
    restartedInMs,
  };
  return report;
  }
}

async function scanAll(doc: ReturnType<typeof createDocumentClient>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: LOCAL_TABLE_NAME, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function statusCounts(doc: ReturnType<typeof createDocumentClient>): Promise<Record<string, number>> {
  return countBy((await scanAll(doc)).filter((item) => item.type === 'application').map((item) => String(item.status)));
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

async function waitForPortFree(port: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    try {
      await fetch(`http://localhost:${port}/_local/health`);
    } catch {
      return;
    }
    await sleep(100);
  }
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: { applications: { type: 'string', default: '100' }, signal: { type: 'string', default: 'SIGKILL' }, 'settle-seconds': { type: 'string', default: '60' }, kinds: { type: 'string' } },
    strict: true,
  });
  const signal = values.signal === 'SIGINT' ? 'SIGINT' : 'SIGKILL';
  const report = await runRestartDrill({
    applications: Number(values.applications),
    signal,
    settleMs: Number(values['settle-seconds']) * 1000,
    ...(values.kinds ? { kinds: values.kinds.split(',') as DrillKind[] } : {}),
    log: (line) => console.error(`[drill] ${line}`),
  });
  console.log(JSON.stringify(report, null, 2));
}
