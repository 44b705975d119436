// Integration tests talk to a real DynamoDB Local (in memory), started once for the run and stopped after it.

import { startDynamoDbLocal } from '../../local/dynamodb';

export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal({ inMemory: true });
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  (globalThis as { __dynamo?: typeof dynamo }).__dynamo = dynamo;
}
