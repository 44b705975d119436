// The loan pipeline on AWS Step Functions. The execution name is the application id: Standard workflows refuse a
// second execution of the same name, which is what makes a retried submit start only one.

import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Workflow } from '../../core/ports';

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
