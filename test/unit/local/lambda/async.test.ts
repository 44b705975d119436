// Asynchronous ('Event') invocations, their retries, idle() and close().

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { createLambdaRuntime, RuntimeClosedError, type InvokeOutcome } from '../../../../local/lambda/runtime';
import { JEST_TIMEOUT_MS, REGION, bundleFixture, functionConfig, makeTempDir, removeTempDir } from './support';

jest.setTimeout(JEST_TIMEOUT_MS);

let tempDir: string;
let probeDir: string;
let counter = 0;
/** A fresh file for the flaky fixture to count its attempts in. */
const counterFile = () => join(tempDir, `attempts-${++counter}`);
const attempts = (file: string) => (existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0);

beforeAll(async () => {
  tempDir = makeTempDir();
  probeDir = await bundleFixture('probe', tempDir);
});

afterAll(() => removeTempDir(tempDir));

function runtimeWith(options: { retryDelays?: number[]; failures?: Array<{ fn: string; payload: unknown; outcome: InvokeOutcome }> } = {}) {
  return createLambdaRuntime({
    functions: [functionConfig('worker', probeDir)],
    region: REGION,
    asyncRetryDelaysMs: options.retryDelays ?? [10, 10],
    onAsyncFailure: (fn, payload, outcome) => options.failures?.push({ fn, payload, outcome }),
  });
}

describe('asynchronous invocations', () => {
  it('answer at once and run in the background; idle() waits for them', async () => {
    const runtime = runtimeWith();
    try {
      const file = counterFile();
      const accepted = await runtime.invoke('worker', { action: 'flaky', counterFile: file, failures: 0 }, { invocationType: 'Event' });
      expect(accepted).toEqual({ status: 'ok', payload: null, durationMs: 0, coldStart: false });
      await runtime.idle();
      expect(attempts(file)).toBe(1);
      expect(runtime.stats().worker).toMatchObject({ invocations: 1, busy: 0 });
    } finally {
      await runtime.close();
    }
  });

  it('are retried after a failure, and succeed when a retry does', async () => {
    const failures: Array<{ fn: string; payload: unknown; outcome: InvokeOutcome }> = [];
    const runtime = runtimeWith({ failures });
    try {
      const file = counterFile();
      await runtime.invoke('worker', { action: 'flaky', counterFile: file, failures: 2 }, { invocationType: 'Event' });
      await runtime.idle();
      expect(attempts(file)).toBe(3);
      expect(failures).toEqual([]);
      // The retries found the warm container.
      expect(runtime.stats().worker).toEqual({ containers: 1, busy: 0, invocations: 3, coldStarts: 1 });
    } finally {
      await runtime.close();
    }
  });

  it('are given up after two retries, and reported with the payload and the last outcome', async () => {
    const failures: Array<{ fn: string; payload: unknown; outcome: InvokeOutcome }> = [];
    const runtime = runtimeWith({ failures });
    try {
      const file = counterFile();
      const payload = { action: 'flaky', counterFile: file, failures: 10 };
      await runtime.invoke('worker', payload, { invocationType: 'Event' });
      await runtime.idle();
      expect(attempts(file)).toBe(3);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ fn: 'worker', payload, outcome: { status: 'error', kind: 'handled', errorType: 'DeclinedError', errorMessage: 'attempt 3 fails' } });
    } finally {
      await runtime.close();
    }
  });

  it('are retried after a crash too, in a new container', async () => {
    const failures: Array<{ fn: string; payload: unknown; outcome: InvokeOutcome }> = [];
    const runtime = runtimeWith({ failures, retryDelays: [5] });
    try {
      await runtime.invoke('worker', { action: 'exit', code: 1 }, { invocationType: 'Event' });
      await runtime.idle();
      expect(failures.map((failure) => failure.outcome)).toMatchObject([{ kind: 'crash', errorType: 'Runtime.ExitError', coldStart: true }]);
      expect(runtime.stats().worker).toMatchObject({ invocations: 2, coldStarts: 2 });
    } finally {
      await runtime.close();
    }
  });

  it('refuse a payload over Lambda’s 1 MB limit for asynchronous invocations', async () => {
    const runtime = runtimeWith();
    try {
      await expect(runtime.invoke('worker', { action: 'echo', value: 'x'.repeat(1_100_000) }, { invocationType: 'Event' })).rejects.toThrow(/exceeds Lambda's 1048576 bytes for Event/);
      await expect(runtime.invoke('worker', { action: 'echo', value: 'x'.repeat(1_100_000) })).resolves.toMatchObject({ status: 'ok' });
    } finally {
      await runtime.close();
    }
  });
});

describe('idle()', () => {
  it('resolves at once when nothing runs, and otherwise after the synchronous invocations too', async () => {
    const runtime = runtimeWith();
    try {
      await runtime.idle();
      let finished = false;
      const pending = runtime.invoke('worker', { action: 'sleep', ms: 50 }).then(() => (finished = true));
      await runtime.idle();
      expect(finished).toBe(true);
      await pending;
    } finally {
      await runtime.close();
    }
  });
});

describe('close()', () => {
  it('cancels a pending retry and leaves idle() resolved, without reporting a failure', async () => {
    const failures: Array<{ fn: string; payload: unknown; outcome: InvokeOutcome }> = [];
    const runtime = runtimeWith({ failures, retryDelays: [60_000] });
    const file = counterFile();
    await runtime.invoke('worker', { action: 'flaky', counterFile: file, failures: 5 }, { invocationType: 'Event' });
    while (attempts(file) < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const idle = runtime.idle();
    await runtime.close();
    await idle;
    expect(failures).toEqual([]);
    expect(runtime.stats().worker?.containers).toBe(0);
  });

  it('rejects the invocations still running or waiting, and any later one', async () => {
    const runtime = createLambdaRuntime({ functions: [functionConfig('worker', probeDir)], region: REGION, maxContainersPerFunction: 1 });
    const settled = Promise.allSettled([runtime.invoke('worker', { action: 'sleep', ms: 10_000 }), runtime.invoke('worker', { action: 'echo', value: 1 })]);
    await runtime.close();
    const [running, waiting] = await settled;
    expect(running).toMatchObject({ status: 'rejected', reason: expect.any(RuntimeClosedError) });
    expect(waiting).toMatchObject({ status: 'rejected', reason: expect.any(RuntimeClosedError) });
    await expect(runtime.invoke('worker', {})).rejects.toBeInstanceOf(RuntimeClosedError);
    await runtime.idle();
  });
});
