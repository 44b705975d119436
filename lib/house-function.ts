// The house Lambda: a NodejsFunction with the project's defaults, so that every function is bundled, traced, logged
// and configured the same way. Each function gets its own role whose only built-in permission is writing to its own
// log group (no AWSLambdaBasicExecutionRole, which would allow writing to every log group); everything else is
// granted by the construct that wires the function, through the grant helpers below.

import { CfnElement, CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { HandlerName } from '../functions/shared/routes';
import type { BindingName } from '../functions/shared/bindings';
import type { LambdaConfig } from '../functions/shared/config';
import { acknowledge, nagRef } from './nag';
import { DEPS_LOCK_FILE, REPO_ROOT, handlerEntry } from './paths';

/** The names of the settings a Lambda reads (functions/shared/config.ts). */
export type ConfigName = keyof LambdaConfig & string;

/** The template metadata key that names a function's handler (functions/handlers/<name>.ts). */
export const HANDLER_METADATA_KEY = 'microloan:handler';

/** Set on every function. */
export const COMMON_ENVIRONMENT: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: 'microloan-approval',
  POWERTOOLS_METRICS_NAMESPACE: 'MicroloanApproval',
  LOG_LEVEL: 'INFO',
  NODE_OPTIONS: '--enable-source-maps',
};

/** Lets bundled CommonJS dependencies that call require() for Node built-ins run inside the ESM bundle. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface HouseFunctionProps {
  /** The handler: entry `functions/handlers/<handlerName>.ts`, export `handler`. */
  readonly handlerName: HandlerName;
  readonly description?: string;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Settings from functions/shared/config.ts. */
  readonly environment?: Partial<Record<ConfigName, string>>;
  /** @default three months */
  readonly logRetention?: RetentionDays;
  /** What happens to the log group when the stack is deleted. @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** A fixed physical name, for a function that must name itself in its own policy. @default generated */
  readonly functionName?: string;
}

export class HouseFunction extends NodejsFunction {
  /** The function's own execution role (created beside the function, passed in as `role`). */
  public readonly executionRole: Role;
  public readonly handlerName: HandlerName;
  /** The physical name, when fixed (a function that must name itself in its own policy). */
  public readonly fixedName: string | undefined;
  /** The settings set so far (lib/bindings.ts checks that every binding set its own). */
  public readonly configuredSettings = new Set<string>();
  /** The bindings of its declaration, once bound (lib/bindings.ts). */
  public declaredBindings: readonly BindingName[] = [];

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const executionRole = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `execution role of the ${props.handlerName} Lambda`,
    });
    super(scope, id, {
      entry: handlerEntry(props.handlerName),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: DEPS_LOCK_FILE,
      description: props.description ?? `microloan-approval ${props.handlerName}`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role: executionRole,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      logGroup,
      environment: { ...COMMON_ENVIRONMENT, ...(props.environment as Record<string, string> | undefined) },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        // Error class names are what Step Functions' Retry/Catch match (ConcurrentModificationError, …): keep them.
        keepNames: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // Bundle everything, the AWS SDK v3 included, so that the deployed versions are the ones in package-lock.json.
        externalModules: [],
        // Bundle with the esbuild in node_modules; there is no Docker engine on the build machines.
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
    this.executionRole = executionRole;
    this.handlerName = props.handlerName;
    this.fixedName = props.functionName;
    // Which handler this function runs, for the tools that run the template's functions (the local stack, the tests).
    (this.node.defaultChild as CfnResource).addMetadata(HANDLER_METADATA_KEY, props.handlerName);
    for (const name of Object.keys(props.environment ?? {})) this.configuredSettings.add(name);

    logGroup.grantWrite(executionRole);
    // Tracing.ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to the role's default policy.
    acknowledge(
      executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; "*" is the only valid resource (added by Tracing.ACTIVE).',
    );
  }

  /** Sets a setting from functions/shared/config.ts. */
  public setConfig(name: ConfigName, value: string): this {
    this.addEnvironment(name, value);
    this.configuredSettings.add(name);
    return this;
  }

  /** Grants read or read/write access to the single table and tells the function its name (TABLE_NAME). */
  public bindTable(table: ITable, access: 'read' | 'readWrite'): this {
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    this.setConfig('TABLE_NAME', table.tableName);
    if (access === 'readWrite' && table.encryptionKey) {
      // grantReadWriteData also lets DynamoDB use the table's customer-managed key on the caller's behalf.
      for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
        acknowledge(
          this.executionRole,
          `AwsSolutions-IAM5[Action::${action}]`,
          `${action} is part of CDK's table.grantReadWriteData for a table encrypted with a customer-managed key (DynamoDB uses the key on the caller's behalf); the statement's only resource is that one key.`,
        );
      }
    }
    const cfnTable = table.node.defaultChild;
    if (cfnTable && CfnElement.isCfnElement(cfnTable)) {
      acknowledge(
        this.executionRole,
        `AwsSolutions-IAM5[Resource::${nagRef(cfnTable, 'Arn')}/index/*]`,
        'the single-table design queries its global secondary indexes (GSI1-GSI3 of table-definition.ts); the grant covers only this table\'s own indexes.',
      );
    }
    return this;
  }
}
