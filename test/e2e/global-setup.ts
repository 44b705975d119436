// The e2e suite's shared parts, made once for every file: one DynamoDB Local (each stack gets its own table in it) and
// the deployed form (the bundled cloud assembly, from the cache or built now), so no file waits for a JVM or a bundling.

import { bundledAssembly } from '../../local/build';
import { startDynamoDbLocal } from '../../local/dynamodb';

export default async function globalSetup(): Promise<void> {
  const assembly = bundledAssembly({ log: (line) => process.stderr.write(`[e2e] ${line}\n`) });
  process.env.TEST_ASSEMBLY_DIR = assembly.dir;
  const dynamo = await startDynamoDbLocal({ inMemory: true });
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  (globalThis as { __dynamo?: typeof dynamo }).__dynamo = dynamo;
}
