// DynamoDB through the emulator: the IAM checks each operation needs, then the request forwarded unchanged to a
// recording fake (to see exactly what is forwarded). test/integration/emulator-dynamodb.test.ts runs it on DynamoDB Local.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startTestEmulator, type TestEmulator } from './fixture';
import { rejection } from '../../../support/rejection';

const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/test-local';

describe('forwarding to DynamoDB (a recording fake)', () => {
  let upstream: Server;
  let t: TestEmulator;
  const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (body.includes('"conditional"')) {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ Item: { PK: { S: 'a' }, SK: { S: 'b' }, n: { N: '1' } } }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    t = await startTestEmulator({ dynamodbEndpoint: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  });

  afterAll(async () => {
    await t.stop();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  const doc = (id = 'SubmitFunction') => DynamoDBDocumentClient.from(new DynamoDBClient(t.clientConfig(id)));
  const lastCall = () => t.emulator.calls().at(-1)!;

  it('forwards an allowed call unchanged and streams the answer back', async () => {
    const result = await doc().send(new GetCommand({ TableName: 'test-local', Key: { PK: 'a', SK: 'b' }, ConsistentRead: true }));
    expect(result.Item).toEqual({ PK: 'a', SK: 'b', n: 1 });
    const forwarded = received.at(-1)!;
    expect(forwarded).toMatchObject({ method: 'POST', url: '/' });
    expect(forwarded.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(forwarded.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIA/);
    expect(JSON.parse(forwarded.body)).toEqual({ TableName: 'test-local', Key: { PK: { S: 'a' }, SK: { S: 'b' } }, ConsistentRead: true });
    expect(lastCall()).toMatchObject({ service: 'dynamodb', operation: 'GetItem', allowed: true, status: 200, checks: [{ action: 'dynamodb:GetItem', resource: TABLE_ARN, decision: 'allow' }] });
  });

  it('checks every item of a transaction and every table of a batch; Query on an index is authorized on the index', async () => {
    const before = received.length;
    await doc().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: 'test-local', Item: { PK: 'a', SK: 'b' } } },
          { Update: { TableName: 'test-local', Key: { PK: 'a', SK: 'c' }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } } },
          { ConditionCheck: { TableName: 'test-local', Key: { PK: 'a', SK: 'd' }, ConditionExpression: 'attribute_exists(PK)' } },
          { Delete: { TableName: 'test-local', Key: { PK: 'a', SK: 'e' } } },
        ],
      }),
    );
    expect(lastCall().checks.map((c) => c.action)).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem']);
    await doc().send(new BatchGetCommand({ RequestItems: { 'test-local': { Keys: [{ PK: 'a', SK: 'b' }] } } }));
    expect(lastCall().checks).toEqual([{ action: 'dynamodb:BatchGetItem', resource: TABLE_ARN, decision: 'allow' }]);
    await doc().send(new QueryCommand({ TableName: 'test-local', IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :p', ExpressionAttributeValues: { ':p': 'x' } }));
    expect(lastCall().checks).toEqual([{ action: 'dynamodb:Query', resource: `${TABLE_ARN}/index/GSI1`, decision: 'allow' }]);
    expect(received.length).toBe(before + 3);
  });

  it('refuses before forwarding: an index the role does not cover, an explicit Deny, a table outside the role', async () => {
    const before = received.length;
    // NoKmsFunction has dynamodb:* on the table but not on its indexes, and an explicit Deny of DeleteItem.
    const index = await rejection(doc('NoKmsFunction').send(new QueryCommand({ TableName: 'test-local', IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :p', ExpressionAttributeValues: { ':p': 'x' } })));
    expect(index.name).toBe('AccessDeniedException');
    expect(index.message).toMatch(/not authorized to perform: dynamodb:Query on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/test-local\/index\/GSI1 because no identity-based policy allows/);
    const denied = await rejection(doc('NoKmsFunction').send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 'test-local', Item: { PK: 'a', SK: 'b' } } }, { Delete: { TableName: 'test-local', Key: { PK: 'a', SK: 'b' } } }] })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toMatch(/dynamodb:DeleteItem on resource: .* with an explicit deny in an identity-based policy/);
    expect(lastCall().checks.map((c) => c.decision)).toEqual(['allow', 'explicitDeny']);
    expect((await rejection(doc().send(new GetCommand({ TableName: 'another-table', Key: { PK: 'a', SK: 'b' } })))).name).toBe('AccessDeniedException');
    expect(received.length).toBe(before);
  });

  it('passes DynamoDB’s own errors through and records them', async () => {
    const error = await rejection(doc().send(new PutCommand({ TableName: 'test-local', Item: { PK: 'conditional', SK: 'x' }, ConditionExpression: 'attribute_not_exists(PK)' })));
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect(lastCall()).toMatchObject({ allowed: true, status: 400, error: 'ConditionalCheckFailedException: The conditional request failed' });
  });

  it('refuses an unknown access key and a bad signature with the JSON protocol’s errors', async () => {
    const stranger = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' }, maxAttempts: 1 }));
    expect((await rejection(stranger.send(new GetCommand({ TableName: 'test-local', Key: { PK: 'a', SK: 'b' } })))).name).toBe('UnrecognizedClientException');
    const wrongSecret = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: t.emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: t.emulator.credentialsFor('SubmitFunction').accessKeyId, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 }),
    );
    expect((await rejection(wrongSecret.send(new GetCommand({ TableName: 'test-local', Key: { PK: 'a', SK: 'b' } })))).name).toBe('InvalidSignatureException');
    expect(t.emulator.calls().at(-1)).toMatchObject({ caller: 'SubmitFunction', allowed: false, checks: [] });
    const otherRegion = DynamoDBDocumentClient.from(new DynamoDBClient({ ...t.clientConfig('SubmitFunction'), region: 'eu-west-1' }));
    expect((await rejection(otherRegion.send(new GetCommand({ TableName: 'test-local', Key: { PK: 'a', SK: 'b' } })))).name).toBe('InvalidSignatureException');
  });
});
