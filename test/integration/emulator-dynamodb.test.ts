// DynamoDB Local behind the local AWS emulator (local/aws): the SDK's calls checked against the caller's role, then
// forwarded to the suite's shared DynamoDB Local, so conditional writes, transactions and their errors come back as
// the SDK expects them.

import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startTestEmulator, type TestEmulator } from '../unit/local/aws/fixture';
import { rejection } from '../support/rejection';

describe('DynamoDB Local behind the emulator', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator({ dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT! });
    await new DynamoDBClient({ ...t.clientConfig('NoKmsFunction') }).send(
      new CreateTableCommand({
        TableName: 'test-local',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
      }),
    );
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('runs writes, reads, transactions and their failures end to end', async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(t.clientConfig('SubmitFunction')));
    await doc.send(new PutCommand({ TableName: 'test-local', Item: { PK: 'APP#1', SK: 'META', status: 'SUBMITTED', version: 1 } }));
    await doc.send(new UpdateCommand({ TableName: 'test-local', Key: { PK: 'APP#1', SK: 'META' }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'ASSESSING' } }));
    const read = await doc.send(new GetCommand({ TableName: 'test-local', Key: { PK: 'APP#1', SK: 'META' }, ConsistentRead: true }));
    expect(read.Item).toEqual({ PK: 'APP#1', SK: 'META', status: 'ASSESSING', version: 1 });

    const conditional = await rejection(doc.send(new PutCommand({ TableName: 'test-local', Item: { PK: 'APP#1', SK: 'META' }, ConditionExpression: 'attribute_not_exists(PK)' })));
    expect(conditional).toBeInstanceOf(ConditionalCheckFailedException);
    const cancelled = await rejection(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 'test-local', Item: { PK: 'APP#2', SK: 'META' } } },
            { ConditionCheck: { TableName: 'test-local', Key: { PK: 'APP#1', SK: 'META' }, ConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'DECIDED' } } },
          ],
        }),
      ),
    );
    expect(cancelled).toBeInstanceOf(TransactionCanceledException);
    expect(t.emulator.calls().at(-1)).toMatchObject({ allowed: true, status: 400, error: expect.stringMatching(/^TransactionCanceledException: /) });
    const notWritten = await doc.send(new GetCommand({ TableName: 'test-local', Key: { PK: 'APP#2', SK: 'META' }, ConsistentRead: true }));
    expect(notWritten.Item).toBeUndefined();
  });
});
