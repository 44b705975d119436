// The loan pipeline on AWS Step Functions. The execution name is the application id: Standard workflows refuse a
// second execution of the same name, which is what makes a retried submit start only one.

import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { TaskTokenGoneError } from '../../core/kernel/errors';
import type { Workflow } from '../../core/applications/ports';

/** The answers Step Functions gives for a token that no longer waits, as one domain error. */
async function answering(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) {
      throw new TaskTokenGoneError('this task is no longer waiting for an answer', { cause: error });
    }
    throw error;
  }
}

export function createStepFunctionsWorkflow(client: SFNClient, stateMachineArn: string): Workflow {
  // arn:<partition>:states:<region>:<account>:stateMachine:<name> → …:execution:<name>:<executionName>
  const executionArn = (name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

  return {
    async start(applicationId, input) {
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name: applicationId, input: JSON.stringify(input) }));
        return { started: true };
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists) return { started: false };
        throw error;
      }
    },

    sendTaskSuccess(taskToken, output) {
      return answering(() => client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
    },

    sendTaskFailure(taskToken, error, cause) {
      return answering(() => client.send(new SendTaskFailureCommand({ taskToken, error, cause })));
    },

    async stop(applicationId, cause) {
      try {
        await client.send(new StopExecutionCommand({ executionArn: executionArn(applicationId), cause, error: 'Stopped' }));
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return;
        throw error;
      }
    },
  };
}
