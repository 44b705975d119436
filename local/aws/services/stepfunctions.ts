// Step Functions (JSON 1.0, X-Amz-Target AWSStepFunctions.<Op>): the operations the app calls, handed to the local
// workflow backend after the IAM check on the resource AWS authorizes them on.

import { randomUUID } from 'node:crypto';
import { AwsServiceError, type EmulatorBackends } from '../backends';
import { deniedMessage, epochSeconds, jsonObject, optionalString, type Reply, type ServiceCall, type ServiceEnvironment } from '../protocol';

const MAX_PAYLOAD = 256 * 1024;

export function createStepFunctionsService(env: ServiceEnvironment, backend: EmulatorBackends['stepFunctions']) {
  const machines = env.model.stateMachines();
  const { partition, region, accountId } = env.model.account;

  function require(call: ServiceCall, action: string, resource: string): void {
    const decision = call.authorize(action, resource);
    if (decision !== 'allow') throw new AwsServiceError('AccessDeniedException', deniedMessage(call.caller.sessionArn, action, resource, decision));
  }

  /**
   * SendTask*: AWS authorizes on the state machine whose execution issued the token. A token the backend does not
   * know has no state machine; then the caller must be allowed the action on one of the template's state machines
   * (otherwise AccessDenied, as for any caller without the permission), and the backend answers the token itself
   * (TaskDoesNotExist, InvalidToken, …).
   */
  function requireForToken(call: ServiceCall, action: string, taskToken: string): void {
    const machine = backend.stateMachineOfToken(taskToken);
    if (machine) return require(call, action, machine);
    const candidates = machines.length > 0 ? machines.map((m) => m.arn) : [`arn:${partition}:states:${region}:${accountId}:stateMachine:*`];
    const decisions = candidates.map((arn) => call.authorize(action, arn));
    if (decisions.includes('allow')) return;
    const first = candidates[0] ?? '*';
    throw new AwsServiceError('AccessDeniedException', deniedMessage(call.caller.sessionArn, action, first, decisions[0] ?? 'implicitDeny'));
  }

  return {
    protocol: 'json1.0' as const,
    async handle(call: ServiceCall, operation: string): Promise<Reply> {
      const input = jsonObject(call.body);
      if (!input) throw new AwsServiceError('SerializationException', 'the request body is not a JSON object');
      switch (operation) {
        case 'StartExecution': {
          const stateMachineArn = requiredString(input, 'stateMachineArn');
          if (!/^arn:[^:]+:states:[^:]+:\d{12}:stateMachine:[^:]+/.test(stateMachineArn)) {
            throw new AwsServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${stateMachineArn}'`);
          }
          require(call, 'states:StartExecution', stateMachineArn);
          const name = optionalString(input, 'name') ?? randomUUID();
          if (!/^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/u.test(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
          const executionInput = optionalString(input, 'input') ?? '{}';
          checkJson(executionInput, 'InvalidExecutionInput', 'Invalid State Machine Execution Input');
          if (!machines.some((m) => m.arn === stateMachineArn)) {
            throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
          }
          const result = await backend.startExecution({ stateMachineArn, name, input: executionInput });
          return json({ executionArn: result.executionArn, startDate: epochSeconds(result.startDate) });
        }
        case 'StopExecution': {
          const executionArn = requiredString(input, 'executionArn');
          if (!/^arn:[^:]+:states:[^:]+:\d{12}:execution:[^:]+:[^:]+$/.test(executionArn)) {
            throw new AwsServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${executionArn}'`);
          }
          require(call, 'states:StopExecution', executionArn);
          const error = optionalString(input, 'error');
          const cause = optionalString(input, 'cause');
          const result = await backend.stopExecution({ executionArn, ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
          return json({ stopDate: epochSeconds(result.stopDate) });
        }
        case 'SendTaskSuccess': {
          const taskToken = requiredToken(input);
          const output = requiredString(input, 'output');
          requireForToken(call, 'states:SendTaskSuccess', taskToken);
          checkJson(output, 'InvalidOutput', 'Invalid Output');
          await backend.sendTaskSuccess({ taskToken, output });
          return json({});
        }
        case 'SendTaskFailure': {
          const taskToken = requiredToken(input);
          requireForToken(call, 'states:SendTaskFailure', taskToken);
          const error = optionalString(input, 'error');
          const cause = optionalString(input, 'cause');
          if (error !== undefined && error.length > 256) throw new AwsServiceError('ValidationException', "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256");
          if (cause !== undefined && cause.length > 32768) throw new AwsServiceError('ValidationException', "1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768");
          await backend.sendTaskFailure({ taskToken, ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
          return json({});
        }
        case 'SendTaskHeartbeat': {
          const taskToken = requiredToken(input);
          requireForToken(call, 'states:SendTaskHeartbeat', taskToken);
          await backend.sendTaskHeartbeat({ taskToken });
          return json({});
        }
        default:
          throw new AwsServiceError('UnknownOperationException', `The local AWS emulator does not implement Step Functions ${operation}`);
      }
    },
  };
}

function json(body: unknown): Reply {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) };
}

function requiredString(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw new AwsServiceError('ValidationException', `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function requiredToken(input: Record<string, unknown>): string {
  const token = requiredString(input, 'taskToken');
  if (token.length > 2048) throw new AwsServiceError('InvalidToken', 'Invalid Token: the task token is longer than 2048 characters');
  return token;
}

function checkJson(text: string, code: string, label: string): void {
  if (Buffer.byteLength(text) > MAX_PAYLOAD) throw new AwsServiceError(code, `${label}: the payload is larger than ${MAX_PAYLOAD} bytes`);
  try {
    JSON.parse(text);
  } catch (error) {
    throw new AwsServiceError(code, `${label}: '${(error as Error).message}'`);
  }
}
