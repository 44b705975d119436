// `tsx local/build-cli.ts`: the bundled cloud assembly for the current code (local/build.ts), printing its directory;
// with `--out <dir>`, synthesizes with bundling into that directory (what bundledAssembly runs in a child process).

import { parseArgs } from 'node:util';
import { bundledAssembly } from './build';

const { values } = parseArgs({ options: { out: { type: 'string' }, context: { type: 'string', default: '{}' } }, strict: true });
if (!values.out) {
  const assembly = bundledAssembly({ log: (line) => console.error(line) });
  console.log(assembly.dir);
} else {
  const { buildApp, cdkJsonContext } = await import('../lib/app');
  // Path metadata, as `cdk deploy` includes it: the local stack finds the secrets and topics by their paths.
  const context = { ...cdkJsonContext(), 'aws:cdk:enable-path-metadata': true, ...(JSON.parse(values.context!) as Record<string, string>) };
  // cdk-nag runs in the infra tests; the assembly here is what deploys.
  const { app } = buildApp({ context, outdir: values.out, nag: false });
  app.synth();
}
