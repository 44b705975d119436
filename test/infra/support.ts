// Shared by the infra tests: build the app as the CLI would (cdk.json's context), and read the synthesized template.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { App, CfnElement } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { buildApp, cdkJsonContext, type BuiltApp } from '../../lib/app';
import { HouseFunction } from '../../lib/house-function';
import type { HandlerName } from '../../functions/shared/routes';

/**
 * The app as `cdk synth` builds it, with `overrides` on top of cdk.json's context, without bundling the functions
 * (templates are the subject here; the bundles are checked once, on the shared bundled assembly: bundles.test.ts).
 * `nag: false` leaves cdk-nag out, so that a nag finding fails nag.test.ts only, not every template assertion.
 */
export function buildTestApp(overrides: Record<string, unknown> = {}, options: { nag?: boolean } = {}): BuiltApp {
  const outdir = temporaryOutdir();
  return buildApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...overrides }, nag: options.nag ?? true, outdir });
}

const outdirs: string[] = [];

/** A fresh directory for a test app's cloud assembly, removed by `removeAssemblies`. */
export function temporaryOutdir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'microloan-infra-'));
  outdirs.push(dir);
  return dir;
}

export function removeAssemblies(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string; Metadata?: Record<string, any> }>;

export function logicalId(element: CfnElement): string {
  return Stack.of(element).getLogicalId(element);
}

/** Every house function of the stack, by handler name. */
export function houseFunctions(stack: Stack): Map<HandlerName, HouseFunction> {
  const found = new Map<HandlerName, HouseFunction>();
  for (const construct of stack.node.findAll()) {
    if (construct instanceof HouseFunction) {
      if (found.has(construct.handlerName)) throw new Error(`two functions for handler ${construct.handlerName}`);
      found.set(construct.handlerName, construct);
    }
  }
  return found;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The statements of every AWS::IAM::Policy attached to the role with this logical id. */
export function statementsOfRole(resources: Resources, roleLogicalId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties!.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap((r) => r.Properties!.PolicyDocument.Statement as Statement[]);
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.filter((s) => s.Effect === 'Allow').flatMap((s) => ([] as string[]).concat(s.Action));
}

/** Roles (logical ids) whose policies allow `action`. */
export function rolesAllowing(resources: Resources, action: string): string[] {
  const roles = new Set<string>();
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const statements = r.Properties!.PolicyDocument.Statement as Statement[];
    if (!actionsOf(statements).includes(action)) continue;
    for (const role of r.Properties!.Roles as { Ref: string }[]) roles.add(role.Ref);
  }
  return [...roles].sort();
}

/** The bundled code of a Lambda: the asset directory that its Code.S3Key names, in the app's cloud assembly. */
export function assetDirectory(app: App, s3Key: string): string {
  const dir = path.join(app.synth().directory, `asset.${s3Key.replace(/\.zip$/, '')}`);
  if (!existsSync(dir)) throw new Error(`no asset directory ${dir}`);
  return dir;
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
