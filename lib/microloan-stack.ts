// The whole system in one stack: data, notifications, identity, documents, the loan pipeline, the HTTP API and the
// product seed. Environment-agnostic (no account/region), so the same template deploys to any commercial region and
// to the China regions; ARNs are built with the AWS::Partition pseudo parameter, never a literal partition.

import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api, type ApiThrottle } from './api';
import { Data } from './data';
import { Documents } from './documents';
import { Identity } from './identity';
import { Notifications, type SmsProviderSettings } from './notifications';
import { Pipeline, type BureauSettings, type CoreBankingSettings } from './pipeline';
import { Schedules } from './schedules';
import { ProductSeed } from './product-seed';
import { HouseFunction } from './house-function';
import { Observability } from './observability';
import { isTimeZone } from './context';
import { bindAllFunctions } from './bindings';

export interface MicroloanStackProps extends StackProps {
  /** `dev` deletes data and logs with the stack; any other stage retains them and protects the table and pool. */
  readonly stage: string;
  /** Subscribed to operations alerts when non-empty. */
  readonly opsEmail?: string;
  readonly cognitoFeaturePlan?: 'plus' | 'default';
  readonly throttle?: ApiThrottle;
  readonly corsOrigins?: string[];
  /** @default the sandbox bureau */
  readonly bureau?: BureauSettings;
  /** @default the sandbox bank (no money moves) */
  readonly coreBanking?: CoreBankingSettings;
  /** How applicant SMS are sent: SNS, or an SMS provider's HTTP API (the China regions). @default SNS */
  readonly smsProvider?: SmsProviderSettings;
  /** The lender's IANA time zone (loan days, the overdue scan's run times, quiet hours): context microloan:timeZone. */
  readonly timeZone: string;
  /** The lender's legal name in contracts (context microloan:lenderName). @default a placeholder name */
  readonly lenderName?: string;
  /** PAR30 (share of principal 30+ days past due, 0–1) above which the PAR30 alarm fires. @default 0.05 */
  readonly par30AlarmThreshold?: number;
}

export class MicroloanStack extends Stack {
  public readonly stage: string;
  public readonly data: Data;
  public readonly notifications: Notifications;
  public readonly identity: Identity;
  public readonly documents: Documents;
  public readonly pipeline: Pipeline;
  public readonly api: Api;
  public readonly productSeed: ProductSeed;
  public readonly schedules: Schedules;
  /** The operations dashboard and the alarms (to the ops topic). */
  public readonly observability: Observability;

  constructor(scope: Construct, id: string, props: MicroloanStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    const retainData = props.stage !== 'dev';
    const { timeZone } = props;
    if (!isTimeZone(timeZone)) throw new Error(`microloan:timeZone must be an IANA time zone such as Europe/Berlin, got '${timeZone}'`);
    const logRemovalPolicy = retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.data = new Data(this, 'Data', { retainData });
    this.notifications = new Notifications(this, 'Notifications', {
      key: this.data.key,
      opsEmail: props.opsEmail,
      ...(props.smsProvider ? { sms: props.smsProvider } : {}),
    });
    this.identity = new Identity(this, 'Identity', { retainData, featurePlan: props.cognitoFeaturePlan });
    this.documents = new Documents(this, 'Documents', { key: this.data.key, logRemovalPolicy });
    this.pipeline = new Pipeline(this, 'Pipeline', { logRemovalPolicy });
    this.api = new Api(this, 'Api', {
      userPool: this.identity.userPool,
      userPoolClient: this.identity.applicantClient,
      logRemovalPolicy,
      throttle: props.throttle,
      corsOrigins: props.corsOrigins,
    });
    this.schedules = new Schedules(this, 'Schedules', { logRemovalPolicy, timeZone });
    this.productSeed = new ProductSeed(this, 'ProductSeed', { logRemovalPolicy });

    // Every function: the lender's settings, then exactly what its declaration binds it to (lib/bindings.ts).
    const functions = this.node.findAll().filter((c): c is HouseFunction => c instanceof HouseFunction);
    for (const fn of functions) {
      fn.setConfig('TIME_ZONE', timeZone);
      if (props.lenderName) fn.setConfig('LENDER_NAME', props.lenderName);
    }
    bindAllFunctions(this, {
      table: this.data.table,
      data: this.data,
      notifications: this.notifications,
      documents: this.documents,
      pipeline: this.pipeline,
      apiUrl: this.api.url,
      bureau: props.bureau ?? { baseUrl: '', apiKeySecretArn: '' },
      coreBanking: props.coreBanking ?? { baseUrl: '', apiKeySecretArn: '' },
    });

    // Last: the dashboard and alarms watch every part above, every function included.
    this.observability = new Observability(this, 'Observability', {
      functions: this.node.findAll().filter((c): c is HouseFunction => c instanceof HouseFunction),
      stateMachine: this.pipeline.stateMachine,
      table: this.data.table,
      httpApi: this.api.httpApi,
      opsTopic: this.notifications.opsTopic,
      topicKey: this.data.key,
      ...(props.par30AlarmThreshold !== undefined ? { par30AlarmThreshold: props.par30AlarmThreshold } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.applicantClient.userPoolClientId });
    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'DocumentsBucketName', { value: this.documents.bucket.bucketName });
  }
}
