// What the local AWS emulator (emulator.ts) hands over to the local stack: the services it does not keep itself.
// The emulator checks IAM and speaks the wire protocols; a backend only does the work. A backend refuses with an
// AwsServiceError, which the emulator renders in the service's own error shape (so the SDK throws the right class).

/** An error in AWS terms: `code` is the service's error code (e.g. `ExecutionAlreadyExists`, `TaskDoesNotExist`). */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export interface EmulatorBackends {
  /** DynamoDB Local (it ignores signatures); DynamoDB requests are forwarded there unchanged after the IAM checks. */
  dynamodbEndpoint: string;
  stepFunctions: {
    startExecution(i: { stateMachineArn: string; name: string; input: string }): Promise<{ executionArn: string; startDate: Date }>;
    stopExecution(i: { executionArn: string; error?: string; cause?: string }): Promise<{ stopDate: Date }>;
    sendTaskSuccess(i: { taskToken: string; output: string }): Promise<void>;
    sendTaskFailure(i: { taskToken: string; error?: string; cause?: string }): Promise<void>;
    sendTaskHeartbeat(i: { taskToken: string }): Promise<void>;
    /** The ARN of the state machine whose execution issued the token; undefined for a token it never issued. */
    stateMachineOfToken(taskToken: string): string | undefined;
  };
  sns: {
    publish(i: {
      topicArn?: string;
      phoneNumber?: string;
      subject?: string;
      message: string;
      /** Name → StringValue (a Binary attribute's value in base64). */
      messageAttributes: Record<string, string>;
    }): Promise<{ messageId: string }>;
    subscribe(i: {
      topicArn: string;
      protocol: string;
      endpoint: string;
      attributes: Record<string, string>;
      returnSubscriptionArn: boolean;
    }): Promise<{ subscriptionArn: string }>;
  };
  secrets: {
    /** By ARN (complete or without the 6-character suffix) or name; undefined when there is no such secret. */
    get(secretId: string): { arn: string; name: string; secretString: string; versionId: string } | undefined;
  };
  lambda: {
    /**
     * `functionName` is the function's physical name (the template's FunctionName or the local derived one, see
     * templateFunctions); `caller` is the calling function's logical id, or a service principal such as
     * `events.amazonaws.com` for EventBridge rule targets and `s3.amazonaws.com` for bucket notifications.
     */
    invoke(i: {
      functionName: string;
      payload: Buffer;
      invocationType: 'RequestResponse' | 'Event' | 'DryRun';
      caller: string;
    }): Promise<{ statusCode: number; payload: Buffer; functionError?: string; executedVersion: string }>;
  };
}
