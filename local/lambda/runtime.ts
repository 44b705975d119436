// A local Lambda runtime: runs the deployed form of the functions (the bundles `cdk synth` writes into the cloud
// assembly, and CDK's own provider framework) the way AWS Lambda's Node.js runtime does. Each function has its own
// containers (worker threads, container.ts + bootstrap.mjs) with exactly its environment, credentials, timeout and
// memory; a container runs one invocation at a time and is reused warm; the first invocation of a container is its
// cold start. Asynchronous ('Event') invocations run in the background and are retried as Lambda retries them. The
// code sees only its own directory, as in /var/task: no package.json or node_modules around it (module hooks in
// bootstrap.mjs), and `@aws-sdk/*` that it does not bundle comes from runtimeModulesDir, as Lambda's runtime provides it.
//
// Known differences from AWS Lambda (see also bootstrap.mjs):
//  - Containers are threads of this process: TZ and the process-wide V8 flags cannot differ per container (TZ=:UTC is
//    in process.env, but dates follow this process's time zone: a warning is written if that is not UTC); memory is a
//    V8 heap limit (resourceLimits), not a cgroup; fs.writeSync(1, …) and child processes reach this process's stdout.
//  - No runtime API, extensions, layers, X-Ray daemon or response streaming; START/END/REPORT lines are not written.
//  - callbackWaitsForEmptyEventLoop is accepted but not acted on: a result is returned as soon as it is known, and a
//    warm container's pending timers keep running between invocations (Lambda would freeze them).
//  - An init past Lambda's 10 s is not run again inside the invocation, as Lambda does: it goes on, within the
//    function's timeout (and the time it takes there counts against it); past that the invocation times out.
//  - Asynchronous invocations: no maximum event age, no destinations; onAsyncFailure stands in for the DLQ/on-failure.

import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { BOOTSTRAP, Container, INIT_TIMEOUT_MS, RuntimeClosedError, type ContainerSpec, type InvokeOutcome } from './container';
import { assertNoReservedVariables, containerEnvironment, logStreamName, nodeOptions, traceHeader } from './environment';

export type { InvokeOutcome } from './container';
export { RuntimeClosedError } from './container';

export interface LambdaFunctionConfig {
  /** The function's physical name (AWS_LAMBDA_FUNCTION_NAME). */
  name: string;
  /** invokedFunctionArn. */
  arn: string;
  /** The unzipped code (an asset directory of the cloud assembly). */
  codeDir: string;
  /** 'index.handler', 'framework.onEvent', … (file.export, file relative to codeDir). */
  handler: string;
  /** 'nodejs24.x' etc.: we run on this process's Node, but the runtime's rules follow the version (callback handlers). */
  runtime: string;
  /** The function's own variables, as the template gives them. */
  environment: Readonly<Record<string, string>>;
  timeoutSeconds: number;
  memoryMb: number;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface LambdaRuntimeOptions {
  functions: readonly LambdaFunctionConfig[];
  /** AWS_REGION / AWS_DEFAULT_REGION. */
  region: string;
  /** Variables every container gets on top of Lambda's own (e.g. AWS_ENDPOINT_URL of the local AWS emulator). */
  extraEnvironment?: Readonly<Record<string, string>>;
  /** The local clock's offset from real time in ms (one Float64), shared with the containers: LocalClock.sharedOffset. */
  clockOffset?: SharedArrayBuffer;
  /** Each line a function writes to stdout/stderr (Lambda would send it to CloudWatch Logs). */
  onOutput?: (functionName: string, stream: 'stdout' | 'stderr', line: string) => void;
  /** The init phase's limit before the init goes on inside the invocation. Default Lambda's 10 s (tests shorten it). */
  initTimeoutMs?: number;
  /** Default 10; further invocations wait (FIFO) for a free container. */
  maxContainersPerFunction?: number;
  /** Asynchronous invocations ('Event') that fail are retried twice, as Lambda does; these are the pauses. Default [60_000, 120_000]. */
  asyncRetryDelaysMs?: readonly number[];
  onAsyncFailure?: (functionName: string, payload: unknown, outcome: InvokeOutcome) => void;
  /** Directory whose node_modules stand in for the modules the Lambda Node.js runtime provides (the AWS SDK v3, i.e.
   * `@aws-sdk/*`) to code that does not bundle them (CDK's provider framework). Default: none (such imports fail). */
  runtimeModulesDir?: string;
  /**
   * PEM certificates the containers trust besides Node's own, as Lambda trusts the certificates of the endpoints it
   * reaches (a local HTTPS stand-in, e.g. CloudFormation's response endpoint for custom resources). Default: none.
   */
  extraCaCertificates?: readonly string[];
}

export interface LambdaRuntime {
  /** By name or ARN. 'Event' resolves at once with { status: 'ok', payload: null } and runs in the background. */
  invoke(functionName: string, payload: unknown, options?: { invocationType?: 'RequestResponse' | 'Event' }): Promise<InvokeOutcome>;
  /** Resolves when no invocation (sync or async, retries included) is running or waiting. */
  idle(): Promise<void>;
  stats(): Record<string, { containers: number; busy: number; invocations: number; coldStarts: number }>;
  /** Terminates every container and cancels pending retries; invocations still running reject with RuntimeClosedError. */
  close(): Promise<void>;
}

/** Lambda's request limits: 6 MB for a synchronous invocation, 1 MB for an asynchronous one. */
const MAX_SYNC_REQUEST_BYTES = 6 * 1024 * 1024;
const MAX_ASYNC_REQUEST_BYTES = 1024 * 1024;

/** One function's containers: the idle ones as a stack (the most recently used on top), and who waits for one. */
class FunctionPool {
  readonly containers = new Set<Container>();
  private readonly idle: Container[] = [];
  private readonly waiting: Array<{ resolve: (container: Container) => void; reject: (error: Error) => void }> = [];
  invocations = 0;
  coldStarts = 0;

  constructor(
    private readonly max: number,
    private readonly start: (onDeath: (container: Container) => void) => Container,
  ) {}

  /** The most recently used idle container, else a new one if under the limit, else the next to be released. */
  acquire(): Promise<Container> {
    const container = this.idle.pop() ?? (this.containers.size < this.max ? this.create() : undefined);
    if (container) {
      container.state = 'busy';
      return Promise.resolve(container);
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  release(container: Container): void {
    if (container.state === 'dead') return; // its death already made room (see remove)
    const next = this.waiting.shift();
    if (next) next.resolve(container);
    else {
      container.state = 'idle';
      this.idle.push(container);
    }
  }

  busy(): number {
    return [...this.containers].filter((container) => container.state === 'busy').length;
  }

  /** Rejects whoever waits and kills every container. */
  async close(): Promise<void> {
    for (const waiter of this.waiting.splice(0)) waiter.reject(new RuntimeClosedError());
    await Promise.all([...this.containers].map((container) => container.kill('closing')));
  }

  private create(): Container {
    const container = this.start((dead) => this.remove(dead));
    this.containers.add(container);
    return container;
  }

  private remove(container: Container): void {
    this.containers.delete(container);
    const index = this.idle.indexOf(container);
    if (index >= 0) this.idle.splice(index, 1);
    // A dead container frees a place: the longest waiter gets a new one.
    const next = this.waiting.length > 0 && this.containers.size < this.max ? this.waiting.shift() : undefined;
    if (next) {
      const fresh = this.create();
      fresh.state = 'busy';
      next.resolve(fresh);
    }
  }
}

export function createLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const extraEnvironment = options.extraEnvironment ?? {};
  assertNoReservedVariables(extraEnvironment, 'extraEnvironment');
  const clockOffset = options.clockOffset ?? new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
  const retryDelays = options.asyncRetryDelaysMs ?? [60_000, 120_000];
  const maxContainers = options.maxContainersPerFunction ?? 10;
  const onOutput = options.onOutput ?? (() => {});
  const runtimeModulesDir = options.runtimeModulesDir ? realpathSync(options.runtimeModulesDir) : undefined;
  const hostTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const hostIsUtc = ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT'].includes(hostTimeZone) && new Date().getTimezoneOffset() === 0;

  const byName = new Map<string, LambdaFunctionConfig>();
  const pools = new Map<string, FunctionPool>();
  for (const fn of options.functions) {
    if (byName.has(fn.name)) throw new Error(`two Lambda functions are named ${fn.name}`);
    assertNoReservedVariables(fn.environment, `the environment of ${fn.name}`);
    const nodeMajor = Number(/^nodejs(\d+)/.exec(fn.runtime)?.[1]);
    if (!nodeMajor) throw new Error(`${fn.name}: runtime ${fn.runtime} is not a Node.js runtime; only those run locally`);
    byName.set(fn.name, fn);
    pools.set(fn.name, new FunctionPool(maxContainers, (onDeath) => startContainer(fn, nodeMajor, onDeath)));
  }
  // Things worth knowing that the local runtime cannot do for a function, told once in its output.
  const warned = new Set<string>();
  function warnOnce(fn: LambdaFunctionConfig, key: string, message: string): void {
    if (warned.has(`${fn.name}\0${key}`)) return;
    warned.add(`${fn.name}\0${key}`);
    onOutput(fn.name, 'stderr', `[local lambda] ${message}`);
  }

  function startContainer(fn: LambdaFunctionConfig, nodeMajor: number, onDeath: (container: Container) => void): Container {
    const codeDir = realpathSync(fn.codeDir); // the module hooks compare real paths
    const streamName = logStreamName(localNow());
    const env = containerEnvironment(
      { ...fn, functionName: fn.name, codeDir, region: options.region, extraEnvironment, runtimeDir: dirname(BOOTSTRAP) },
      streamName,
    );
    const flags = nodeOptions(env.NODE_OPTIONS);
    if (flags.notApplied.length > 0) {
      warnOnce(fn, 'NODE_OPTIONS', `NODE_OPTIONS ${flags.notApplied.join(' ')}: not applied, a worker thread cannot take ${flags.notApplied.length > 1 ? 'these flags' : 'this flag'}`);
    }
    if (!hostIsUtc) {
      warnOnce(fn, 'TZ', `TZ=:UTC is set, but dates follow this process's time zone (${hostTimeZone}); run the local stack with TZ=UTC to match Lambda`);
    }
    const spec: ContainerSpec = {
      functionName: fn.name,
      functionArn: fn.arn,
      timeoutSeconds: fn.timeoutSeconds,
      initTimeoutMs: options.initTimeoutMs ?? INIT_TIMEOUT_MS,
      env,
      maxOldGenerationSizeMb: flags.maxOldSpaceMb ?? fn.memoryMb,
      workerData: {
        codeDir,
        handler: fn.handler,
        nodeMajor,
        clockOffset,
        runtimeModulesDir,
        sourceMaps: flags.sourceMaps,
        stackTraceLimit: flags.stackTraceLimit,
        extraCaCertificates: options.extraCaCertificates ?? [],
        identity: {
          functionName: fn.name,
          memoryLimitInMB: String(fn.memoryMb),
          logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
          logStreamName: streamName,
        },
      },
    };
    return new Container(spec, (stream, line) => onOutput(fn.name, stream, line), onDeath);
  }

  function localNow(): Date {
    return new Date(Date.now() + new Float64Array(clockOffset)[0]!);
  }

  function lookUp(nameOrArn: string): LambdaFunctionConfig {
    const fn = byName.get(nameOrArn) ?? options.functions.find((candidate) => candidate.arn === nameOrArn || `${candidate.arn}:$LATEST` === nameOrArn);
    if (!fn) throw new Error(`no local Lambda function ${nameOrArn} (known: ${[...byName.keys()].join(', ') || 'none'})`);
    return fn;
  }

  // Everything running or waiting, for idle(); the pending async retry pauses, for close().
  let active = 0;
  let closed = false;
  const idleWaiters: Array<() => void> = [];
  const pauses = new Set<{ timer: NodeJS.Timeout; resume: () => void }>();

  async function track<T>(work: () => Promise<T>): Promise<T> {
    active += 1;
    try {
      return await work();
    } finally {
      active -= 1;
      // On the next turn, so that whoever awaits the invocation itself has seen its outcome when idle() resolves.
      if (active === 0) setImmediate(() => active === 0 && idleWaiters.splice(0).forEach((resolve) => resolve()));
    }
  }

  async function runOnce(fn: LambdaFunctionConfig, eventJson: string): Promise<InvokeOutcome> {
    const pool = pools.get(fn.name)!;
    pool.invocations += 1;
    const container = await pool.acquire();
    if (container.invocations === 0) pool.coldStarts += 1;
    try {
      return await container.invoke(eventJson, traceHeader(localNow()));
    } finally {
      pool.release(container);
    }
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resume) => {
      const entry = {
        timer: setTimeout(() => {
          pauses.delete(entry);
          resume();
        }, ms),
        resume,
      };
      pauses.add(entry);
    });
  }

  /** An 'Event' invocation: tried, then retried after each pause while it fails; then given up to onAsyncFailure. */
  async function runAsync(fn: LambdaFunctionConfig, payload: unknown, eventJson: string): Promise<void> {
    try {
      for (let attempt = 0; ; attempt++) {
        const outcome = await runOnce(fn, eventJson);
        if (outcome.status === 'ok') return;
        const delay = retryDelays[attempt];
        if (delay === undefined) {
          options.onAsyncFailure?.(fn.name, payload, outcome);
          return;
        }
        await pause(delay);
        if (closed) return;
      }
    } catch (error) {
      if (!(error instanceof RuntimeClosedError)) throw error;
    }
  }

  return {
    async invoke(functionName, payload, invokeOptions = {}) {
      if (closed) throw new RuntimeClosedError();
      const fn = lookUp(functionName);
      const invocationType = invokeOptions.invocationType ?? 'RequestResponse';
      // Lambda receives the payload as JSON: what cannot be serialized cannot be sent. No payload is an empty object.
      const eventJson = payload === undefined ? '{}' : JSON.stringify(payload);
      if (eventJson === undefined) throw new TypeError(`the payload for ${fn.name} is not JSON-serializable`);
      const limit = invocationType === 'Event' ? MAX_ASYNC_REQUEST_BYTES : MAX_SYNC_REQUEST_BYTES;
      if (Buffer.byteLength(eventJson) > limit) {
        throw Object.assign(new Error(`${fn.name}: request payload of ${Buffer.byteLength(eventJson)} bytes exceeds Lambda's ${limit} bytes for ${invocationType}`), { name: 'RequestEntityTooLargeException' });
      }
      if (invocationType === 'Event') {
        void track(() => runAsync(fn, payload, eventJson)).catch((error: unknown) => {
          onOutput(fn.name, 'stderr', `[local lambda] asynchronous invocation failed in the runtime itself: ${String(error)}`);
        });
        return { status: 'ok', payload: null, durationMs: 0, coldStart: false };
      }
      return track(() => runOnce(fn, eventJson));
    },

    idle() {
      return active === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },

    stats() {
      return Object.fromEntries(
        [...pools].map(([name, pool]) => [name, { containers: pool.containers.size, busy: pool.busy(), invocations: pool.invocations, coldStarts: pool.coldStarts }]),
      );
    },

    async close() {
      closed = true;
      for (const entry of pauses) {
        clearTimeout(entry.timer);
        entry.resume();
      }
      pauses.clear();
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}
