// The loan pipeline: the Standard Step Functions workflow of statemachines/loan-pipeline.asl.json, with its
// `${Placeholders}` filled from pipeline-substitutions.ts, and the Lambdas its task states invoke.

import { ArnFormat, Aws, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnStateMachine, DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';
import { acknowledge, nagRef } from './nag';
import { PIPELINE_DEFINITION_FILE } from './paths';
import { pipelineSubstitutions, type PipelineTaskHandler } from './pipeline-substitutions';

export interface BureauSettings {
  /** The credit bureau's API base URL; empty: the sandbox bureau answers (a sandbox or UAT stage). */
  readonly baseUrl: string;
  /** The Secrets Manager secret holding the bureau API key (required with baseUrl). */
  readonly apiKeySecretArn: string;
}

/** The core banking system's API; empty: the sandbox bank answers (no money moves — a sandbox or UAT stage). */
export interface CoreBankingSettings {
  readonly baseUrl: string;
  readonly apiKeySecretArn: string;
}

export interface PipelineProps {
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The state machine and the Lambdas its task states invoke. What each task function may do is granted from its
 * handler's declaration (lib/bindings.ts), like every other function of the stack.
 */
export class Pipeline extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly resumeFunction: HouseFunction;
  public readonly scoreFunction: HouseFunction;
  public readonly decideFunction: HouseFunction;
  public readonly requestReviewFunction: HouseFunction;
  public readonly concludeFunction: HouseFunction;
  public readonly prepareContractFunction: HouseFunction;
  public readonly documentsFunction: HouseFunction;
  public readonly disburseFunction: HouseFunction;
  public readonly recordFailureFunction: HouseFunction;
  /** The state machine's name, fixed so that grants can name it without a reference (see grantTaskResponse). */
  private readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const task = (constructId: string, handlerName: PipelineTaskHandler, description: string, timeout?: Duration) =>
      new HouseFunction(this, constructId, { handlerName, description, logRemovalPolicy: props.logRemovalPolicy, ...(timeout ? { timeout } : {}) });

    this.resumeFunction = task('ResumeFunction', 'pipeline-resume', 'pipeline entry: the application continues from where it stands');
    // A bureau pull may take three attempts of up to 3 s each plus backoff: well above the house 10 s.
    this.scoreFunction = task('ScoreFunction', 'pipeline-score', 'pipeline task: bureau report, features and scorecard -> assessment', Duration.seconds(30));
    this.decideFunction = task('DecideFunction', 'pipeline-decide', 'pipeline task: the decision policy -> approve, decline or review');
    this.concludeFunction = task('ConcludeFunction', 'pipeline-conclude', 'pipeline tasks after review: conclude or request information');
    this.requestReviewFunction = task('RequestReviewFunction', 'pipeline-request-review', 'pipeline task with a token: assign the reviewer, store the token, e-mail the signed link');
    this.prepareContractFunction = task('PrepareContractFunction', 'pipeline-prepare-contract', 'pipeline task with a token: contract generated, stored and sent; waits for acceptance');
    this.documentsFunction = task('DocumentsFunction', 'pipeline-documents', 'pipeline task with a token: the document checklist gate waits until the required documents are in');
    // A transfer may take the bank's timeout three times over, plus backoff.
    this.disburseFunction = task('DisburseFunction', 'pipeline-disburse', 'pipeline task: pays out through core banking once, opens the loan', Duration.seconds(30));
    this.recordFailureFunction = task('RecordFailureFunction', 'pipeline-record-failure', 'pipeline catch: the application becomes FAILED and operations are alerted');

    const logGroup = new LogGroup(this, 'StateMachineLogGroup', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: props.logRemovalPolicy,
    });

    // Named, so that the task functions' grants can name it without a reference (see grantTaskResponse).
    const stateMachineName = `${Stack.of(this).stackName}-loan-pipeline`;
    this.stateMachineName = stateMachineName;
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(PIPELINE_DEFINITION_FILE),
      definitionSubstitutions: pipelineSubstitutions({
        partition: Aws.PARTITION,
        functionArns: {
          'pipeline-resume': this.resumeFunction.functionArn,
          'pipeline-score': this.scoreFunction.functionArn,
          'pipeline-decide': this.decideFunction.functionArn,
          'pipeline-request-review': this.requestReviewFunction.functionArn,
          'pipeline-conclude': this.concludeFunction.functionArn,
          'pipeline-prepare-contract': this.prepareContractFunction.functionArn,
          'pipeline-documents': this.documentsFunction.functionArn,
          'pipeline-disburse': this.disburseFunction.functionArn,
          'pipeline-record-failure': this.recordFailureFunction.functionArn,
        },
      }),
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });

    // The definition names the unqualified function ARNs, so the role may invoke exactly those (no `:*` versions).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [
          this.resumeFunction.functionArn,
          this.scoreFunction.functionArn,
          this.decideFunction.functionArn,
          this.requestReviewFunction.functionArn,
          this.concludeFunction.functionArn,
          this.prepareContractFunction.functionArn,
          this.documentsFunction.functionArn,
          this.disburseFunction.functionArn,
          this.recordFailureFunction.functionArn,
        ],
      }),
    );
    acknowledge(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions logging (logs:CreateLogDelivery, logs:*LogDelivery*, logs:PutResourcePolicy, logs:DescribeResourcePolicies, logs:DescribeLogGroups) and X-Ray tracing (xray:PutTraceSegments, xray:GetSampling*) support no resource-level permissions; CDK adds them with "*".',
    );
  }

  /**
   * Lets `fn` answer this state machine's task tokens (states:SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat).
   * The state machine is named by its ARN built from its fixed name, not by a reference: the task functions that
   * answer tokens are referred to by the state machine, and a reference back would be a dependency cycle.
   */
  public grantTaskResponse(fn: HouseFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
        resources: [Stack.of(this).formatArn({ service: 'states', resource: 'stateMachine', resourceName: this.stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
  }

  /** Lets `fn` start executions of this state machine, and tells it the state machine's ARN (STATE_MACHINE_ARN). */
  public grantStartExecution(fn: HouseFunction): void {
    this.stateMachine.grantStartExecution(fn);
    fn.setConfig('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
  }

  /**
   * Lets `fn` stop executions of this state machine (and nothing else): states:StopExecution on
   * `arn:<partition>:states:<region>:<account>:execution:<stateMachineName>:*`. Execution names are application ids,
   * unknown until an application is submitted, hence the `*`.
   */
  public grantStopExecution(fn: HouseFunction): void {
    const cfnStateMachine = this.stateMachine.node.defaultChild as CfnStateMachine;
    const executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${cfnStateMachine.attrName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StopExecution'], resources: [executions] }));
    fn.setConfig('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    acknowledge(
      fn.executionRole,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${nagRef(cfnStateMachine, 'Name')}:*]`,
      'withdrawing stops the application\'s own execution, named by its application id, which is only known at run time; the grant is StopExecution on executions of this one state machine.',
    );
  }
}
