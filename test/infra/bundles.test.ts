// The bundles a deployment uploads, checked on the shared bundled assembly (local/build.ts: the same cloud assembly
// the local stack and the deployed-form test run, built once per change of the code).

import { statSync } from 'node:fs';
import path from 'node:path';
import { bundledAssembly, type BuiltAssembly } from '../../local/build';
import { ESM_REQUIRE_BANNER, HANDLER_METADATA_KEY } from '../../lib/house-function';
import type { HandlerName } from '../../functions/shared/routes';
import { FUNCTION_DEFINITIONS } from '../../lib/function-definitions';
import { readText } from './support';

let assembly: BuiltAssembly;

beforeAll(() => {
  assembly = bundledAssembly();
});

/** The asset directory of the handler's function (found by the handler name the template records). */
function bundleDir(handler: HandlerName): string {
  const [, resource] = Object.entries(assembly.template.Resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && (r as { Metadata?: Record<string, unknown> }).Metadata?.[HANDLER_METADATA_KEY] === handler,
  )!;
  const s3Key = (resource.Properties!.Code as { S3Key: string }).S3Key;
  return path.join(assembly.dir, `asset.${s3Key.replace(/\.zip$/, '')}`);
}

const HANDLERS = Object.keys(FUNCTION_DEFINITIONS) as HandlerName[];

describe('the bundles', () => {
  test('are ESM bundles built by esbuild, with source maps and without sources content, one per handler', () => {
    for (const handler of HANDLERS) {
      const dir = bundleDir(handler);
      const bundle = readText(path.join(dir, 'index.mjs'));
      expect(bundle.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(statSync(path.join(dir, 'index.mjs.map')).size).toBeGreaterThan(0);
      const map = JSON.parse(readText(path.join(dir, 'index.mjs.map'))) as { sourcesContent?: unknown };
      expect(map.sourcesContent).toBeUndefined();
      // The AWS SDK is bundled (no external @aws-sdk imports left for the runtime to resolve).
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
    }
  });

  test('keep class names, because Step Functions retries match error names such as ConcurrentModificationError', () => {
    for (const handler of ['pipeline-resume', 'pipeline-score'] as HandlerName[]) {
      expect(readText(path.join(bundleDir(handler), 'index.mjs'))).toMatch(/"ConcurrentModificationError"/);
    }
  });

  test('hold only the SDK clients their ports use (esbuild drops the unused providers)', () => {
    // The quotes function reads products only: no Step Functions, SNS, S3, Secrets Manager or Lambda client.
    const quotes = readText(path.join(bundleDir('quotes'), 'index.mjs'));
    for (const client of ['SFNClient', 'SNSClient', 'S3Client', 'SecretsManagerClient', 'LambdaClient']) expect(quotes).not.toContain(client);
    // The withdrawal stops executions: Step Functions, not SNS.
    const withdraw = readText(path.join(bundleDir('withdraw-application'), 'index.mjs'));
    expect(withdraw).toContain('SFNClient');
    expect(withdraw).not.toContain('SNSClient');
  });
});
