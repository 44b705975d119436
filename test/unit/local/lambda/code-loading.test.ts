// How a container finds and imports a function's code: the handler string, the init phase and its errors, CommonJS
// code such as CDK's provider framework (with the AWS SDK the Lambda runtime provides), and the isolation of the code
// directory from what lies around it.

import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { createLambdaRuntime, type InvokeOutcome, type LambdaFunctionConfig } from '../../../../local/lambda/runtime';
import { FIXTURES, JEST_TIMEOUT_MS, REGION, REPO_ROOT, bundleFixture, functionConfig, makeTempDir, outputRecorder, removeTempDir } from './support';

jest.setTimeout(JEST_TIMEOUT_MS);

let tempDir: string;
let probeDir: string;
let initFailureDir: string;
let callbackDir: string;
/** Like cdk.out inside this project: a package.json saying "type": "module", and a node_modules, above the code. */
let assemblyDir: string;
let frameworkDir: string;
let runtimeModulesDir: string;

beforeAll(async () => {
  tempDir = makeTempDir();
  [probeDir, initFailureDir, callbackDir] = await Promise.all([bundleFixture('probe', tempDir), bundleFixture('init-failure', tempDir), bundleFixture('callback', tempDir)]);

  assemblyDir = join(tempDir, 'project');
  mkdirSync(join(assemblyDir, 'node_modules', 'outside-package'), { recursive: true });
  writeFileSync(join(assemblyDir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(assemblyDir, 'node_modules', 'outside-package', 'index.js'), 'module.exports = "should not be reachable";');
  frameworkDir = join(assemblyDir, 'cdk.out', 'asset.framework');
  mkdirSync(frameworkDir, { recursive: true });
  copyFileSync(join(FIXTURES, 'provider-framework', 'framework.cjs'), join(frameworkDir, 'framework.js'));
  copyFileSync(join(FIXTURES, 'provider-framework', 'outbound.cjs'), join(frameworkDir, 'outbound.js'));

  runtimeModulesDir = join(tempDir, 'lambda-runtime');
  mkdirSync(join(runtimeModulesDir, 'node_modules', '@aws-sdk', 'client-fake'), { recursive: true });
  writeFileSync(join(runtimeModulesDir, 'node_modules', '@aws-sdk', 'client-fake', 'index.js'), 'exports.clientName = "the fake client of the runtime";');
});

afterAll(() => removeTempDir(tempDir));

/** An error outcome's message ('' for a success, which the accompanying toMatchObject rules out). */
const messageOf = (outcome: InvokeOutcome): string => (outcome.status === 'error' ? outcome.errorMessage : '');

/** Invokes one function in a runtime of its own, then closes it. */
async function invokeAlone(config: LambdaFunctionConfig, payload: unknown = {}, extra: { runtimeModulesDir?: string; initTimeoutMs?: number } = {}): Promise<[InvokeOutcome, InvokeOutcome]> {
  const runtime = createLambdaRuntime({ functions: [config], region: REGION, ...extra });
  try {
    return [await runtime.invoke(config.name, payload), await runtime.invoke(config.name, payload)];
  } finally {
    await runtime.close();
  }
}

describe('the init phase', () => {
  it('reports an error thrown while the module is imported as an init error, with the error’s own name, and retries init cold', async () => {
    const [first, second] = await invokeAlone(functionConfig('misconfigured', initFailureDir));
    expect(first).toMatchObject({ status: 'error', kind: 'init', errorType: 'ConfigurationError', errorMessage: 'REQUIRED_SETTING is not set', coldStart: true });
    expect(second).toMatchObject({ kind: 'init', coldStart: true });
  });

  it('runs the same module once it is configured', async () => {
    const [outcome] = await invokeAlone(functionConfig('configured', initFailureDir, { environment: { REQUIRED_SETTING: 'yes' } }));
    expect(outcome).toMatchObject({ status: 'ok', payload: 'configured' });
  });

  it('reports a missing handler file, a missing export and a bad handler string with the runtime’s error types', async () => {
    const [missingFile] = await invokeAlone(functionConfig('no-file', probeDir, { handler: 'main.handler' }));
    expect(missingFile).toMatchObject({ kind: 'init', errorType: 'Runtime.ImportModuleError' });
    expect(messageOf(missingFile)).toMatch(/^Error: Cannot find module 'main'/);

    const [missingExport] = await invokeAlone(functionConfig('no-export', probeDir, { handler: 'index.main' }));
    expect(missingExport).toMatchObject({ kind: 'init', errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.main is undefined or not exported' });

    const valuesDir = join(tempDir, 'values');
    mkdirSync(valuesDir, { recursive: true });
    writeFileSync(join(valuesDir, 'index.mjs'), 'export const settings = { answer: 42 };');
    const [notAFunction] = await invokeAlone(functionConfig('not-a-function', valuesDir, { handler: 'index.settings.answer' }));
    expect(notAFunction).toMatchObject({ kind: 'init', errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.settings.answer is not a function' });

    const [malformed] = await invokeAlone(functionConfig('malformed', probeDir, { handler: '../index.handler' }));
    expect(malformed).toMatchObject({ kind: 'init', errorType: 'Runtime.MalformedHandlerName' });
  });

  it('reports a syntax error in the code as Runtime.UserCodeSyntaxError', async () => {
    const broken = join(tempDir, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'index.mjs'), 'export const handler = async () => {;\n');
    const [outcome] = await invokeAlone(functionConfig('broken', broken));
    expect(outcome).toMatchObject({ kind: 'init', errorType: 'Runtime.UserCodeSyntaxError' });
    expect(messageOf(outcome)).toMatch(/^SyntaxError: /);
  });

  it('finds a handler file by the runtime’s extension order, in a subdirectory too', async () => {
    const dir = join(tempDir, 'extensions');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'app.cjs'), 'exports.run = async () => "from app.cjs";');
    writeFileSync(join(dir, 'esm.mjs'), 'export const nested = { run: async () => "from esm.mjs" };');
    expect((await invokeAlone(functionConfig('cjs', dir, { handler: 'src/app.run' })))[0]).toMatchObject({ status: 'ok', payload: 'from app.cjs' });
    expect((await invokeAlone(functionConfig('nested', dir, { handler: 'esm.nested.run' })))[0]).toMatchObject({ status: 'ok', payload: 'from esm.mjs' });
  });

  it('refuses a callback-style handler on Node.js 24, as that runtime does, and calls it on Node.js 22', async () => {
    const [refused] = await invokeAlone(functionConfig('callback-24', callbackDir, { runtime: 'nodejs24.x' }));
    expect(refused).toMatchObject({ kind: 'init', errorType: 'Runtime.CallbackHandlerDeprecated' });

    const ok = await invokeAlone(functionConfig('callback-22', callbackDir, { runtime: 'nodejs22.x' }), {});
    expect(ok[0]).toMatchObject({ status: 'ok', payload: { calledBack: true } });
    const [failed] = await invokeAlone(functionConfig('callback-22-fails', callbackDir, { runtime: 'nodejs22.x' }), { fail: true });
    expect(failed).toMatchObject({ status: 'error', kind: 'handled', errorType: 'Error', errorMessage: 'called back with an error' });
  });

  it('makes a NODE_OPTIONS flag Node refuses an init failure, as node would not start', async () => {
    const [outcome] = await invokeAlone(functionConfig('bad-flag', probeDir, { environment: { NODE_OPTIONS: '--no-such-flag' } }));
    expect(outcome).toMatchObject({ status: 'error', kind: 'init', errorType: 'Runtime.ExitError' });
    expect(messageOf(outcome)).toContain('--no-such-flag');
  });

  it('lets an init that outlasts the init limit go on inside the invocation, within the function’s timeout', async () => {
    const slow = join(tempDir, 'slow-init');
    mkdirSync(slow, { recursive: true });
    writeFileSync(join(slow, 'index.mjs'), 'const started = Date.now();\nawait new Promise((resolve) => setTimeout(resolve, 800));\nexport const handler = async () => ({ initMs: Date.now() - started });\n');
    const runtime = createLambdaRuntime({ functions: [functionConfig('slow-init', slow, { timeoutSeconds: 30 })], region: REGION, initTimeoutMs: 100 });
    try {
      const outcome = await runtime.invoke('slow-init', {});
      expect(outcome).toMatchObject({ status: 'ok', coldStart: true });
      expect((outcome as { payload: { initMs: number } }).payload.initMs).toBeGreaterThanOrEqual(800);
    } finally {
      await runtime.close();
    }
  });

  it('times the invocation out when the init runs past the init limit and the function’s timeout, and starts cold again', async () => {
    const stuck = join(tempDir, 'stuck-init');
    mkdirSync(stuck, { recursive: true });
    writeFileSync(join(stuck, 'index.mjs'), 'await new Promise((resolve) => setTimeout(resolve, 60_000));\nexport const handler = async () => "never";\n');
    const [first, second] = await invokeAlone(functionConfig('stuck-init', stuck, { timeoutSeconds: 1 }), {}, { initTimeoutMs: 100 });
    expect(first).toMatchObject({ status: 'error', kind: 'timeout', errorType: 'Sandbox.Timedout', coldStart: true });
    expect(messageOf(first)).toMatch(/Task timed out after 1\.00 seconds/);
    expect(second).toMatchObject({ kind: 'timeout', coldStart: true });
  });

  it('logs an init error to the function’s output as the runtime does', async () => {
    const output = outputRecorder();
    const runtime = createLambdaRuntime({ functions: [functionConfig('logged', initFailureDir)], region: REGION, onOutput: output.onOutput });
    await runtime.invoke('logged', {});
    await runtime.close();
    expect(output.of('logged', 'stdout').some((line) => /\tERROR\tInit Error \t\{"errorType":"ConfigurationError"/.test(line))).toBe(true);
  });
});

describe('CommonJS code that needs the runtime’s AWS SDK', () => {
  it('runs .js files as CommonJS although a package.json above the code says "type": "module", with the SDK from runtimeModulesDir', async () => {
    const [outcome] = await invokeAlone(functionConfig('framework', frameworkDir, { handler: 'framework.onEvent' }), { RequestType: 'Create' }, { runtimeModulesDir });
    expect(outcome).toMatchObject({
      status: 'ok',
      payload: { sdk: 'the fake client of the runtime', requestType: 'Create', moduleSystem: 'commonjs', outsidePackage: 'MODULE_NOT_FOUND' },
    });
  });

  it('cannot import the SDK without runtimeModulesDir (it is not bundled)', async () => {
    const [outcome] = await invokeAlone(functionConfig('framework-alone', frameworkDir, { handler: 'framework.onEvent' }));
    expect(outcome).toMatchObject({ kind: 'init', errorType: 'Runtime.ImportModuleError' });
    expect(messageOf(outcome)).toContain("Cannot find module '@aws-sdk/client-fake'");
  });

  it('loads CDK’s own provider framework asset with this project’s AWS SDK standing in for the runtime’s', async () => {
    const assetDir = join(assemblyDir, 'cdk.out', 'asset.provider-framework');
    cpSync(join(REPO_ROOT, 'node_modules', 'aws-cdk-lib', 'custom-resources', 'lib', 'provider-framework', 'runtime'), assetDir, { recursive: true });
    const config = functionConfig('cdk-framework', assetDir, { handler: 'framework.onEvent', environment: {} });
    // A null event fails inside onEvent before any network call: proof that the module (and the SDK) loaded.
    const [outcome] = await invokeAlone(config, null, { runtimeModulesDir: REPO_ROOT });
    expect(outcome).toMatchObject({ status: 'error', kind: 'handled', errorType: 'TypeError' });
    expect(messageOf(outcome)).toMatch(/null/);
  });
});
