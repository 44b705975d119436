// `npm start`: the local stack on http://localhost:3000. Flags: --fresh (wipe .local-data first), --port <n>,
// --data-dir <path>, --quiet, --functions bundled|source (default bundled: the deployed form). Ctrl-C or SIGTERM stops
// everything, DynamoDB Local's Java process included; executions in flight continue at the next start.

import { parseArgs } from 'node:util';
import { startLocalStack } from './stack';

const startedAt = performance.timeOrigin;

function usage(message: string): never {
  console.error(`${message}\nusage: npm start -- [--fresh] [--port 3000] [--data-dir .local-data] [--quiet] [--functions bundled|source] [--dynamo-port n]`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      fresh: { type: 'boolean', default: false },
      port: { type: 'string', default: '3000' },
      'data-dir': { type: 'string', default: '.local-data' },
      quiet: { type: 'boolean', default: false },
      functions: { type: 'string', default: 'bundled' },
      'dynamo-port': { type: 'string' },
    },
    strict: true,
  }).values;
} catch (error) {
  usage((error as Error).message);
}

const port = Number(args.port);
const functions = args.functions;
if (functions !== 'bundled' && functions !== 'source') usage(`--functions must be bundled or source, got "${functions}"`);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`--port must be a port number, got "${args.port}"`);

try {
  const dynamoPort = args['dynamo-port'] === undefined ? undefined : Number(args['dynamo-port']);
  if (dynamoPort !== undefined && !(Number.isInteger(dynamoPort) && dynamoPort > 0 && dynamoPort < 65536)) usage(`--dynamo-port must be a port number, got "${args['dynamo-port']}"`);
  const stack = await startLocalStack({ port, dataDir: args['data-dir'], fresh: args.fresh, quiet: args.quiet, functions, ...(dynamoPort ? { dynamoPort } : {}) });
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(`Microloan local stack ready on ${stack.url} in ${seconds} s (data in ${stack.dataDir}; Ctrl-C stops it)`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack…`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('the local stack did not stop cleanly', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  console.error(`the local stack could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
