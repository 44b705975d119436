// The loan pipeline on AWS Step Functions. Standard workflows refuse a second execution of the same name, which is
// what makes a retried submit (execution name = application id) start only one.

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
import type { PipelineExecutions, TaskTokens } from '../../core/applications/ports';

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

/** Starts and stops executions of one state machine; execution names are the application's (see the port). */
export function createStepFunctionsExecutions(client: SFNClient, stateMachineArn: string): PipelineExecutions {
  // arn:<partition>:states:<region>:<account>:stateMachine:<name> → …:execution:<name>:<executionName>
  const executionArn = (name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  return {
    async start(executionName, input) {
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
        return { started: true };
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists) return { started: false };
        throw error;
      }
    },

    async stop(executionName, cause) {
      try {
        await client.send(new StopExecutionCommand({ executionArn: executionArn(executionName), cause, error: 'Stopped' }));
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return;
        throw error;
      }
    },
  };
}

/** Answers waiting tasks by their tokens (any state machine's: the token says which). */
export function createStepFunctionsTaskTokens(client: SFNClient): TaskTokens {
  return {
    sendTaskSuccess(taskToken, output) {
      return answering(() => client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
    },
    sendTaskFailure(taskToken, error, cause) {
      return answering(() => client.send(new SendTaskFailureCommand({ taskToken, error, cause })));
    },
  };
}
