// The overdue scan's continuation in AWS: the handler invokes itself asynchronously (InvocationType Event) with the
// business date and the cursor where it stopped, so a portfolio of any size is scanned in invocations that each stay
// well inside the Lambda time limit. The function's own name comes from the Lambda runtime's environment.

import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ScanContinuation } from '../../core/servicing/overdue-scan';

export function createLambdaScanContinuation(client: LambdaClient, functionName: () => string | undefined = () => process.env.AWS_LAMBDA_FUNCTION_NAME): ScanContinuation {
  return {
    async continueScan(event) {
      const name = functionName();
      if (!name) throw new Error('AWS_LAMBDA_FUNCTION_NAME is not set: the scan cannot continue itself');
      const result = await client.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(event)) }));
      if (result.StatusCode !== 202) throw new Error(`the continuation invoke answered ${result.StatusCode ?? 'no status'}`);
    },
  };
}
