// Where things live in the repository, resolved from this file so that the CDK CLI (cwd = repo root), the jest
// infra tests and any other caller agree.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the directory holding package.json, package-lock.json and cdk.json. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const DEPS_LOCK_FILE = path.join(REPO_ROOT, 'package-lock.json');

/** The entry file of a Lambda handler: `functions/handlers/<name>.ts`, exporting `handler`. */
export function handlerEntry(handlerName: string): string {
  return path.join(REPO_ROOT, 'functions', 'handlers', `${handlerName}.ts`);
}

export const PIPELINE_DEFINITION_FILE = path.join(REPO_ROOT, 'statemachines', 'loan-pipeline.asl.json');
