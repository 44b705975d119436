import { realpathSync } from 'node:fs';
import { jest } from '@jest/globals';
import { createLambdaRuntime, type InvokeOutcome, type LambdaRuntime } from '../../../../local/lambda/runtime';
import { REGION, JEST_TIMEOUT_MS, bundleFixture, functionConfig, makeTempDir, outputRecorder, payloadOf, removeTempDir } from './support';

jest.setTimeout(JEST_TIMEOUT_MS);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let tempDir: string;
let probeDir: string;
let runtime: LambdaRuntime;
const output = outputRecorder();

beforeAll(async () => {
  tempDir = makeTempDir();
  probeDir = await bundleFixture('probe', tempDir);
  process.env.PARENT_ONLY_VARIABLE = 'the parent process has it';
  runtime = createLambdaRuntime({
    functions: [
      functionConfig('alpha', probeDir, {
        environment: { NODE_OPTIONS: '--enable-source-maps', ONLY_ALPHA: 'a', TABLE_NAME: 'alpha-table', LOG_LEVEL: 'INFO' },
        credentials: { accessKeyId: 'AKIAALPHA', secretAccessKey: 'alpha-secret', sessionToken: 'alpha-session' },
      }),
      functionConfig('beta', probeDir, { environment: { ONLY_BETA: 'b' }, memoryMb: 512 }),
      functionConfig('gamma', probeDir),
      functionConfig('impatient', probeDir, { timeoutSeconds: 1 }),
      functionConfig('crashing', probeDir),
    ],
    region: REGION,
    extraEnvironment: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', LOG_LEVEL: 'DEBUG' },
    onOutput: output.onOutput,
  });
});

afterAll(async () => {
  await runtime.close();
  delete process.env.PARENT_ONLY_VARIABLE;
  removeTempDir(tempDir);
});

function expectError(outcome: InvokeOutcome): Extract<InvokeOutcome, { status: 'error' }> {
  if (outcome.status !== 'error') throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('the environment of a container', () => {
  it('holds the function’s own variables and Lambda’s, and nothing of another function or of the parent process', async () => {
    const alpha = await payloadOf<Record<string, string>>(runtime, 'alpha', { action: 'env' });
    const beta = await payloadOf<Record<string, string>>(runtime, 'beta', { action: 'env' });

    expect(alpha.ONLY_ALPHA).toBe('a');
    expect(alpha.TABLE_NAME).toBe('alpha-table');
    expect(alpha).not.toHaveProperty('ONLY_BETA');
    expect(beta.ONLY_BETA).toBe('b');
    expect(beta).not.toHaveProperty('ONLY_ALPHA');
    for (const env of [alpha, beta]) {
      expect(env).not.toHaveProperty('PARENT_ONLY_VARIABLE');
      expect(env).not.toHaveProperty('HOME');
      expect(env).not.toHaveProperty('USER');
      expect(env).not.toHaveProperty('JEST_WORKER_ID');
      expect(env.PATH).toBe('/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin');
      expect(env.LANG).toBe('en_US.UTF-8');
      expect(env.TZ).toBe(':UTC');
      expect(env.AWS_ENDPOINT_URL).toBe('http://127.0.0.1:4566'); // extraEnvironment, for every function
    }
    expect(alpha.LOG_LEVEL).toBe('DEBUG'); // extraEnvironment wins over the function's own variable
  });

  it('holds the variables Lambda sets, with this function’s values', async () => {
    const env = await payloadOf<Record<string, string>>(runtime, 'beta', { action: 'env' });
    expect(env).toMatchObject({
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: 'beta',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/beta',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: realpathSync(probeDir),
      _HANDLER: 'index.handler',
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(env.LAMBDA_RUNTIME_DIR).toBeTruthy();
    expect(env._X_AMZN_TRACE_ID).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  });

  it('gives each function its own credentials', async () => {
    const alpha = await payloadOf<Record<string, string>>(runtime, 'alpha', { action: 'env' });
    const beta = await payloadOf<Record<string, string>>(runtime, 'beta', { action: 'env' });
    expect([alpha.AWS_ACCESS_KEY_ID, alpha.AWS_SECRET_ACCESS_KEY, alpha.AWS_SESSION_TOKEN]).toEqual(['AKIAALPHA', 'alpha-secret', 'alpha-session']);
    expect([beta.AWS_ACCESS_KEY_ID, beta.AWS_SECRET_ACCESS_KEY]).toEqual(['AKIABETA', 'secret-of-beta']);
    expect(beta).not.toHaveProperty('AWS_SESSION_TOKEN');
  });

  it('changes the trace header with each invocation', async () => {
    const first = await payloadOf<Record<string, string>>(runtime, 'beta', { action: 'env' });
    const second = await payloadOf<Record<string, string>>(runtime, 'beta', { action: 'env' });
    expect(first._X_AMZN_TRACE_ID).not.toBe(second._X_AMZN_TRACE_ID);
  });

  it('refuses a function that sets a variable Lambda reserves, as the Lambda API does', () => {
    const make = (environment: Record<string, string>) => () =>
      createLambdaRuntime({ functions: [functionConfig('reserved', probeDir, { environment })], region: REGION });
    expect(make({ AWS_REGION: 'us-east-1' })).toThrow(/reserved.*AWS_REGION/);
    expect(make({ AWS_ACCESS_KEY_ID: 'x', _HANDLER: 'y' })).toThrow(/AWS_ACCESS_KEY_ID, _HANDLER/);
    expect(() => createLambdaRuntime({ functions: [], region: REGION, extraEnvironment: { LAMBDA_TASK_ROOT: '/' } })).toThrow(/extraEnvironment/);
  });
});

describe('the context object', () => {
  it('describes the function and the invocation, and counts the remaining time down from the timeout', async () => {
    const context = await payloadOf<Record<string, unknown>>(runtime, 'gamma', { action: 'context', pauseMs: 20 });
    const env = await payloadOf<Record<string, string>>(runtime, 'gamma', { action: 'env' });
    expect(context).toMatchObject({
      functionName: 'gamma',
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${REGION}:000000000000:function:gamma`,
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/gamma',
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.awsRequestId).toMatch(UUID);
    const [first, second] = [context.first as number, context.second as number];
    expect(first).toBeLessThanOrEqual(10_000);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeLessThan(first);
  });

  it('gives every invocation its own request id', async () => {
    const ids = await Promise.all([1, 2].map(async () => (await payloadOf<{ awsRequestId: string }>(runtime, 'gamma', { action: 'context', pauseMs: 0 })).awsRequestId));
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('refuses context.succeed on the Node.js 24 runtime', async () => {
    const outcome = expectError(await runtime.invoke('gamma', { action: 'context-succeed' }));
    expect(outcome).toMatchObject({ kind: 'handled', errorType: 'Error' });
    expect(outcome.errorMessage).toMatch(/context\.succeed\(\) is not supported/);
  });
});

describe('results', () => {
  it('returns the handler’s value as Lambda serializes it (JSON; undefined is null)', async () => {
    const value = { text: 'é', when: new Date(Date.UTC(2026, 2, 1)), nested: [1, { skip: undefined, keep: null }], map: new Map([[1, 2]]) };
    await expect(payloadOf(runtime, 'gamma', { action: 'echo', value })).resolves.toEqual({
      text: 'é',
      when: '2026-03-01T00:00:00.000Z',
      nested: [1, { keep: null }],
      map: {},
    });
    await expect(payloadOf(runtime, 'gamma', { action: 'echo' })).resolves.toBeNull();
    await expect(payloadOf(runtime, 'gamma', { action: 'echo', value: 'plain' })).resolves.toBe('plain');
  });

  it('reports a thrown error as Lambda does: its name as errorType, its message and its (source-mapped) stack', async () => {
    const outcome = expectError(await runtime.invoke('alpha', { action: 'throw', message: 'the bureau said no' }));
    expect(outcome).toMatchObject({ kind: 'handled', errorType: 'DeclinedError', errorMessage: 'the bureau said no' });
    expect(outcome.trace[0]).toBe('DeclinedError: the bureau said no');
    expect(outcome.trace.join('\n')).toContain('probe.ts'); // NODE_OPTIONS=--enable-source-maps is honoured
  });

  it('names an error class without a name of its own "Error", and a thrown non-error by its type', async () => {
    expect(expectError(await runtime.invoke('gamma', { action: 'throw-unnamed' }))).toMatchObject({ errorType: 'Error', errorMessage: 'no name of its own' });
    expect(expectError(await runtime.invoke('gamma', { action: 'throw-string' }))).toMatchObject({ errorType: 'string', errorMessage: 'just a string', trace: [] });
  });

  it('fails a result that cannot be serialized or is too large, as Lambda does', async () => {
    expect(expectError(await runtime.invoke('gamma', { action: 'circular' }))).toMatchObject({ kind: 'handled', errorType: 'Runtime.JSONStringifyError' });
    expect(expectError(await runtime.invoke('gamma', { action: 'huge' }))).toMatchObject({ kind: 'handled', errorType: 'Function.ResponseSizeTooLarge' });
  });

  it('keeps the container after a handled error', async () => {
    await runtime.invoke('beta', { action: 'count' });
    expectError(await runtime.invoke('beta', { action: 'throw', message: 'once' }));
    const after = await runtime.invoke('beta', { action: 'count' });
    expect(after.coldStart).toBe(false);
  });

  it('accepts a function by its ARN, and refuses one it does not know', async () => {
    await expect(payloadOf(runtime, `arn:aws:lambda:${REGION}:000000000000:function:gamma`, { action: 'echo', value: 1 })).resolves.toBe(1);
    await expect(runtime.invoke('nonexistent', {})).rejects.toThrow(/no local Lambda function nonexistent \(known: alpha, beta, gamma/);
  });
});

describe('warm and cold containers', () => {
  it('starts cold, then reuses the warm container with its module state', async () => {
    const fresh = createLambdaRuntime({ functions: [functionConfig('counter', probeDir)], region: REGION });
    try {
      const outcomes = [];
      for (let i = 0; i < 3; i++) outcomes.push(await fresh.invoke('counter', { action: 'count' }));
      expect(outcomes.map((outcome) => outcome.coldStart)).toEqual([true, false, false]);
      const payloads = outcomes.map((outcome) => (outcome.status === 'ok' ? outcome.payload : undefined)) as Array<{ invocations: number; loadedAt: number }>;
      expect(payloads.map((payload) => payload.invocations)).toEqual([1, 2, 3]);
      expect(new Set(payloads.map((payload) => payload.loadedAt)).size).toBe(1);
      expect(fresh.stats().counter).toEqual({ containers: 1, busy: 0, invocations: 3, coldStarts: 1 });
    } finally {
      await fresh.close();
    }
  });

  it('runs two concurrent invocations of one function in two containers', async () => {
    const fresh = createLambdaRuntime({ functions: [functionConfig('parallel', probeDir)], region: REGION });
    try {
      const pending = [fresh.invoke('parallel', { action: 'sleep', ms: 200 }), fresh.invoke('parallel', { action: 'sleep', ms: 200 })];
      expect(fresh.stats().parallel).toMatchObject({ containers: 2, busy: 2 });
      const outcomes = await Promise.all(pending);
      expect(outcomes.map((outcome) => [outcome.status, outcome.coldStart])).toEqual([['ok', true], ['ok', true]]);
      expect(fresh.stats().parallel).toEqual({ containers: 2, busy: 0, invocations: 2, coldStarts: 2 });
      // The next two invocations find both containers warm.
      const warm = await Promise.all([fresh.invoke('parallel', { action: 'count' }), fresh.invoke('parallel', { action: 'count' })]);
      expect(warm.map((outcome) => outcome.coldStart)).toEqual([false, false]);
    } finally {
      await fresh.close();
    }
  });

  it('makes an invocation wait for the busy container when the limit is one container', async () => {
    const fresh = createLambdaRuntime({ functions: [functionConfig('single', probeDir)], region: REGION, maxContainersPerFunction: 1 });
    try {
      const first = fresh.invoke('single', { action: 'sleep', ms: 100 });
      const second = fresh.invoke('single', { action: 'count' });
      expect(fresh.stats().single).toMatchObject({ containers: 1, busy: 1 });
      const [a, b] = await Promise.all([first, second]);
      expect([a.coldStart, b.coldStart]).toEqual([true, false]);
      expect(b.status === 'ok' && b.payload).toMatchObject({ invocations: 2 }); // the same container ran both
      expect(fresh.stats().single).toEqual({ containers: 1, busy: 0, invocations: 2, coldStarts: 1 });
    } finally {
      await fresh.close();
    }
  });
});

describe('timeouts', () => {
  it('kills a container that runs past its timeout, and starts the next invocation cold', async () => {
    await runtime.invoke('impatient', { action: 'count' });
    const outcome = expectError(await runtime.invoke('impatient', { action: 'spin' }));
    expect(outcome).toMatchObject({ kind: 'timeout', errorType: 'Sandbox.Timedout', coldStart: false });
    expect(outcome.errorMessage).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(990);
    expect(runtime.stats().impatient?.containers).toBe(0);

    const next = await runtime.invoke('impatient', { action: 'count' });
    expect(next).toMatchObject({ status: 'ok', coldStart: true, payload: { invocations: 1 } });
  });

  it('times out an asynchronous wait too', async () => {
    expect(expectError(await runtime.invoke('impatient', { action: 'sleep', ms: 5_000 }))).toMatchObject({ kind: 'timeout' });
  });
});

describe('crashes', () => {
  it('reports process.exit() as Runtime.ExitError and replaces the container', async () => {
    await runtime.invoke('crashing', { action: 'count' });
    const outcome = expectError(await runtime.invoke('crashing', { action: 'exit', code: 3 }));
    expect(outcome).toMatchObject({ kind: 'crash', errorType: 'Runtime.ExitError', coldStart: false });
    expect(outcome.errorMessage).toMatch(/^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/);
    expect(await runtime.invoke('crashing', { action: 'count' })).toMatchObject({ status: 'ok', coldStart: true, payload: { invocations: 1 } });
  });

  it('reports an uncaught exception with the error itself', async () => {
    const outcome = expectError(await runtime.invoke('crashing', { action: 'uncaught' }));
    expect(outcome).toMatchObject({ kind: 'crash', errorType: 'Error', errorMessage: 'thrown from a timer' });
    expect(output.of('crashing').some((line) => line.includes('\tERROR\tUncaught Exception'))).toBe(true);
    expect(await runtime.invoke('crashing', { action: 'count' })).toMatchObject({ coldStart: true });
  });

  it('reports an unhandled rejection as Runtime.UnhandledPromiseRejection', async () => {
    const outcome = expectError(await runtime.invoke('crashing', { action: 'unhandled' }));
    expect(outcome).toMatchObject({ kind: 'crash', errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: nobody catches this' });
    expect(await runtime.invoke('crashing', { action: 'count' })).toMatchObject({ coldStart: true });
  });
});

describe('output', () => {
  it('passes on every line the function writes, per function, with console lines in Lambda’s format', async () => {
    const outcome = await runtime.invoke('beta', { action: 'log', value: 'world' });
    expect(outcome.status).toBe('ok');
    const stdout = output.of('beta', 'stdout');
    const requestLine = stdout.find((line) => line.endsWith('\tINFO\thello world'));
    expect(requestLine).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\t[0-9a-f-]{36}\tINFO\thello world$/);
    const requestId = requestLine!.split('\t')[1];
    expect(stdout.find((line) => line.endsWith('\tERROR\tan error line'))?.split('\t')[1]).toBe(requestId); // console.error too
    expect(stdout.find((line) => line.endsWith('\tINFO\ttwo\rlines'))?.split('\t')[1]).toBe(requestId); // one event per call
    expect(stdout).toContain('partial line'); // partial writes are joined into lines
    expect(output.of('beta', 'stderr')).toContain('straight to stderr');
    expect(output.of('alpha')).not.toContain('partial line');
  });

  it('passes on a last line without a newline when the container ends', async () => {
    const fresh = outputRecorder();
    const own = createLambdaRuntime({ functions: [functionConfig('tail', probeDir)], region: REGION, onOutput: fresh.onOutput });
    await own.invoke('tail', { action: 'log', value: 'x' });
    expect(fresh.of('tail')).not.toContain('no newline at the end');
    await own.close();
    expect(fresh.of('tail', 'stdout')).toContain('no newline at the end');
  });

  it('reports NODE_OPTIONS flags it cannot apply in a container', async () => {
    const fresh = outputRecorder();
    const own = createLambdaRuntime({
      functions: [functionConfig('flags', probeDir, { environment: { NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=16 --stack-trace-limit=3' } })],
      region: REGION,
      onOutput: fresh.onOutput,
    });
    try {
      const outcome = expectError(await own.invoke('flags', { action: 'throw', message: 'short stack' }));
      expect(outcome.trace.length).toBeLessThanOrEqual(4); // --stack-trace-limit=3 is applied (the message line + 3 frames)
      expect(fresh.of('flags', 'stderr').filter((line) => line.includes('NODE_OPTIONS'))).toEqual([
        '[local lambda] NODE_OPTIONS --max-semi-space-size=16: not applied, a worker thread cannot take this flag',
      ]);
    } finally {
      await own.close();
    }
  });
});
