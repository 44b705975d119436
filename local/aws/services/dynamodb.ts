// DynamoDB (JSON 1.0, X-Amz-Target DynamoDB_20120810.<Op>): every check IAM makes for the operation, then the request
// goes unchanged to DynamoDB Local and its answer comes back unchanged (DynamoDB's own errors are DynamoDB Local's).
// DynamoDB uses a table's KMS key through grants, so no kms: permission of the caller is checked.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { AwsServiceError } from '../backends';
import { deniedMessage, jsonObject, type Reply, type ServiceCall, type ServiceEnvironment } from '../protocol';

/** Operations without a table: authorized on `*`. */
const ACCOUNT_OPERATIONS = new Set(['ListTables', 'DescribeLimits', 'DescribeEndpoints', 'ListBackups', 'ListGlobalTables', 'ListExports', 'ListImports', 'ListContributorInsights']);
/** Operations naming their resource by ARN. */
const ARN_OPERATIONS = new Set(['TagResource', 'UntagResource', 'ListTagsOfResource', 'DescribeBackup', 'DeleteBackup', 'RestoreTableFromBackup', 'DescribeExport', 'DescribeImport', 'GetResourcePolicy', 'PutResourcePolicy', 'DeleteResourcePolicy']);
const ARN_FIELD: Record<string, string> = { DescribeBackup: 'BackupArn', DeleteBackup: 'BackupArn', RestoreTableFromBackup: 'BackupArn', DescribeExport: 'ExportArn', DescribeImport: 'ImportArn' };
const TRANSACT_ACTIONS: Record<string, string> = { Put: 'dynamodb:PutItem', Update: 'dynamodb:UpdateItem', Delete: 'dynamodb:DeleteItem', ConditionCheck: 'dynamodb:ConditionCheckItem', Get: 'dynamodb:GetItem' };

export function createDynamoDbService(env: ServiceEnvironment, endpoint: string) {
  const { partition, region, accountId } = env.model.account;
  const upstream = new URL(endpoint);
  const tableArn = (table: string) => (table.startsWith('arn:') ? table : `arn:${partition}:dynamodb:${region}:${accountId}:table/${table}`);

  /** Every (action, resource, context) IAM checks for this request. */
  function checksFor(operation: string, input: Record<string, unknown>): { action: string; resource: string; context: Record<string, string> }[] {
    const context: Record<string, string> = {};
    for (const key of ['Select', 'ReturnValues', 'ReturnConsumedCapacity'] as const) {
      if (typeof input[key] === 'string') context[`dynamodb:${key}`] = input[key];
    }
    switch (operation) {
      case 'TransactWriteItems':
      case 'TransactGetItems': {
        const items = Array.isArray(input.TransactItems) ? input.TransactItems : [];
        return items.flatMap((item: unknown) => {
          const record = asRecord(item);
          return Object.entries(record).flatMap(([kind, body]) => {
            const action = TRANSACT_ACTIONS[kind];
            const table = asRecord(body).TableName;
            return action && typeof table === 'string' ? [{ action, resource: tableArn(table), context }] : [];
          });
        });
      }
      case 'BatchGetItem':
      case 'BatchWriteItem':
        return Object.keys(asRecord(input.RequestItems)).map((table) => ({ action: `dynamodb:${operation}`, resource: tableArn(table), context }));
    }
    if (ACCOUNT_OPERATIONS.has(operation)) return [{ action: `dynamodb:${operation}`, resource: '*', context }];
    if (ARN_OPERATIONS.has(operation)) {
      const arn = input[ARN_FIELD[operation] ?? 'ResourceArn'];
      if (typeof arn === 'string') return [{ action: `dynamodb:${operation}`, resource: arn, context }];
    }
    const table = input.TableName;
    if (typeof table === 'string') {
      const index = (operation === 'Query' || operation === 'Scan') && typeof input.IndexName === 'string' ? `/index/${input.IndexName}` : '';
      return [{ action: `dynamodb:${operation}`, resource: `${tableArn(table)}${index}`, context }];
    }
    throw new AwsServiceError('UnknownOperationException', `The local AWS emulator does not implement DynamoDB ${operation} (it has no TableName)`);
  }

  return {
    protocol: 'json1.0' as const,
    async handle(call: ServiceCall, operation: string): Promise<Reply> {
      const input = jsonObject(call.body);
      if (!input) throw new AwsServiceError('SerializationException', 'the request body is not a JSON object');
      const checks = checksFor(operation, input);
      if (checks.length === 0) throw new AwsServiceError('ValidationException', `${operation} names no table`);
      for (const check of checks) {
        const decision = call.authorize(check.action, check.resource, check.context);
        if (decision !== 'allow') throw new AwsServiceError('AccessDeniedException', deniedMessage(call.caller.sessionArn, check.action, check.resource, decision));
      }
      return forward(call, upstream);
    },
  };
}

/** The request as received, to DynamoDB Local; the answer streamed back as it comes. */
function forward(call: ServiceCall, upstream: URL): Promise<Reply> {
  const headers: Record<string, string> = {};
  for (const [name, values] of call.headers) {
    if (name === 'host' || name === 'connection' || name === 'content-length' || name === 'transfer-encoding' || name === 'expect') continue;
    headers[name] = values.join(', ');
  }
  headers.host = upstream.host;
  headers['content-length'] = String(call.body.length);
  return new Promise<Reply>((resolve, reject) => {
    const outgoing = httpRequest(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: call.method, path: call.rawPath, headers },
      (response) => {
        resolve({ status: response.statusCode ?? 502, headers: responseHeaders(response.headers), body: response });
      },
    );
    outgoing.on('error', (error) => reject(new AwsServiceError('InternalServerError', `DynamoDB Local did not answer: ${error.message}`, 500)));
    outgoing.end(call.body);
  });
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'connection' || name === 'keep-alive' || name === 'transfer-encoding') continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
