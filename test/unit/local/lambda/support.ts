// Shared by the local Lambda runtime's tests: bundles the fixture handlers of test/fixtures/lambda/ the way `cdk synth`
// bundles the real ones (lib/house-function.ts: ESM, minified, names kept, source map without sources), and makes
// function configurations.

import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { LambdaFunctionConfig, LambdaRuntime } from '../../../../local/lambda/runtime';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/lambda/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const REGION = 'eu-west-1';
export const JEST_TIMEOUT_MS = 30_000;

export function makeTempDir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'local-lambda-')));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Bundles test/fixtures/lambda/<fixture>.ts into <outDir>/<fixture>/index.mjs (+ .map); returns that code directory. */
export async function bundleFixture(fixture: string, outDir: string): Promise<string> {
  const codeDir = join(outDir, fixture);
  await build({
    entryPoints: [join(FIXTURES, `${fixture}.ts`)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outfile: join(codeDir, 'index.mjs'),
    minify: true,
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return codeDir;
}

/** A function configuration with test defaults. */
export function functionConfig(name: string, codeDir: string, overrides: Partial<LambdaFunctionConfig> = {}): LambdaFunctionConfig {
  return {
    name,
    arn: `arn:aws:lambda:${REGION}:000000000000:function:${name}`,
    codeDir,
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    environment: { NODE_OPTIONS: '--enable-source-maps' },
    timeoutSeconds: 10,
    memoryMb: 256,
    credentials: { accessKeyId: `AKIA${name.toUpperCase()}`, secretAccessKey: `secret-of-${name}` },
    ...overrides,
  };
}

/** Collects what each function writes, line by line. */
export function outputRecorder(): {
  lines: Array<{ fn: string; stream: 'stdout' | 'stderr'; line: string }>;
  onOutput: (fn: string, stream: 'stdout' | 'stderr', line: string) => void;
  of: (fn: string, stream?: 'stdout' | 'stderr') => string[];
} {
  const lines: Array<{ fn: string; stream: 'stdout' | 'stderr'; line: string }> = [];
  return {
    lines,
    onOutput: (fn, stream, line) => lines.push({ fn, stream, line }),
    of: (fn, stream) => lines.filter((entry) => entry.fn === fn && (!stream || entry.stream === stream)).map((entry) => entry.line),
  };
}

/** The payload of a successful outcome (fails the test with the error otherwise). */
export async function payloadOf<T>(runtime: LambdaRuntime, fn: string, event: unknown): Promise<T> {
  const outcome = await runtime.invoke(fn, event);
  if (outcome.status !== 'ok') throw new Error(`${fn} failed: ${outcome.kind} ${outcome.errorType}: ${outcome.errorMessage}`);
  return outcome.payload as T;
}
