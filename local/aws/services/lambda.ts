// Lambda (REST JSON): Invoke (POST /2015-03-31/functions/<name or ARN>/invocations), authorized as
// lambda:InvokeFunction on the function's ARN (with the qualifier when one is given), then handed to the local
// function runner.

import { AwsServiceError, type EmulatorBackends } from '../backends';
import { deniedMessage, type Reply, type ServiceCall, type ServiceEnvironment } from '../protocol';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD = 1024 * 1024;

export function createLambdaService(env: ServiceEnvironment, backend: EmulatorBackends['lambda']) {
  const functions = env.model.functions();
  const { partition, region, accountId } = env.model.account;

  /** name | name:qualifier | account:function:name[:qualifier] | arn:…:function:name[:qualifier] → name and qualifier. */
  function parseFunctionName(raw: string, queryQualifier: string | undefined): { name: string; qualifier?: string } {
    let rest = raw;
    const arnMatch = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:(.+)$/.exec(raw) ?? /^\d{12}:function:(.+)$/.exec(raw);
    if (arnMatch?.[1]) rest = arnMatch[1];
    const [name = '', qualifier, ...extra] = rest.split(':');
    if (!name || extra.length > 0) throw new AwsServiceError('ValidationException', `1 validation error detected: Value '${raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern`);
    const q = qualifier ?? queryQualifier;
    if (qualifier !== undefined && queryQualifier !== undefined && qualifier !== queryQualifier) {
      throw new AwsServiceError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
    }
    return { name, ...(q !== undefined ? { qualifier: q } : {}) };
  }

  return {
    protocol: 'rest-json' as const,
    operationOf(method: string, rawPath: string): string {
      return method === 'POST' && INVOKE_PATH.test(rawPath) ? 'Invoke' : `${method} ${rawPath}`;
    },
    async handle(call: ServiceCall): Promise<Reply> {
      const match = call.method === 'POST' ? INVOKE_PATH.exec(call.rawPath) : null;
      if (!match?.[1]) throw new AwsServiceError('UnknownOperationException', `The local AWS emulator implements Lambda Invoke only, not ${call.method} ${call.rawPath}`, 404);
      let rawName: string;
      try {
        rawName = decodeURIComponent(match[1]);
      } catch {
        throw new AwsServiceError('ValidationException', 'the function name is not correctly URL-encoded');
      }
      const { name, qualifier } = parseFunctionName(rawName, call.queryParam('Qualifier'));
      const functionArn = `arn:${partition}:lambda:${region}:${accountId}:function:${name}${qualifier !== undefined ? `:${qualifier}` : ''}`;

      const decision = call.authorize('lambda:InvokeFunction', functionArn);
      if (decision !== 'allow') throw new AwsServiceError('AccessDeniedException', deniedMessage(call.caller.sessionArn, 'lambda:InvokeFunction', functionArn, decision), 403);

      const invocationType = call.header('x-amz-invocation-type') ?? 'RequestResponse';
      if (invocationType !== 'RequestResponse' && invocationType !== 'Event' && invocationType !== 'DryRun') {
        throw new AwsServiceError('InvalidParameterValueException', `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
      }
      const target = functions.find((f) => f.functionName === name);
      // The template has no versions or aliases of its functions: only $LATEST exists.
      if (!target || (qualifier !== undefined && qualifier !== '$LATEST')) {
        throw new AwsServiceError('ResourceNotFoundException', `Function not found: ${functionArn}`, 404);
      }
      const limit = invocationType === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
      if (call.body.length > limit) {
        throw new AwsServiceError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, 413);
      }
      if (call.body.length > 0) {
        try {
          JSON.parse(call.body.toString('utf8'));
        } catch (error) {
          throw new AwsServiceError('InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`);
        }
      }
      // DryRun only checks the parameters and the permission, which has been done.
      if (invocationType === 'DryRun') return { status: 204 };

      const result = await backend.invoke({ functionName: target.functionName, payload: call.body, invocationType, caller: call.caller.functionLogicalId });
      if (invocationType === 'Event') return { status: 202, headers: { 'content-length': '0' } };
      return {
        status: result.statusCode,
        headers: {
          'content-type': 'application/json',
          'x-amz-executed-version': result.executedVersion,
          ...(result.functionError ? { 'x-amz-function-error': result.functionError } : {}),
        },
        body: result.payload,
      };
    },
  };
}
