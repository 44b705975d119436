// The deployed form, built once: the cloud assembly `cdk synth` writes — the template and every function's esbuild
// bundle — cached by a hash of everything that goes into it, so the local stack and the tests run exactly what a
// deployment uploads without bundling again until the code changes. Synthesized in a child process (CDK bundles
// synchronously, and keeps its own module state); a finished assembly is moved into place atomically, so concurrent
// builders never see half of one.
//
// CLI: `tsx local/build-cli.ts` prints the assembly's directory (building it if needed).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '..');

/** What goes into the assembly: the CDK app, the functions, the state machine, the model, the lock file and context. */
const INPUTS = ['bin', 'lib', 'functions', 'statemachines', 'models', 'package-lock.json', 'cdk.json', 'tsconfig.json'];

export interface BuiltAssembly {
  /** The cloud assembly directory (manifest.json, <stack>.template.json, asset.<hash>/ per bundle). */
  dir: string;
  stackName: string;
  /** The synthesized CloudFormation template. */
  template: Record<string, unknown> & { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  /** The inputs' hash the assembly was built from. */
  hash: string;
  /** True when this call built it (false: taken from the cache). */
  built: boolean;
}

/** The default cache: inside node_modules (ignored by git, gone with a fresh install). */
export const DEFAULT_ASSEMBLY_CACHE = join(REPO_ROOT, 'node_modules', '.cache', 'microloan-assembly');

/** A hash of every input file's path and content. */
export function inputsHash(root = REPO_ROOT): string {
  const hash = createHash('sha256');
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
      return;
    }
    hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const input of INPUTS) if (existsSync(join(root, input))) visit(join(root, input));
  return hash.digest('hex').slice(0, 24);
}

/**
 * The bundled assembly for the current inputs: from the cache, or synthesized now (bundling every function, tens of
 * seconds). `context` overrides cdk.json's (and is part of the cache key).
 */
export function bundledAssembly(options: { cacheDir?: string; context?: Record<string, string>; log?: (line: string) => void } = {}): BuiltAssembly {
  const cacheDir = options.cacheDir ?? DEFAULT_ASSEMBLY_CACHE;
  const contextKey = options.context && Object.keys(options.context).length > 0 ? createHash('sha256').update(JSON.stringify(options.context)).digest('hex').slice(0, 8) : 'default';
  const hash = `${inputsHash()}-${contextKey}`;
  const dir = join(cacheDir, hash);
  let built = false;
  if (!existsSync(join(dir, 'manifest.json'))) {
    options.log?.(`bundling every function (the deployed form) into ${relative(REPO_ROOT, dir)}…`);
    const started = Date.now();
    mkdirSync(cacheDir, { recursive: true });
    const staging = `${dir}.building-${process.pid}-${Date.now()}`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'build-cli.ts'), '--out', staging, '--context', JSON.stringify(options.context ?? {})], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      rmSync(staging, { recursive: true, force: true });
      throw new Error(`the bundled synth failed (exit ${result.status ?? result.signal}):\n${result.stderr || result.stdout}`);
    }
    try {
      renameSync(staging, dir);
      built = true;
    } catch (error) {
      // Another builder finished first: its assembly is the same.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(dir, 'manifest.json'))) throw error;
    }
    // Keep the cache small: older assemblies are of no use.
    for (const name of readdirSync(cacheDir)) if (name !== hash && !name.includes('.building-')) rmSync(join(cacheDir, name), { recursive: true, force: true });
    options.log?.(`bundled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string; properties?: { templateFile?: string } }> };
  const [stackName, artifact] = Object.entries(manifest.artifacts).find(([, a]) => a.type === 'aws:cloudformation:stack')!;
  const template = JSON.parse(readFileSync(join(dir, artifact.properties!.templateFile!), 'utf8')) as BuiltAssembly['template'];
  return { dir, stackName, template, hash, built };
}
