// The real synthesized template (without bundling): everything the emulator reads from it must resolve. Tolerant on
// purpose — it checks shapes, not the stack's details, which change with lib/.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, cdkJsonContext } from '../../../../lib/app';
import { startAwsEmulator } from '../../../../local/aws/emulator';
import { LocalTemplate, localCredentials, type LocalAccount } from '../../../../local/aws/template';
import { fakeBackends } from './fixture';

let template: unknown;
let stackName: string;
let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'aws-emulator-synth-'));
  const { app, stack } = buildApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] }, outdir, nag: false });
  stackName = stack.stackName;
  template = app.synth().getStackByName(stack.stackName).template;
}, 120_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

const account = (): LocalAccount => ({ partition: 'aws', region: 'us-east-1', accountId: '000000000000', stackName, apiUrl: 'http://localhost:3000/' });

describe('the synthesized template', () => {
  it('resolves every Lambda function’s environment and every role statement, and gives each function credentials', () => {
    const model = new LocalTemplate(template, account());
    const functions = model.functions();
    expect(functions.length).toBeGreaterThan(0);
    const credentials = localCredentials(template);
    for (const fn of functions) {
      for (const [name, value] of Object.entries(fn.environment)) {
        expect([fn.logicalId, name, typeof value]).toEqual([fn.logicalId, name, 'string']);
        // No intrinsic or AWS-only endpoint survives: the stage URL became the local API.
        expect(value).not.toMatch(/execute-api/);
      }
      if (fn.environment.PUBLIC_BASE_URL !== undefined) expect(fn.environment.PUBLIC_BASE_URL).toBe('http://localhost:3000/');
      expect(fn.roleLogicalId).toBeDefined();
      const statements = model.roleStatements(fn.roleLogicalId!);
      for (const statement of statements) {
        for (const value of [statement.Action, statement.NotAction, statement.Resource, statement.NotResource].flat()) {
          if (value !== undefined) expect(typeof value).toBe('string');
        }
      }
      expect(credentials.functionOf(credentials.forFunction(fn.logicalId).accessKeyId)).toBe(fn.logicalId);
    }
    for (const [roleId] of model.resourcesOfType('AWS::IAM::Role')) expect(() => model.roleStatements(roleId)).not.toThrow();
    // The facts the emulator reads.
    expect(() => [model.topics(), model.buckets(), model.secrets(), model.tables(), model.stateMachines(), model.eventRules()]).not.toThrow();
  });

  it('starts the emulator (every rule pattern and policy is usable)', async () => {
    const s3Dir = mkdtempSync(join(tmpdir(), 'aws-emulator-s3-'));
    const warnings: string[] = [];
    const emulator = await startAwsEmulator({ template, account: account(), backends: fakeBackends().backends, s3Dir, log: { warn: (msg) => warnings.push(msg), error: (msg) => warnings.push(msg) } });
    try {
      expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(warnings).toEqual([]);
    } finally {
      await emulator.close();
      rmSync(s3Dir, { recursive: true, force: true });
    }
  });
});
