// Each integration test file works on its own table in the shared DynamoDB Local (global-setup.ts starts it): created
// before the file's tests, deleted after them, with the low-level and document clients the tests use.

import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { createLowLevelClient, createTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb';

export function tablePerFile(prefix: string) {
  const endpoint = process.env.TEST_DYNAMODB_ENDPOINT!;
  const tableName = `${prefix}-${process.pid}-${Date.now()}`;
  const low = createLowLevelClient(endpoint);
  const doc = createDocumentClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

  beforeAll(async () => {
    await createTable(low, tableName);
  });

  afterAll(async () => {
    await low.send(new DeleteTableCommand({ TableName: tableName }));
    low.destroy();
    doc.destroy();
  });

  return { tableName, low, doc };
}
