// One local Lambda container: a worker thread running bootstrap.mjs for one function, the parent's side of it. It runs
// one invocation at a time; the first one is its cold start (the init phase, importing the handler, comes first). A
// container that times out, crashes or fails to init is dead: the pool (runtime.ts) starts a new one next time.

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));

/** Lambda's init phase limit. */
export const INIT_TIMEOUT_MS = 10_000;
/** Lambda's limit on a synchronous response (the number its error message gives). */
export const MAX_RESPONSE_BYTES = 6_291_556;

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type InvokeOutcome =
  | { status: 'ok'; payload: unknown; durationMs: number; coldStart: boolean }
  | ({ status: 'error'; kind: 'handled' | 'timeout' | 'crash' | 'init'; durationMs: number; coldStart: boolean } & LambdaError);

/** The messages bootstrap.mjs sends (see its header). */
type FromContainer =
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'ready' }
  | { type: 'init-error'; error: LambdaError }
  | { type: 'result'; requestId: string; payloadJson?: string; error?: LambdaError }
  | { type: 'crash'; error: LambdaError };

/** What ends a phase (init or one invocation). */
type LifecycleEvent =
  | Exclude<FromContainer, { type: 'output' }>
  | { type: 'exit'; code: number }
  | { type: 'worker-error'; error: Error };

export interface ContainerSpec {
  functionName: string;
  functionArn: string;
  timeoutSeconds: number;
  /** The init phase's own limit (Lambda's 10 s). */
  initTimeoutMs: number;
  /** The worker's whole process.env. */
  env: Record<string, string>;
  workerData: Record<string, unknown>;
  maxOldGenerationSizeMb: number;
}

/** Thrown by invoke() when the runtime was closed while the invocation ran. */
export class RuntimeClosedError extends Error {
  override readonly name = 'RuntimeClosedError';
  constructor() {
    super('the local Lambda runtime was closed');
  }
}

export class Container {
  state: 'idle' | 'busy' | 'dead' = 'idle';
  invocations = 0;
  private worker: Worker | undefined;
  private startError: LambdaError | undefined;
  private initialized = false;
  private closing = false;
  private readonly events: LifecycleEvent[] = [];
  private waiter: ((event: LifecycleEvent) => void) | undefined;
  private readonly partialLines = { stdout: '', stderr: '' };
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: ContainerSpec,
    private readonly onOutput: (stream: 'stdout' | 'stderr', line: string) => void,
    private readonly onDeath: (container: Container) => void,
  ) {
    try {
      this.worker = new Worker(BOOTSTRAP, {
        workerData: spec.workerData,
        env: spec.env, // exactly this: nothing of the parent's environment
        execArgv: [], // nor its command-line flags (jest's, tsx's loader): Lambda starts a plain node
        stdout: true, // our stdout/stderr are not the container's; bootstrap.mjs sends its output as messages
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: spec.maxOldGenerationSizeMb },
        name: `lambda:${spec.functionName}`,
      });
    } catch (error) {
      // E.g. ERR_WORKER_INVALID_EXEC_ARGV for a NODE_OPTIONS flag Node refuses: node would not start in Lambda either.
      this.startError = { errorType: 'Runtime.ExitError', errorMessage: `Error: Runtime exited with error: ${String(error)}`, trace: [] };
      return;
    }
    const worker = this.worker;
    worker.unref(); // an idle container does not keep the process alive; a running invocation's timer does
    worker.on('message', (message: FromContainer) => {
      if (message.type === 'output') return this.write(message.stream, message.text);
      // An uncaught error between invocations: the container is exiting, so no invocation may be given to it.
      if (message.type === 'crash' && this.state === 'idle') this.die();
      this.push(message);
    });
    worker.on('error', (error) => this.push({ type: 'worker-error', error }));
    // Anything written past bootstrap.mjs's stream hooks (there should be nothing) still reaches onOutput.
    worker.stdout.on('data', (chunk: Buffer) => this.write('stdout', chunk.toString('utf8')));
    worker.stderr.on('data', (chunk: Buffer) => this.write('stderr', chunk.toString('utf8')));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        for (const stream of ['stdout', 'stderr'] as const) if (this.partialLines[stream]) this.write(stream, '\n');
        this.push({ type: 'exit', code });
        this.die();
        resolve();
      }),
    );
  }

  /** Runs one invocation: the init phase first if this is the container's first one. */
  async invoke(eventJson: string, traceId: string): Promise<InvokeOutcome> {
    const coldStart = this.invocations === 0;
    this.invocations += 1;
    const requestId = randomUUID();

    // An init that outlasted its 10 s goes on inside the invocation, and what it took there counts against the timeout.
    let initInsideInvocationMs = 0;
    if (!this.initialized) {
      const started = performance.now();
      const failure = this.startError ? { kind: 'init' as const, ...this.startError } : await this.init(requestId);
      if (failure) {
        await this.kill();
        return { status: 'error', ...failure, durationMs: elapsed(started), coldStart };
      }
      initInsideInvocationMs = Math.max(0, elapsed(started) - this.spec.initTimeoutMs);
    }

    const started = performance.now();
    const timeoutMs = Math.max(1, this.spec.timeoutSeconds * 1000 - initInsideInvocationMs);
    this.worker!.postMessage({ type: 'invoke', requestId, eventJson, timeoutMs, traceId, invokedFunctionArn: this.spec.functionArn });
    const event = await this.nextEvent(timeoutMs);
    const durationMs = elapsed(started);
    if (this.closing) throw new RuntimeClosedError();

    if (event === 'timeout') {
      await this.kill(); // Lambda stops the whole sandbox; the next invocation gets a new (cold) one
      const seconds = this.spec.timeoutSeconds.toFixed(2);
      return { status: 'error', kind: 'timeout', errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`, trace: [], durationMs, coldStart };
    }
    if (event.type === 'result') {
      if (event.error) return { status: 'error', kind: 'handled', ...event.error, durationMs, coldStart };
      const payloadJson = event.payloadJson ?? 'null';
      if (Buffer.byteLength(payloadJson) > MAX_RESPONSE_BYTES) {
        const errorMessage = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`;
        return { status: 'error', kind: 'handled', errorType: 'Function.ResponseSizeTooLarge', errorMessage, trace: [], durationMs, coldStart };
      }
      return { status: 'ok', payload: JSON.parse(payloadJson) as unknown, durationMs, coldStart };
    }
    await this.kill();
    return { status: 'error', kind: 'crash', ...this.deathError(event, requestId), durationMs, coldStart };
  }

  /** Stops the worker (a no-op once dead). */
  async kill(reason?: 'closing'): Promise<void> {
    if (reason === 'closing') this.closing = true;
    this.die();
    if (this.worker) {
      await this.worker.terminate();
      await this.exited;
    }
  }

  /** Marks the container dead and tells the pool, once. */
  private die(): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    this.onDeath(this);
  }

  /**
   * Waits for the end of the init phase; undefined if the handler is ready, else why not. Lambda does not fail an
   * init that outlasts its 10 s: it runs the init again inside the invocation, within the function's timeout (a
   * "suppressed init"). Here the same init simply goes on, within the function's timeout; only past that does the
   * invocation time out — so a slow, busy machine makes a cold start slow, not an error.
   */
  private async init(requestId: string): Promise<({ kind: 'init' | 'timeout' } & LambdaError) | undefined> {
    let event = await this.nextEvent(this.spec.initTimeoutMs);
    if (this.closing) throw new RuntimeClosedError();
    if (event === 'timeout') {
      event = await this.nextEvent(this.spec.timeoutSeconds * 1000);
      if (this.closing) throw new RuntimeClosedError();
    }
    if (event === 'timeout') {
      const seconds = this.spec.timeoutSeconds.toFixed(2);
      return { kind: 'timeout', errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`, trace: [] };
    }
    if (event.type === 'ready') {
      this.initialized = true;
      return undefined;
    }
    return { kind: 'init', ...(event.type === 'init-error' ? event.error : this.deathError(event, requestId)) };
  }

  /** Lambda's error for a container that died (or reported an uncaught error) instead of answering. */
  private deathError(event: LifecycleEvent, requestId: string): LambdaError {
    if (event.type === 'crash') return event.error;
    if (event.type === 'worker-error') {
      const outOfMemory = (event.error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (outOfMemory) return { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`, trace: [] };
      return { errorType: event.error.name, errorMessage: event.error.message, trace: event.error.stack?.split('\n') ?? [] };
    }
    const code = event.type === 'exit' ? event.code : 0;
    return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`, trace: [] };
  }

  /** The next lifecycle event, or 'timeout' after `ms`; the pending timer keeps the process alive meanwhile. */
  private nextEvent(ms: number): Promise<LifecycleEvent | 'timeout'> {
    const queued = this.events.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve('timeout');
      }, ms);
      this.waiter = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
    });
  }

  private push(event: LifecycleEvent): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(event);
    else this.events.push(event);
  }

  /** Splits what the function writes into lines (a partial line waits for its end, or for the container's). */
  private write(stream: 'stdout' | 'stderr', text: string): void {
    const lines = (this.partialLines[stream] + text).split('\n');
    this.partialLines[stream] = lines.pop() ?? '';
    for (const line of lines) this.onOutput(stream, line);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
