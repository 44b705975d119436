// The loan pipeline: the Standard Step Functions workflow of statemachines/loan-pipeline.asl.json, with its
// `${Placeholders}` filled from pipeline-substitutions.ts, and the Lambdas its task states invoke.

import { ArnFormat, Aws, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnStateMachine, DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';
import type { Notifications } from './notifications';
import type { Data } from './data';
import type { Documents } from './documents';
import { acknowledge, nagRef } from './nag';
import { PIPELINE_DEFINITION_FILE } from './paths';
import { pipelineSubstitutions } from './pipeline-substitutions';

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
  readonly table: Table;
  readonly documents: Documents;
  readonly coreBanking: CoreBankingSettings;
  /** The Score task opens the sealed applicant identity to pull the bureau report. */
  readonly data: Data;
  readonly bureau: BureauSettings;
  /** Its operations topic hears of every step that failed for good. */
  readonly notifications: Notifications;
  readonly logRemovalPolicy: RemovalPolicy;
}

export class Pipeline extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly markAssessingFunction: HouseFunction;
  public readonly scoreFunction: HouseFunction;
  public readonly decideFunction: HouseFunction;
  public readonly requestReviewFunction: HouseFunction;
  public readonly concludeFunction: HouseFunction;
  public readonly prepareContractFunction: HouseFunction;
  public readonly disburseFunction: HouseFunction;
  public readonly recordFailureFunction: HouseFunction;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);

    this.markAssessingFunction = new HouseFunction(this, 'MarkAssessingFunction', {
      handlerName: 'pipeline-mark-assessing',
      description: 'pipeline task: SUBMITTED -> ASSESSING',
      logRemovalPolicy: props.logRemovalPolicy,
    }).bindTable(props.table, 'readWrite');

    // A bureau pull may take three attempts of up to 3 s each plus backoff: well above the house 10 s.
    this.scoreFunction = new HouseFunction(this, 'ScoreFunction', {
      handlerName: 'pipeline-score',
      description: 'pipeline task: bureau report, features and scorecard -> assessment',
      timeout: Duration.seconds(30),
      logRemovalPolicy: props.logRemovalPolicy,
    }).bindTable(props.table, 'readWrite');
    props.data.grantPiiSecretRead(this.scoreFunction);
    if (props.bureau.baseUrl) {
      if (!props.bureau.apiKeySecretArn) throw new Error('microloan:bureauApiKeySecretArn is required with microloan:bureauBaseUrl');
      this.scoreFunction.setConfig('BUREAU_BASE_URL', props.bureau.baseUrl);
      this.scoreFunction.setConfig('BUREAU_API_KEY_SECRET_ARN', props.bureau.apiKeySecretArn);
      Secret.fromSecretCompleteArn(this, 'BureauApiKey', props.bureau.apiKeySecretArn).grantRead(this.scoreFunction);
    }

    // Decide and Conclude tell the applicant (SMS to the phone, e-mail through the applicant topic): they open the
    // sealed contact details, read the policy and products, and publish.
    const applicantNotifier = (
      id: string,
      handlerName: 'pipeline-decide' | 'pipeline-conclude' | 'pipeline-prepare-contract' | 'pipeline-disburse',
      description: string,
    ) => {
      const fn = new HouseFunction(this, id, { handlerName, description, logRemovalPolicy: props.logRemovalPolicy }).bindTable(props.table, 'readWrite');
      props.data.grantPiiSecretRead(fn);
      props.notifications.grantApplicantMessages(fn);
      return fn;
    };
    this.decideFunction = applicantNotifier('DecideFunction', 'pipeline-decide', 'pipeline task: the decision policy -> approve, decline or review');
    this.concludeFunction = applicantNotifier('ConcludeFunction', 'pipeline-conclude', 'pipeline tasks after review: conclude or request information');

    this.requestReviewFunction = new HouseFunction(this, 'RequestReviewFunction', {
      handlerName: 'pipeline-request-review',
      description: 'pipeline task with a token: assign the reviewer, store the token, e-mail the signed link',
      logRemovalPolicy: props.logRemovalPolicy,
    })
      .bindTable(props.table, 'readWrite')
      .setConfig('REVIEW_TOPIC_ARN', props.notifications.reviewTopic.topicArn);
    props.notifications.grantPublish(props.notifications.reviewTopic, this.requestReviewFunction);
    props.data.grantReviewLinkSecretRead(this.requestReviewFunction);

    // The contract step renders and stores the contract, tells the applicant, and answers its own token when the
    // application has moved on; the disbursement pays out through core banking and opens the loan.
    this.prepareContractFunction = applicantNotifier('PrepareContractFunction', 'pipeline-prepare-contract', 'pipeline task with a token: contract generated, stored and sent; waits for acceptance');
    props.documents.grantContractWrite(this.prepareContractFunction);
    this.disburseFunction = applicantNotifier('DisburseFunction', 'pipeline-disburse', 'pipeline task: pays out through core banking once, opens the loan');
    if (props.coreBanking.baseUrl) {
      if (!props.coreBanking.apiKeySecretArn) throw new Error('microloan:coreBankingApiKeySecretArn is required with microloan:coreBankingBaseUrl');
      this.disburseFunction.setConfig('CORE_BANKING_BASE_URL', props.coreBanking.baseUrl);
      this.disburseFunction.setConfig('CORE_BANKING_API_KEY_SECRET_ARN', props.coreBanking.apiKeySecretArn);
      Secret.fromSecretCompleteArn(this, 'CoreBankingApiKey', props.coreBanking.apiKeySecretArn).grantRead(this.disburseFunction);
    }

    this.recordFailureFunction = new HouseFunction(this, 'RecordFailureFunction', {
      handlerName: 'pipeline-record-failure',
      description: 'pipeline catch: the application becomes FAILED and operations are alerted',
      logRemovalPolicy: props.logRemovalPolicy,
    })
      .bindTable(props.table, 'readWrite')
      .setConfig('OPS_TOPIC_ARN', props.notifications.opsTopic.topicArn);
    props.notifications.grantPublish(props.notifications.opsTopic, this.recordFailureFunction);

    const logGroup = new LogGroup(this, 'StateMachineLogGroup', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: props.logRemovalPolicy,
    });

    // Named, so that the contract step's grant can name it without a reference (see below).
    const stateMachineName = `${Stack.of(this).stackName}-loan-pipeline`;
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(PIPELINE_DEFINITION_FILE),
      definitionSubstitutions: pipelineSubstitutions({
        partition: Aws.PARTITION,
        functionArns: {
          'pipeline-mark-assessing': this.markAssessingFunction.functionArn,
          'pipeline-score': this.scoreFunction.functionArn,
          'pipeline-decide': this.decideFunction.functionArn,
          'pipeline-request-review': this.requestReviewFunction.functionArn,
          'pipeline-conclude': this.concludeFunction.functionArn,
          'pipeline-prepare-contract': this.prepareContractFunction.functionArn,
          'pipeline-disburse': this.disburseFunction.functionArn,
          'pipeline-record-failure': this.recordFailureFunction.functionArn,
        },
      }),
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });

    // The contract step answers its own token at once when the application has left APPROVED (withdrawn meanwhile).
    // The grant names the state machine by its ARN built from the name, not by a reference: the state machine
    // already refers to this function, and a reference back would be a dependency cycle.
    this.prepareContractFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
        resources: [Stack.of(this).formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );

    // The definition names the unqualified function ARNs, so the role may invoke exactly those (no `:*` versions).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [
          this.markAssessingFunction.functionArn,
          this.scoreFunction.functionArn,
          this.decideFunction.functionArn,
          this.requestReviewFunction.functionArn,
          this.concludeFunction.functionArn,
          this.prepareContractFunction.functionArn,
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

  /** Lets `fn` answer the review task tokens of this state machine (states:SendTaskSuccess / SendTaskFailure). */
  public grantTaskResponse(fn: HouseFunction): void {
    this.stateMachine.grantTaskResponse(fn);
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
