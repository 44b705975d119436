// The whole local stack in one call: DynamoDB Local with the table, the seeded products, the state machine runner, the
// outbox, the clock, the token issuer and the HTTP server. `npm start` runs it; the e2e tests run it in-process.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { AppDeps } from '../functions/shared/deps';
import type { HouseLogLevel } from '../functions/shared/logger';
import type { Role } from '../functions/shared/http';
import type { LocalClock } from './clock';
import { createLowLevelClient, createTable, killStaleDynamoDb, LOCAL_TABLE_NAME, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb';
import { readOrCreateSecret } from './files';
import { lenderTimeZone } from '../lib/context';
import type { LocalTokenIssuer } from './jwt';
import { createLocalLog } from './log';
import type { LocalOutbox } from './outbox';
import type { HealthReport } from './server';
import type { LocalWorkflow } from './workflow';
import type { DeployedForm } from './deployed';
import { bundledAssembly } from './build';

/**
 * Everything else is imported while the JVM starts: the handlers, the AWS SDK and the state machine runner take about
 * a second to load, DynamoDB Local about three to answer, and doing both at once shortens the time to ready.
 */
async function loadParts() {
  const [clock, outbox, uploads, jwt, server, wiring, workflow, routes, products, reviewerSubscriptions] = await Promise.all([
    import('./clock'),
    import('./outbox'),
    import('./uploads'),
    import('./jwt'),
    import('./server'),
    import('./wiring'),
    import('./workflow'),
    import('../functions/shared/routes'),
    import('../functions/core/applications/products'),
    import('./reviewer-subscriptions'),
  ]);
  const contracts = await import('./contracts');
  return { ...clock, ...outbox, ...uploads, ...jwt, ...server, ...wiring, ...workflow, ...routes, ...products, ...reviewerSubscriptions, ...contracts };
}

const PIPELINE_DEFINITION = resolve(import.meta.dirname, '..', 'statemachines', 'loan-pipeline.asl.json');

export interface LocalStackOptions {
  /** HTTP port; 0 picks a free one (tests). Default 3000. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (the stack has no real authentication, so it stays on this machine). */
  host?: string;
  /** Where everything is kept between runs. Default `.local-data`. */
  dataDir?: string;
  /** Wipe the data folder first. */
  fresh?: boolean;
  /** DynamoDB Local's port. Default: a free one. */
  dynamoPort?: number;
  /** Keep DynamoDB in memory (tests that need no persistence). Default false. */
  inMemoryDb?: boolean;
  /** Only errors in the output (the stack's and the handlers'). */
  quiet?: boolean;
  /** The handlers' Powertools log level, whatever `quiet` says (e.g. DEBUG in a test that reads the logs). */
  logLevel?: HouseLogLevel;
  /** The lender's time zone; default cdk.json's microloan:timeZone, the value CDK gives every function. */
  timeZone?: string;
  /** Replaces the state machine's retry intervals (tests of failure paths); default: the definition's own. */
  retryDelayMs?: number;
  /**
   * Which form of the functions runs: `bundled` (default) — the deployed form: every function's esbuild bundle from
   * the synthesized template, with its environment and role, calling AWS through the local emulator; `source` — the
   * handlers' TypeScript in this process, wired to the local adapters (faster to start while developing).
   */
  functions?: 'bundled' | 'source';
  /**
   * Variables set on every deployed function over the template's (as an operator changes a Lambda's configuration,
   * e.g. LOG_LEVEL=DEBUG to investigate); the bundled form only.
   */
  functionEnvironment?: Readonly<Record<string, string>>;
  /** PEM certificates the deployed functions trust besides Node's (a local HTTPS stand-in in a test). */
  extraCaCertificates?: readonly string[];
  /** An already running DynamoDB Local to use (tests share one); default: start one in the data folder. */
  dynamoEndpoint?: string;
  /** Default `microloan-local`; tests sharing one DynamoDB Local give each stack its own. */
  tableName?: string;
}

export interface LocalStack {
  /** `http://localhost:<port>` */
  url: string;
  port: number;
  dataDir: string;
  tableName: string;
  dynamoEndpoint: string;
  clock: LocalClock;
  outbox: LocalOutbox;
  workflow: LocalWorkflow;
  tokens: LocalTokenIssuer;
  deps: AppDeps;
  /** A bearer token, as `POST /_local/tokens` would return. */
  mintToken(sub: string, roles?: Role[]): Promise<string>;
  /** Which form of the functions runs (see LocalStackOptions.functions). */
  functions: 'bundled' | 'source';
  /** The deployed form (bundled functions, the AWS emulator and its record of calls); absent in source mode. */
  deployed: DeployedForm | undefined;
  /** Resolves when no execution is running and no upload notification is in flight. */
  idle(): Promise<void>;
  /** Stops the server, the executions and DynamoDB Local (the Java process is gone when this resolves). */
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = createLocalLog(options.quiet);
  const dataDir = resolve(options.dataDir ?? '.local-data');
  if (options.fresh) {
    killStaleDynamoDb(join(dataDir, 'dynamodb')); // before its pid file is wiped with the rest
    wipe(dataDir);
  }
  mkdirSync(dataDir, { recursive: true });
  const secretsDir = join(dataDir, 'secrets');
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  const functionsForm = options.functions ?? 'bundled';

  // The port is known once the server listens; URLs (token issuer, upload links) read it then.
  let port = options.port ?? 3000;
  const url = (): string => `http://localhost:${port}`;

  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => log.error('stopping a part of the local stack failed', error));
    }
  };

  const parts = loadParts();
  parts.catch(() => undefined); // awaited below; a failure there must not surface as an unhandled rejection first

  try {
    // The deployed form: from the cache, or bundled now (once per change of the code).
    const assembly = functionsForm === 'bundled' ? bundledAssembly({ log: (line) => log.info(line) }) : undefined;
    const dynamoStartedAt = Date.now();
    const dynamo: Pick<DynamoDbLocal, 'endpoint'> = options.dynamoEndpoint
      ? { endpoint: options.dynamoEndpoint }
      : await startDynamoDbLocal({
          ...(options.dynamoPort !== undefined ? { port: options.dynamoPort } : {}),
          inMemory: options.inMemoryDb ?? false,
          dataDir: join(dataDir, 'dynamodb'),
        }).then((started) => {
          cleanups.push(() => started.stop());
          return started;
        });
    const admin = createLowLevelClient(dynamo.endpoint);
    cleanups.push(async () => admin.destroy());
    const { created } = await createTable(admin, tableName);
    const dynamoSeconds = ((Date.now() - dynamoStartedAt) / 1000).toFixed(1);
    log.info(`DynamoDB Local on ${dynamo.endpoint} (answered in ${dynamoSeconds} s), table ${tableName} ${created ? 'created' : 'found'}`);
    const {
      LocalClock,
      LocalOutbox,
      LocalReviewerSubscriptions,
      defaultRecipients,
      LocalDocumentStorage,
      LocalUploadedFiles,
      LocalContractStore,
      LocalTokenIssuer,
      LocalWorkflow,
      createLocalServer,
      createDocumentUploadedHandler,
      createHttpHandlers,
      createLocalDeps,
      createScheduleRunners,
      createTaskHandlers,
      lateBoundWorkflow,
      localPipelineSubstitutions,
      API_ROUTES,
      DEFAULT_PRODUCTS,
    } = await parts;

    const clock = new LocalClock(join(dataDir, 'clock.json'));
    // The review topic fans out by its subscriptions' filter policies (reviewerId), as SNS does.
    const subscriptions = new LocalReviewerSubscriptions(join(dataDir, 'subscriptions.jsonl'));
    const outbox = new LocalOutbox(clock, join(dataDir, 'outbox.jsonl'), (notification) => {
      const subscribed = notification.topic === 'review' ? subscriptions.recipients(notification) : [];
      return subscribed.length > 0 ? subscribed : defaultRecipients(notification);
    });
    const documents = new LocalDocumentStorage({ secret: readOrCreateSecret(join(secretsDir, 'uploads.key')), baseUrl: url, clock });
    const contractLinks = { secret: readOrCreateSecret(join(secretsDir, 'contracts.key')), dir: join(dataDir, 'contracts'), clock };
    const contracts = new LocalContractStore({ ...contractLinks, baseUrl: url });
    const workflowPort = lateBoundWorkflow();
    const deps = createLocalDeps({
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      clock,
      notifier: outbox,
      documents,
      uploadedFiles: new LocalUploadedFiles(join(dataDir, 'uploads')),
      workflow: workflowPort,
      piiSecret: readOrCreateSecret(join(secretsDir, 'pii.key')),
      reviewLinkSecret: readOrCreateSecret(join(secretsDir, 'review-links.key')),
      // The bank signs repayment webhooks with this (e2e tests and curl read it from the data folder).
      repaymentWebhookSecret: readOrCreateSecret(join(secretsDir, 'repayment-webhook.key')),
      publicBaseUrl: url,
      subscriptions,
      contracts,
      quiet: options.quiet ?? false,
      timeZone: options.timeZone ?? lenderTimeZone(),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    });
    // The runner is built once the functions are (the deployed form needs the server's URL first).
    let workflow: LocalWorkflow | undefined;
    const journalFile = join(dataDir, 'executions.jsonl');
    const workflowOptions = { journalFile, ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}), log };

    const added = await deps.products.seed(DEFAULT_PRODUCTS);
    if (added > 0) log.info(`seeded ${added} default products`);
    const { DEFAULT_POLICY } = await import('../functions/core/decisioning/policy');
    if (await deps.policies.seed(DEFAULT_POLICY)) log.info(`seeded the default decision policy (version ${DEFAULT_POLICY.version})`);

    const tokens = new LocalTokenIssuer({ secretFile: join(secretsDir, 'jwt.key'), issuer: () => `${url()}/_local` });
    const documentUploaded = createDocumentUploadedHandler(deps);
    const notifications = new Set<Promise<void>>();

    let listening = false;
    const health = async (): Promise<HealthReport> => {
      // The ASL was rendered and validated when the workflow was built (the stack does not start otherwise); the
      // runner is 'ok' while it accepts executions. DynamoDB is asked every time.
      const report: Record<string, string> = {
        dynamodb: 'ok',
        stateMachine: workflow?.accepting ? 'ok' : workflow ? 'stopped' : 'starting',
        api: listening ? 'ok' : 'not listening',
      };
      try {
        await admin.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: AbortSignal.timeout(1500) });
      } catch (error) {
        report.dynamodb = `unavailable: ${error instanceof Error ? error.message : String(error)}`;
      }
      return { ok: Object.values(report).every((part) => part === 'ok'), parts: report };
    };

    // Filled below, once the functions of the chosen form exist.
    const httpHandlers = {} as ReturnType<typeof createHttpHandlers>;
    const schedules = new Map<string, () => Promise<unknown>>();
    const server = createLocalServer({
      routes: API_ROUTES,
      httpHandlers,
      tokens,
      outbox,
      clock,
      schedules,
      health,
      executions: () => workflow?.executions() ?? [],
      uploads: {
        secret: readOrCreateSecret(join(secretsDir, 'uploads.key')),
        uploadsDir: join(dataDir, 'uploads'),
        clock,
        log,
        onUploaded: documentUploaded,
        track: (work) => {
          notifications.add(work);
          void work.finally(() => notifications.delete(work));
        },
      },
      contracts: contractLinks,
      timeZone: deps.settings.timeZone,
      log,
    });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use; choose another with --port`) : error);
      });
      server.listen(port, options.host ?? '127.0.0.1', () => resolveListen());
    });
    listening = true;
    port = (server.address() as AddressInfo).port;
    // Stopped in reverse order: the server first (no request reaches a half-stopped stack), then upload
    // notifications in flight, the executions, and DynamoDB Local last.
    cleanups.push(async () => {
      while (notifications.size > 0) await Promise.all([...notifications]);
    });
    cleanups.push(
      () =>
        new Promise<void>((resolveClose) => {
          listening = false;
          server.close(() => resolveClose());
          server.closeIdleConnections();
          // Requests still running get a moment to finish before their sockets are cut.
          setTimeout(() => server.closeAllConnections(), 2000).unref();
        }),
    );

    let deployed: DeployedForm | undefined;
    if (assembly) {
      const { startDeployedForm } = await import('./deployed');
      deployed = await startDeployedForm({
        assembly,
        apiUrl: `${url()}/`,
        dynamoEndpoint: dynamo.endpoint,
        tableName,
        dataDir,
        clock,
        workflow: () => workflow!,
        outbox,
        subscriptions,
        secrets: { pii: readOrCreateSecret(join(secretsDir, 'pii.key')), reviewLinks: readOrCreateSecret(join(secretsDir, 'review-links.key')), repaymentWebhook: readOrCreateSecret(join(secretsDir, 'repayment-webhook.key')) },
        onOutput: functionOutput(options),
        ...(options.functionEnvironment ? { functionEnvironment: options.functionEnvironment } : {}),
        ...(options.extraCaCertificates ? { extraCaCertificates: options.extraCaCertificates } : {}),
        ...(options.retryDelayMs !== undefined ? { asyncRetryDelaysMs: [options.retryDelayMs, options.retryDelayMs] } : {}),
        log,
      });
      const form = deployed;
      cleanups.push(() => form.close());
      Object.assign(httpHandlers, deployed.httpHandlers);
      for (const [name, run] of deployed.schedules) schedules.set(name, run);
      workflow = new LocalWorkflow({
        definitionFile: deployed.stateMachine.definitionFile,
        handlers: deployed.taskHandlers,
        substitutions: deployed.stateMachine.substitutions,
        functionArns: deployed.stateMachine.functionArns,
        ...workflowOptions,
      });
    } else {
      Object.assign(httpHandlers, createHttpHandlers(deps));
      for (const [name, run] of createScheduleRunners(deps)) schedules.set(name, run);
      const taskHandlers = createTaskHandlers(deps);
      workflow = new LocalWorkflow({ definitionFile: PIPELINE_DEFINITION, handlers: taskHandlers, substitutions: localPipelineSubstitutions(taskHandlers), ...workflowOptions });
    }
    workflowPort.bind(workflow);
    const runner = workflow;
    cleanups.push(() => runner.close());
    log.info(`functions: ${assembly ? `the deployed form (bundles of ${assembly.hash})` : 'from source'}`);

    const resumed = workflow.resumeInterrupted();
    if (resumed.length > 0) log.info(`resumed ${resumed.length} interrupted execution(s)`);

    let stopping: Promise<void> | undefined;
    return {
      url: url(),
      port,
      dataDir,
      tableName,
      dynamoEndpoint: dynamo.endpoint,
      clock,
      outbox,
      workflow,
      tokens,
      deps,
      functions: functionsForm,
      deployed,
      mintToken: async (sub, roles) => (await tokens.mint({ sub, ...(roles ? { roles } : {}) })).token,
      idle: async () => {
        // Loop: finishing one kind of work (an upload notification, an execution) may start the other.
        do {
          await Promise.all([...notifications]);
          await runner.whenIdle();
          await deployed?.idle();
        } while (notifications.size > 0);
      },
      stop: () => (stopping ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** `--fresh`: deletes the data folder, refusing folders that are obviously not one (/, home, the working directory). */
function wipe(dataDir: string): void {
  const cwd = process.cwd();
  const forbidden = [resolve('/'), homedir(), cwd];
  if (forbidden.includes(dataDir) || (cwd + sep).startsWith(dataDir + sep)) {
    throw new Error(`refusing to wipe ${dataDir}: choose a dedicated data folder`);
  }
  if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Where the functions' own lines go: to this process's output, as CloudWatch Logs would keep them. Quiet keeps only
 * errors (Powertools' JSON `level`, or anything on stderr); `logLevel` sets the lowest level shown. EMF metric lines
 * (CloudWatch would turn them into metrics) are not shown.
 */
function functionOutput(options: LocalStackOptions): (handler: string, stream: 'stdout' | 'stderr', line: string) => void {
  const order = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
  const lowest = options.logLevel && options.logLevel !== 'SILENT' ? order.indexOf(options.logLevel) : options.quiet ? order.indexOf('ERROR') : order.indexOf('INFO');
  return (handler, stream, line) => {
    if (options.logLevel === 'SILENT') return;
    let level = stream === 'stderr' ? 'ERROR' : 'INFO';
    if (line.startsWith('{')) {
      try {
        const parsed = JSON.parse(line) as { level?: unknown; _aws?: unknown };
        if (parsed._aws !== undefined) return;
        if (typeof parsed.level === 'string') level = parsed.level.toUpperCase();
      } catch {
        // not JSON: shown as it is
      }
    }
    if (order.indexOf(level) < lowest) return;
    (level === 'ERROR' ? process.stderr : process.stdout).write(`${line}\n`);
  };
}

