// The synthesized CloudFormation template as the local stack sees it: every intrinsic resolved to a concrete local
// value, with deterministic physical names and ARNs in place of what CloudFormation would generate. The local AWS
// emulator takes its buckets, topics, secrets, roles and rules from here, and the local stack the functions'
// environment, so a function runs locally with exactly what the deployed template gives it.

import { createHash } from 'node:crypto';
import type { PolicyStatement } from './iam';

export interface LocalAccount {
  partition: string;
  region: string;
  accountId: string;
  stackName: string;
  /** Physical names to use for given logical ids (e.g. the DynamoDB table → 'microloan-local'). */
  physicalNames?: Record<string, string>;
  /** The URL the local HTTP API listens on, e.g. 'http://localhost:3000/'; the API stage URL resolves to it. */
  apiUrl?: string;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Outputs?: Record<string, { Value: unknown }>;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

// ---------------------------------------------------------------------------------------------------------------
// Public model

export interface TemplateFunction {
  logicalId: string;
  functionName: string;
  arn: string;
  handler?: string;
  runtime?: string;
  code: { s3Key: string; s3Bucket?: string } | { zipFile: string } | { imageUri: string };
  /** The execution role's logical id, when the role is in the template. */
  roleLogicalId?: string;
  roleArn: string;
  /** The role's name (the middle part of the `assumed-role/<role>/<function>` session ARN). */
  roleName: string;
  environment: Record<string, string>;
  /** Seconds; CloudFormation's default is 3. */
  timeoutSeconds: number;
  /** MB; CloudFormation's default is 128. */
  memoryMb: number;
  tracing: 'Active' | 'PassThrough';
  architectures: string[];
  description?: string;
  logGroupName?: string;
}

export interface TemplateEventRule {
  logicalId: string;
  name: string;
  arn: string;
  /** 'default' unless the rule names another bus. */
  eventBusName: string;
  eventPattern?: unknown;
  scheduleExpression?: string;
  state: string;
  targets: { id: string; arn: string; input?: string; inputPath?: string; roleArn?: string; hasInputTransformer: boolean }[];
}

export interface TemplateTopic {
  logicalId: string;
  arn: string;
  name: string;
  /** The customer managed key the topic is encrypted with (an ARN; undefined for none or an AWS managed key). */
  kmsKeyArn?: string;
}

export interface BucketLambdaNotification {
  events: string[];
  prefix?: string;
  suffix?: string;
  functionArn: string;
  id?: string;
}

export interface TemplateBucket {
  logicalId: string;
  name: string;
  arn: string;
  /** 'AES256', 'aws:kms', 'aws:kms:dsse'; undefined when the template says nothing (S3 then uses AES256). */
  sseAlgorithm?: string;
  /** The customer managed key of SSE-KMS (undefined for S3's AWS managed key `aws/s3`). */
  kmsKeyArn?: string;
  bucketKeyEnabled: boolean;
  versioned: boolean;
  /** Object events go to the default event bus (the bucket's EventBridgeConfiguration, or CDK's notifications resource). */
  eventBridgeEnabled: boolean;
  /** Direct bucket → Lambda notifications (the bucket's LambdaConfigurations or CDK's Custom::S3BucketNotifications). */
  lambdaNotifications: BucketLambdaNotification[];
  /** The bucket's CorsConfiguration rules (browsers upload with pre-signed PUTs). */
  corsRules: BucketCorsRule[];
}

export interface BucketCorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposedHeaders: string[];
  maxAge?: number;
}

export interface TemplateSecret {
  logicalId: string;
  arn: string;
  name: string;
  kmsKeyArn?: string;
}

export interface TemplateTable {
  logicalId: string;
  name: string;
  arn: string;
  kmsKeyArn?: string;
}

export interface TemplateStateMachine {
  logicalId: string;
  name: string;
  arn: string;
}

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface CredentialDirectory {
  /** Throws for a logical id that is no Lambda function of the template. */
  forFunction(functionLogicalId: string): LocalCredentials;
  /** The function logical id an access key id belongs to. */
  functionOf(accessKeyId: string): string | undefined;
  entries(): [string, LocalCredentials][];
}

/** The template parsed once, with every lookup the emulator needs. */
export class LocalTemplate {
  readonly template: CfnTemplate;
  private readonly conditionCache = new Map<string, boolean>();
  private readonly conditionsInProgress = new Set<string>();

  constructor(
    template: unknown,
    readonly account: LocalAccount,
  ) {
    this.template = parseTemplate(template);
  }

  /** Resolves a template value (intrinsics, pseudo parameters) to concrete JSON. */
  resolve(value: unknown, path = '$'): unknown {
    const resolved = this.resolveValue(value, path);
    if (resolved === NO_VALUE) return undefined;
    return this.rewriteApiUrls(resolved);
  }

  resolveString(value: unknown, path: string): string {
    const resolved = this.resolve(value, path);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new TemplateError(`${path}: expected a string, got ${JSON.stringify(resolved)}`);
  }

  /** Resources of one type whose Condition (if any) holds. */
  resourcesOfType(type: string): [string, CfnResource][] {
    return Object.entries(this.template.Resources).filter(([id, r]) => r.Type === type && this.resourceExists(id));
  }

  resource(logicalId: string): CfnResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new TemplateError(`no resource with logical id ${logicalId}`);
    return resource;
  }

  /** What `Ref` gives for a resource. */
  ref(logicalId: string): string {
    const resource = this.resource(logicalId);
    if (!this.resourceExists(logicalId)) throw new TemplateError(`Ref ${logicalId}: its condition ${resource.Condition} is false`);
    return this.physical(logicalId, resource).ref;
  }

  /** What `Fn::GetAtt` gives for a resource attribute. */
  getAtt(logicalId: string, attribute: string): unknown {
    const resource = this.resource(logicalId);
    const attributes = this.physical(logicalId, resource).attributes;
    if (!Object.hasOwn(attributes, attribute)) {
      throw new TemplateError(`Fn::GetAtt ${logicalId}.${attribute}: attribute ${attribute} of ${resource.Type} is not modelled locally`);
    }
    return attributes[attribute];
  }

  functions(): TemplateFunction[] {
    return this.resourcesOfType('AWS::Lambda::Function').map(([logicalId, resource]) => this.templateFunction(logicalId, resource));
  }

  roleStatements(roleLogicalId: string): PolicyStatement[] {
    const role = this.resource(roleLogicalId);
    if (role.Type !== 'AWS::IAM::Role') throw new TemplateError(`${roleLogicalId} is a ${role.Type}, not an AWS::IAM::Role`);
    const roleName = this.ref(roleLogicalId);
    const props = role.Properties ?? {};
    const statements: PolicyStatement[] = [];

    const inline = this.resolve(props.Policies ?? [], `${roleLogicalId}.Policies`);
    for (const [index, policy] of asArray(inline, `${roleLogicalId}.Policies`).entries()) {
      const record = asRecord(policy, `${roleLogicalId}.Policies[${index}]`);
      const source = `${roleLogicalId}/${String(record.PolicyName ?? index)}`;
      statements.push(...policyDocumentStatements(record.PolicyDocument, source));
    }

    const managedArns = asArray(this.resolve(props.ManagedPolicyArns ?? [], `${roleLogicalId}.ManagedPolicyArns`), `${roleLogicalId}.ManagedPolicyArns`);
    const templateManaged = new Map(this.resourcesOfType('AWS::IAM::ManagedPolicy').map(([id]) => [this.ref(id), id] as const));
    for (const arnValue of managedArns) {
      const arn = String(arnValue);
      const templatePolicyId = templateManaged.get(arn);
      if (templatePolicyId) {
        const policy = this.resource(templatePolicyId);
        statements.push(...policyDocumentStatements(this.resolve(policy.Properties?.PolicyDocument, `${templatePolicyId}.PolicyDocument`), templatePolicyId));
        continue;
      }
      statements.push(...awsManagedPolicyStatements(arn, this.account.partition));
    }

    // Policies that attach themselves to the role (what CDK's grants create), and managed policies listing it.
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
      for (const [policyId, policy] of this.resourcesOfType(type)) {
        const roles = asArray(this.resolve(policy.Properties?.Roles ?? [], `${policyId}.Roles`), `${policyId}.Roles`);
        if (!roles.some((r) => r === roleName)) continue;
        if (type === 'AWS::IAM::ManagedPolicy' && managedArns.includes(this.ref(policyId))) continue; // already counted
        statements.push(...policyDocumentStatements(this.resolve(policy.Properties?.PolicyDocument, `${policyId}.PolicyDocument`), policyId));
      }
    }
    for (const [policyId, policy] of this.resourcesOfType('AWS::IAM::RolePolicy')) {
      if (this.resolve(policy.Properties?.RoleName, `${policyId}.RoleName`) !== roleName) continue;
      statements.push(...policyDocumentStatements(this.resolve(policy.Properties?.PolicyDocument, `${policyId}.PolicyDocument`), policyId));
    }
    return statements;
  }

  eventRules(): TemplateEventRule[] {
    return this.resourcesOfType('AWS::Events::Rule').map(([logicalId, resource]) => {
      const props = resource.Properties ?? {};
      const path = `${logicalId}.Properties`;
      let eventPattern = props.EventPattern === undefined ? undefined : this.resolve(props.EventPattern, `${path}.EventPattern`);
      if (typeof eventPattern === 'string') eventPattern = parseJson(eventPattern, `${path}.EventPattern`);
      const targets = asArray(this.resolve(props.Targets ?? [], `${path}.Targets`), `${path}.Targets`).map((target, index) => {
        const t = asRecord(target, `${path}.Targets[${index}]`);
        return {
          id: String(t.Id ?? index),
          arn: String(t.Arn),
          ...(t.Input !== undefined ? { input: typeof t.Input === 'string' ? t.Input : JSON.stringify(t.Input) } : {}),
          ...(typeof t.InputPath === 'string' ? { inputPath: t.InputPath } : {}),
          ...(typeof t.RoleArn === 'string' ? { roleArn: t.RoleArn } : {}),
          hasInputTransformer: t.InputTransformer !== undefined,
        };
      });
      const bus = props.EventBusName === undefined ? 'default' : this.resolveString(props.EventBusName, `${path}.EventBusName`);
      return {
        logicalId,
        name: this.ref(logicalId),
        arn: String(this.getAtt(logicalId, 'Arn')),
        eventBusName: bus.startsWith('arn:') ? bus.slice(bus.lastIndexOf('/') + 1) : bus,
        ...(eventPattern !== undefined ? { eventPattern } : {}),
        ...(props.ScheduleExpression !== undefined ? { scheduleExpression: this.resolveString(props.ScheduleExpression, `${path}.ScheduleExpression`) } : {}),
        state: props.State === undefined ? 'ENABLED' : this.resolveString(props.State, `${path}.State`),
        targets,
      };
    });
  }

  topics(): TemplateTopic[] {
    return this.resourcesOfType('AWS::SNS::Topic').map(([logicalId, resource]) => {
      const key = optionalString(this.resolve(resource.Properties?.KmsMasterKeyId, `${logicalId}.KmsMasterKeyId`));
      const kmsKeyArn = key ? this.customerKeyArn(key) : undefined;
      return { logicalId, arn: this.ref(logicalId), name: String(this.getAtt(logicalId, 'TopicName')), ...(kmsKeyArn ? { kmsKeyArn } : {}) };
    });
  }

  buckets(): TemplateBucket[] {
    const notifications = this.resourcesOfType('Custom::S3BucketNotifications').map(([id, r]) => ({
      bucket: this.resolve(r.Properties?.BucketName, `${id}.BucketName`),
      configuration: asRecordOrEmpty(this.resolve(r.Properties?.NotificationConfiguration ?? {}, `${id}.NotificationConfiguration`)),
    }));
    return this.resourcesOfType('AWS::S3::Bucket').map(([logicalId, resource]) => {
      const props = resource.Properties ?? {};
      const name = this.ref(logicalId);
      const encryption = asRecordOrEmpty(this.resolve(props.BucketEncryption ?? {}, `${logicalId}.BucketEncryption`));
      const rule = asRecordOrEmpty(asArrayOrEmpty(encryption.ServerSideEncryptionConfiguration)[0]);
      const byDefault = asRecordOrEmpty(rule.ServerSideEncryptionByDefault);
      const sseAlgorithm = optionalString(byDefault.SSEAlgorithm);
      const key = optionalString(byDefault.KMSMasterKeyID);
      const kmsKeyArn = sseAlgorithm?.startsWith('aws:kms') && key ? this.customerKeyArn(key) : undefined;
      const ownConfiguration = asRecordOrEmpty(this.resolve(props.NotificationConfiguration ?? {}, `${logicalId}.NotificationConfiguration`));
      const custom = notifications.filter((n) => n.bucket === name).map((n) => n.configuration);

      const lambdaNotifications: BucketLambdaNotification[] = [];
      for (const config of asArrayOrEmpty(ownConfiguration.LambdaConfigurations)) {
        const c = asRecordOrEmpty(config);
        const rules = asArrayOrEmpty(asRecordOrEmpty(asRecordOrEmpty(c.Filter).S3Key).Rules);
        lambdaNotifications.push({ events: [String(c.Event)], ...filterRules(rules), functionArn: String(c.Function) });
      }
      for (const configuration of custom) {
        for (const config of asArrayOrEmpty(configuration.LambdaFunctionConfigurations)) {
          const c = asRecordOrEmpty(config);
          const rules = asArrayOrEmpty(asRecordOrEmpty(asRecordOrEmpty(c.Filter).Key).FilterRules);
          lambdaNotifications.push({
            events: asArrayOrEmpty(c.Events).map(String),
            ...filterRules(rules),
            functionArn: String(c.LambdaFunctionArn),
            ...(typeof c.Id === 'string' ? { id: c.Id } : {}),
          });
        }
      }
      const eventBridgeEnabled =
        isTrue(asRecordOrEmpty(ownConfiguration.EventBridgeConfiguration).EventBridgeEnabled) ||
        custom.some((configuration) => configuration.EventBridgeConfiguration !== undefined);
      const versioning = asRecordOrEmpty(this.resolve(props.VersioningConfiguration ?? {}, `${logicalId}.VersioningConfiguration`));
      const cors = asRecordOrEmpty(this.resolve(props.CorsConfiguration ?? {}, `${logicalId}.CorsConfiguration`));
      const corsRules: BucketCorsRule[] = asArrayOrEmpty(cors.CorsRules).map((item) => {
        const r = asRecordOrEmpty(item);
        return {
          allowedOrigins: asArrayOrEmpty(r.AllowedOrigins).map(String),
          allowedMethods: asArrayOrEmpty(r.AllowedMethods).map(String),
          allowedHeaders: asArrayOrEmpty(r.AllowedHeaders).map(String),
          exposedHeaders: asArrayOrEmpty(r.ExposedHeaders).map(String),
          ...(r.MaxAge !== undefined ? { maxAge: Number(r.MaxAge) } : {}),
        };
      });
      return {
        logicalId,
        name,
        arn: String(this.getAtt(logicalId, 'Arn')),
        ...(sseAlgorithm ? { sseAlgorithm } : {}),
        ...(kmsKeyArn ? { kmsKeyArn } : {}),
        bucketKeyEnabled: isTrue(rule.BucketKeyEnabled),
        versioned: versioning.Status === 'Enabled',
        eventBridgeEnabled,
        lambdaNotifications,
        corsRules,
      };
    });
  }

  secrets(): TemplateSecret[] {
    return this.resourcesOfType('AWS::SecretsManager::Secret').map(([logicalId, resource]) => {
      const key = optionalString(this.resolve(resource.Properties?.KmsKeyId, `${logicalId}.KmsKeyId`));
      const kmsKeyArn = key ? this.customerKeyArn(key) : undefined;
      return { logicalId, arn: this.ref(logicalId), name: this.secretName(logicalId, resource), ...(kmsKeyArn ? { kmsKeyArn } : {}) };
    });
  }

  tables(): TemplateTable[] {
    return this.resourcesOfType('AWS::DynamoDB::Table').map(([logicalId, resource]) => {
      const sse = asRecordOrEmpty(this.resolve(resource.Properties?.SSESpecification ?? {}, `${logicalId}.SSESpecification`));
      const key = isTrue(sse.SSEEnabled) && sse.SSEType === 'KMS' ? optionalString(sse.KMSMasterKeyId) : undefined;
      const kmsKeyArn = key ? this.customerKeyArn(key) : undefined;
      return { logicalId, name: this.ref(logicalId), arn: String(this.getAtt(logicalId, 'Arn')), ...(kmsKeyArn ? { kmsKeyArn } : {}) };
    });
  }

  stateMachines(): TemplateStateMachine[] {
    return this.resourcesOfType('AWS::StepFunctions::StateMachine').map(([logicalId]) => ({
      logicalId,
      name: String(this.getAtt(logicalId, 'Name')),
      arn: this.ref(logicalId),
    }));
  }

  /** A key id, alias or ARN as a key ARN; undefined for AWS managed keys (`alias/aws/…`), which need no identity grant. */
  customerKeyArn(key: string): string | undefined {
    const { partition, region, accountId } = this.account;
    if (key.startsWith('arn:')) return /:alias\/aws\//.test(key) ? undefined : key;
    if (key.startsWith('alias/')) return key.startsWith('alias/aws/') ? undefined : `arn:${partition}:kms:${region}:${accountId}:${key}`;
    return `arn:${partition}:kms:${region}:${accountId}:key/${key}`;
  }

  // ---- resolution ----

  private resolveValue(value: unknown, path: string): unknown {
    if (Array.isArray(value)) {
      return value.map((item, index) => this.resolveValue(item, `${path}[${index}]`)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only === 'Ref' || only?.startsWith('Fn::')) return this.intrinsic(only, record[only], `${path}.${only}`);
    const result: Record<string, unknown> = {};
    for (const key of keys) {
      const resolved = this.resolveValue(record[key], `${path}.${key}`);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  private intrinsic(name: string, argument: unknown, path: string): unknown {
    switch (name) {
      case 'Ref':
        if (typeof argument !== 'string') throw new TemplateError(`${path}: Ref takes a name, got ${JSON.stringify(argument)}`);
        return this.refName(argument, path);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = this.getAttArguments(argument, path);
        return this.getAtt(logicalId, attribute);
      }
      case 'Fn::Join': {
        const [delimiter, items] = tuple(argument, 2, path);
        const list = this.resolveValue(items, `${path}[1]`);
        if (typeof delimiter !== 'string') throw new TemplateError(`${path}: the delimiter must be a string`);
        return asArray(list, `${path}[1]`).map((item, index) => scalarString(item, `${path}[1][${index}]`)).join(delimiter);
      }
      case 'Fn::Sub':
        return this.sub(argument, path);
      case 'Fn::Select': {
        const [indexValue, items] = tuple(argument, 2, path);
        const index = Number(this.resolveValue(indexValue, `${path}[0]`));
        const list = asArray(this.resolveValue(items, `${path}[1]`), `${path}[1]`);
        if (!Number.isInteger(index) || index < 0 || index >= list.length) throw new TemplateError(`${path}: index ${index} is outside the list of ${list.length}`);
        return list[index];
      }
      case 'Fn::Split': {
        const [delimiter, source] = tuple(argument, 2, path);
        if (typeof delimiter !== 'string') throw new TemplateError(`${path}: the delimiter must be a string`);
        return scalarString(this.resolveValue(source, `${path}[1]`), `${path}[1]`).split(delimiter);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = tuple(argument, 3, path);
        if (typeof condition !== 'string') throw new TemplateError(`${path}: the condition must be a name`);
        return this.condition(condition, path) ? this.resolveValue(whenTrue, `${path}[1]`) : this.resolveValue(whenFalse, `${path}[2]`);
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.account.region}${zone}`);
      case 'Fn::Base64':
        return Buffer.from(scalarString(this.resolveValue(argument, path), path), 'utf8').toString('base64');
      case 'Fn::FindInMap': {
        const [mapName, top, second] = tuple(argument, 3, path).map((part, index) => scalarString(this.resolveValue(part, `${path}[${index}]`), `${path}[${index}]`));
        const value = this.template.Mappings?.[mapName ?? '']?.[top ?? '']?.[second ?? ''];
        if (value === undefined) throw new TemplateError(`${path}: no mapping ${mapName}.${top}.${second}`);
        return this.resolveValue(value, path);
      }
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolveValue(argument, path));
      case 'Fn::Length':
        return asArray(this.resolveValue(argument, path), path).length;
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
        return this.conditionExpression({ [name]: argument }, path);
      default:
        throw new TemplateError(`${path}: the intrinsic function ${name} is not supported locally`);
    }
  }

  private refName(name: string, path: string): unknown {
    const { partition, region, accountId, stackName } = this.account;
    switch (name) {
      case 'AWS::Partition':
        return partition;
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:${partition}:cloudformation:${region}:${accountId}:stack/${stackName}/${uuidFrom(`stack/${stackName}`)}`;
      case 'AWS::URLSuffix':
        return urlSuffix(partition);
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    if (name.startsWith('AWS::')) throw new TemplateError(`${path}: the pseudo parameter ${name} is not supported locally`);
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Type?.startsWith('AWS::SSM::Parameter::Value')) {
        throw new TemplateError(`${path}: parameter ${name} is read from SSM Parameter Store, which has no local value`);
      }
      if (parameter.Default === undefined) throw new TemplateError(`${path}: parameter ${name} has no default and no local value`);
      if (parameter.Type === 'CommaDelimitedList' || parameter.Type?.startsWith('List<')) return String(parameter.Default).split(',');
      return parameter.Default;
    }
    if (this.template.Resources[name]) return this.ref(name);
    throw new TemplateError(`${path}: Ref ${name} names no parameter, pseudo parameter or resource`);
  }

  private getAttArguments(argument: unknown, path: string): [string, string] {
    if (typeof argument === 'string') {
      const dot = argument.indexOf('.');
      if (dot > 0) return [argument.slice(0, dot), argument.slice(dot + 1)];
    } else if (Array.isArray(argument) && argument.length === 2) {
      const [logicalId, attribute] = argument;
      const attributeName = this.resolveValue(attribute, `${path}[1]`);
      if (typeof logicalId === 'string' && typeof attributeName === 'string') return [logicalId, attributeName];
    }
    throw new TemplateError(`${path}: Fn::GetAtt takes [logicalId, attribute], got ${JSON.stringify(argument)}`);
  }

  private sub(argument: unknown, path: string): string {
    let text: unknown;
    let variables: Record<string, unknown> = {};
    if (typeof argument === 'string') text = argument;
    else if (Array.isArray(argument) && argument.length === 2) {
      text = argument[0];
      variables = asRecord(argument[1], `${path}[1]`);
    }
    if (typeof text !== 'string') throw new TemplateError(`${path}: Fn::Sub takes a string or [string, variables]`);
    return text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`; // ${!Literal} is the literal ${Literal}
      const trimmed = name.trim();
      if (Object.hasOwn(variables, trimmed)) return scalarString(this.resolveValue(variables[trimmed], `${path}.${trimmed}`), `${path}.${trimmed}`);
      const dot = trimmed.indexOf('.');
      if (dot > 0 && !trimmed.startsWith('AWS::')) return scalarString(this.getAtt(trimmed.slice(0, dot), trimmed.slice(dot + 1)), `${path}.${trimmed}`);
      return scalarString(this.refName(trimmed, `${path}.\${${trimmed}}`), `${path}.${trimmed}`);
    });
  }

  private resourceExists(logicalId: string): boolean {
    const condition = this.template.Resources[logicalId]?.Condition;
    return condition === undefined || this.condition(condition, `${logicalId}.Condition`);
  }

  private condition(name: string, path: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new TemplateError(`${path}: no condition named ${name}`);
    if (this.conditionsInProgress.has(name)) throw new TemplateError(`${path}: condition ${name} refers to itself`);
    this.conditionsInProgress.add(name);
    try {
      const value = this.conditionExpression(definition, `Conditions.${name}`);
      this.conditionCache.set(name, value);
      return value;
    } finally {
      this.conditionsInProgress.delete(name);
    }
  }

  private conditionExpression(expression: unknown, path: string): boolean {
    const record = asRecord(expression, path);
    const [name, argument] = Object.entries(record)[0] ?? [];
    switch (name) {
      case 'Condition':
        if (typeof argument !== 'string') throw new TemplateError(`${path}: Condition takes a name`);
        return this.condition(argument, path);
      case 'Fn::Equals': {
        const [a, b] = tuple(argument, 2, path).map((side, index) => this.resolveValue(side, `${path}[${index}]`));
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::And':
        return asArray(argument, path).every((item, index) => this.conditionExpression(item, `${path}[${index}]`));
      case 'Fn::Or':
        return asArray(argument, path).some((item, index) => this.conditionExpression(item, `${path}[${index}]`));
      case 'Fn::Not': {
        const [inner] = tuple(argument, 1, path);
        return !this.conditionExpression(inner, `${path}[0]`);
      }
      default:
        throw new TemplateError(`${path}: ${name} is not a condition function`);
    }
  }

  /** The local stage URL (and the bare API endpoint) of every HTTP API → `apiUrl`, wherever it appears in a string. */
  private rewriteApiUrls(value: unknown): unknown {
    const apiUrl = this.account.apiUrl;
    if (!apiUrl) return value;
    const patterns = this.apiUrlPatterns();
    if (patterns.length === 0) return value;
    const base = apiUrl.replace(/\/+$/, '');
    const rewrite = (item: unknown): unknown => {
      if (typeof item === 'string') return patterns.reduce((text, pattern) => text.replace(pattern, base), item);
      if (Array.isArray(item)) return item.map(rewrite);
      if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, rewrite(v)]));
      return item;
    };
    return rewrite(value);
  }

  private apiUrlPatternCache: RegExp[] | undefined;
  private apiUrlPatterns(): RegExp[] {
    if (this.apiUrlPatternCache) return this.apiUrlPatternCache;
    const patterns: RegExp[] = [];
    for (const [apiId] of this.resourcesOfType('AWS::ApiGatewayV2::Api')) {
      const endpoint = String(this.getAtt(apiId, 'ApiEndpoint'));
      const stages = this.resourcesOfType('AWS::ApiGatewayV2::Stage')
        .filter(([, stage]) => JSON.stringify(stage.Properties?.ApiId) === JSON.stringify({ Ref: apiId }))
        .map(([stageId, stage]) => String(this.resolveValue(stage.Properties?.StageName ?? '', `${stageId}.StageName`)))
        .filter((name) => name && name !== '$default');
      const stagePart = stages.length > 0 ? `(?:/(?:${stages.map(escapeRegExp).join('|')}))?` : '';
      // The endpoint, optionally a named stage, then the end of the URL's authority/stage part.
      patterns.push(new RegExp(`${escapeRegExp(endpoint)}${stagePart}(?=[/?#"'\\s]|$)`, 'g'));
    }
    this.apiUrlPatternCache = patterns;
    return patterns;
  }

  // ---- physical ids ----

  private physicalCache = new Map<string, Physical>();

  private physical(logicalId: string, resource: CfnResource): Physical {
    const cached = this.physicalCache.get(logicalId);
    if (cached) return cached;
    const made = this.makePhysical(logicalId, resource);
    this.physicalCache.set(logicalId, made);
    return made;
  }

  private makePhysical(logicalId: string, resource: CfnResource): Physical {
    const { partition, region, accountId, stackName } = this.account;
    const props = resource.Properties ?? {};
    const seed = `${stackName}/${logicalId}`;
    const given = (property: string): string | undefined => {
      const override = this.account.physicalNames?.[logicalId];
      if (override !== undefined) return override;
      return props[property] === undefined ? undefined : this.resolveString(props[property], `${logicalId}.Properties.${property}`);
    };
    const generated = (maxLength: number) => generatedName(stackName, logicalId, maxLength, seed);
    /** For resources whose id CloudFormation (or the service) makes up: the local override, else a derived one. */
    const madeUp = (derive: () => string) => this.account.physicalNames?.[logicalId] ?? derive();
    const arn = (service: string, resourcePart: string, withRegion = true, withAccount = true) =>
      `arn:${partition}:${service}:${withRegion ? region : ''}:${withAccount ? accountId : ''}:${resourcePart}`;

    switch (resource.Type) {
      case 'AWS::DynamoDB::Table': {
        const name = given('TableName') ?? generated(255);
        const tableArn = arn('dynamodb', `table/${name}`);
        return { ref: name, attributes: { Arn: tableArn, StreamArn: `${tableArn}/stream/1970-01-01T00:00:00.000` } };
      }
      case 'AWS::SNS::Topic': {
        let name = given('TopicName') ?? generated(256);
        if (isTrue(props.FifoTopic) && !name.endsWith('.fifo')) name = `${name.slice(0, 251)}.fifo`;
        const topicArn = arn('sns', name);
        return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
      }
      case 'AWS::SNS::Subscription':
        return { ref: `${this.resolveString(props.TopicArn, `${logicalId}.TopicArn`)}:${uuidFrom(seed)}`, attributes: {} };
      case 'AWS::SecretsManager::Secret': {
        const name = this.secretName(logicalId, resource);
        const secretArn = arn('secretsmanager', `secret:${name}-${hashed(`${seed}/suffix`, 6, MIXED_ALNUM)}`);
        return { ref: secretArn, attributes: { Id: secretArn } };
      }
      case 'AWS::S3::Bucket': {
        const name = given('BucketName') ?? bucketName(stackName, logicalId, seed);
        return {
          ref: name,
          attributes: {
            Arn: `arn:${partition}:s3:::${name}`,
            DomainName: `${name}.s3.${urlSuffix(partition)}`,
            RegionalDomainName: `${name}.s3.${region}.${urlSuffix(partition)}`,
            DualStackDomainName: `${name}.s3.dualstack.${region}.${urlSuffix(partition)}`,
            WebsiteURL: `http://${name}.s3-website-${region}.${urlSuffix(partition)}`,
          },
        };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = given('StateMachineName') ?? `${logicalId.slice(0, 66)}-${hashed(seed, 12, MIXED_ALNUM)}`;
        const machineArn = arn('states', `stateMachine:${name}`);
        return { ref: machineArn, attributes: { Arn: machineArn, Name: name, StateMachineRevisionId: machineArn } };
      }
      case 'AWS::StepFunctions::Activity': {
        const name = given('Name') ?? generated(80);
        const activityArn = arn('states', `activity:${name}`);
        return { ref: activityArn, attributes: { Arn: activityArn, Name: name } };
      }
      case 'AWS::Lambda::Function': {
        const name = given('FunctionName') ?? generated(64);
        return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`), 'SnapStartResponse.ApplyOn': 'None' } };
      }
      case 'AWS::Lambda::Version':
      case 'AWS::Lambda::Alias': {
        const fn = this.resolveString(props.FunctionName, `${logicalId}.FunctionName`);
        const fnArn = fn.startsWith('arn:') ? fn : arn('lambda', `function:${fn}`);
        const qualifier = resource.Type === 'AWS::Lambda::Alias' ? this.resolveString(props.Name, `${logicalId}.Name`) : '1';
        return { ref: `${fnArn}:${qualifier}`, attributes: { Version: qualifier, FunctionArn: fnArn } };
      }
      case 'AWS::Lambda::Permission':
        return { ref: generated(64), attributes: {} };
      case 'AWS::KMS::Key': {
        const keyId = madeUp(() => uuidFrom(seed));
        return { ref: keyId, attributes: { Arn: arn('kms', `key/${keyId}`), KeyId: keyId } };
      }
      case 'AWS::KMS::Alias':
        return { ref: this.resolveString(props.AliasName, `${logicalId}.AliasName`), attributes: {} };
      case 'AWS::IAM::Role': {
        const name = given('RoleName') ?? generated(64);
        const rolePath = props.Path === undefined ? '/' : this.resolveString(props.Path, `${logicalId}.Path`);
        return { ref: name, attributes: { Arn: arn('iam', `role${rolePath}${name}`, false), RoleId: `AROA${hashed(seed, 17, UPPER_ALNUM)}` } };
      }
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::RolePolicy':
        return { ref: `${logicalId.slice(0, 20)}-${hashed(seed, 12, UPPER_ALNUM)}`, attributes: {} };
      case 'AWS::IAM::ManagedPolicy': {
        const name = given('ManagedPolicyName') ?? generated(128);
        const policyPath = props.Path === undefined ? '/' : this.resolveString(props.Path, `${logicalId}.Path`);
        const policyArn = arn('iam', `policy${policyPath}${name}`, false);
        return { ref: policyArn, attributes: { PolicyArn: policyArn } };
      }
      case 'AWS::Logs::LogGroup': {
        const name = given('LogGroupName') ?? generated(512);
        return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::ApiGatewayV2::Api': {
        const apiId = madeUp(() => hashed(seed, 10, LOWER_ALNUM));
        return { ref: apiId, attributes: { ApiId: apiId, ApiEndpoint: `https://${apiId}.execute-api.${region}.${urlSuffix(partition)}` } };
      }
      case 'AWS::ApiGatewayV2::Stage':
        return { ref: given('StageName') ?? '$default', attributes: {} };
      case 'AWS::ApiGatewayV2::Integration':
      case 'AWS::ApiGatewayV2::Route':
      case 'AWS::ApiGatewayV2::Authorizer':
        return { ref: hashed(seed, 7, LOWER_ALNUM), attributes: {} };
      case 'AWS::Cognito::UserPool': {
        const poolId = madeUp(() => `${region}_${hashed(seed, 9, MIXED_ALNUM)}`);
        const providerName = `cognito-idp.${region}.${urlSuffix(partition)}/${poolId}`;
        return {
          ref: poolId,
          attributes: { UserPoolId: poolId, Arn: arn('cognito-idp', `userpool/${poolId}`), ProviderName: providerName, ProviderURL: `https://${providerName}` },
        };
      }
      case 'AWS::Cognito::UserPoolClient': {
        const clientId = madeUp(() => hashed(seed, 26, LOWER_ALNUM));
        return { ref: clientId, attributes: { ClientId: clientId, Name: props.ClientName === undefined ? clientId : this.resolveString(props.ClientName, `${logicalId}.ClientName`) } };
      }
      case 'AWS::Cognito::UserPoolGroup':
        return { ref: given('GroupName') ?? generated(128), attributes: {} };
      case 'AWS::Events::Rule': {
        const name = given('Name') ?? generated(64);
        const bus = props.EventBusName === undefined ? 'default' : this.resolveString(props.EventBusName, `${logicalId}.EventBusName`);
        const busName = bus.startsWith('arn:') ? bus.slice(bus.lastIndexOf('/') + 1) : bus;
        return { ref: name, attributes: { Arn: arn('events', busName === 'default' ? `rule/${name}` : `rule/${busName}/${name}`) } };
      }
      case 'AWS::Events::EventBus': {
        const name = given('Name') ?? generated(256);
        return { ref: name, attributes: { Arn: arn('events', `event-bus/${name}`), Name: name } };
      }
      case 'AWS::Scheduler::Schedule': {
        const name = given('Name') ?? generated(64);
        const group = props.GroupName === undefined ? 'default' : this.resolveString(props.GroupName, `${logicalId}.GroupName`);
        return { ref: name, attributes: { Arn: arn('scheduler', `schedule/${group}/${name}`) } };
      }
      case 'AWS::CloudWatch::Alarm':
      case 'AWS::CloudWatch::CompositeAlarm': {
        const name = given('AlarmName') ?? generated(255);
        return { ref: name, attributes: { Arn: arn('cloudwatch', `alarm:${name}`) } };
      }
      case 'AWS::CloudWatch::Dashboard':
        return { ref: given('DashboardName') ?? generated(255), attributes: {} };
      default:
        return { ref: generated(128), attributes: {} };
    }
  }

  private secretName(logicalId: string, resource: CfnResource): string {
    const override = this.account.physicalNames?.[logicalId];
    if (override !== undefined) return override;
    const name = resource.Properties?.Name;
    if (name !== undefined) return this.resolveString(name, `${logicalId}.Properties.Name`);
    // CloudFormation names an unnamed secret <logical id>-<12 characters>.
    return `${logicalId}-${hashed(`${this.account.stackName}/${logicalId}`, 12, MIXED_ALNUM)}`;
  }

  private templateFunction(logicalId: string, resource: CfnResource): TemplateFunction {
    const props = resource.Properties ?? {};
    const path = `${logicalId}.Properties`;
    const code = asRecord(this.resolve(props.Code ?? {}, `${path}.Code`), `${path}.Code`);
    let functionCode: TemplateFunction['code'];
    if (typeof code.ZipFile === 'string') functionCode = { zipFile: code.ZipFile };
    else if (typeof code.S3Key === 'string') functionCode = { s3Key: code.S3Key, ...(typeof code.S3Bucket === 'string' ? { s3Bucket: code.S3Bucket } : {}) };
    else if (typeof code.ImageUri === 'string') functionCode = { imageUri: code.ImageUri };
    else throw new TemplateError(`${path}.Code: neither ZipFile, S3Key nor ImageUri`);

    const roleLogicalId = getAttLogicalId(props.Role, 'Arn');
    const roleArn = this.resolveString(props.Role, `${path}.Role`);
    const roleName = roleLogicalId ? this.ref(roleLogicalId) : roleArn.slice(roleArn.lastIndexOf('/') + 1);

    const variables = asRecordOrEmpty(this.resolve(asRecordOrEmpty(props.Environment).Variables ?? {}, `${path}.Environment.Variables`));
    const environment = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, scalarString(value, `${path}.Environment.Variables.${name}`)]));
    const tracing = asRecordOrEmpty(this.resolve(props.TracingConfig ?? {}, `${path}.TracingConfig`)).Mode === 'Active' ? 'Active' : 'PassThrough';
    const logging = asRecordOrEmpty(this.resolve(props.LoggingConfig ?? {}, `${path}.LoggingConfig`));
    const description = optionalString(this.resolve(props.Description, `${path}.Description`));
    const logGroupName = optionalString(logging.LogGroup);
    return {
      logicalId,
      functionName: this.ref(logicalId),
      arn: String(this.getAtt(logicalId, 'Arn')),
      ...(props.Handler !== undefined ? { handler: this.resolveString(props.Handler, `${path}.Handler`) } : {}),
      ...(props.Runtime !== undefined ? { runtime: this.resolveString(props.Runtime, `${path}.Runtime`) } : {}),
      code: functionCode,
      ...(roleLogicalId ? { roleLogicalId } : {}),
      roleArn,
      roleName,
      environment,
      timeoutSeconds: props.Timeout === undefined ? 3 : Number(this.resolve(props.Timeout, `${path}.Timeout`)),
      memoryMb: props.MemorySize === undefined ? 128 : Number(this.resolve(props.MemorySize, `${path}.MemorySize`)),
      tracing,
      architectures: props.Architectures === undefined ? ['x86_64'] : asArray(this.resolve(props.Architectures, `${path}.Architectures`), `${path}.Architectures`).map(String),
      ...(description !== undefined ? { description } : {}),
      ...(logGroupName !== undefined ? { logGroupName } : {}),
    };
  }
}

interface Physical {
  ref: string;
  attributes: Record<string, unknown>;
}

/** `{ Fn::GetAtt: [id, attr] }` / `{ Fn::GetAtt: 'id.attr' }` → id (when attr is the one asked for). */
function getAttLogicalId(value: unknown, attribute: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === attribute && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string' && getAtt.endsWith(`.${attribute}`)) return getAtt.slice(0, -attribute.length - 1);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The functions the brief names (each builds or reuses the model)

const models = new WeakMap<object, Map<string, LocalTemplate>>();

/** The model of a template for an account, built once per (template object, account). */
export function localTemplate(template: unknown, account: LocalAccount): LocalTemplate {
  if (template === null || typeof template !== 'object') throw new TemplateError('the template must be an object');
  let byAccount = models.get(template);
  if (!byAccount) models.set(template, (byAccount = new Map()));
  const key = JSON.stringify(account);
  let model = byAccount.get(key);
  if (!model) byAccount.set(key, (model = new LocalTemplate(template, account)));
  return model;
}

export function resolveValue(template: unknown, value: unknown, account: LocalAccount): unknown {
  return localTemplate(template, account).resolve(value);
}

export function templateFunctions(template: unknown, account: LocalAccount): TemplateFunction[] {
  return localTemplate(template, account).functions();
}

export function roleStatements(template: unknown, roleLogicalId: string, account: LocalAccount): PolicyStatement[] {
  return localTemplate(template, account).roleStatements(roleLogicalId);
}

export function eventRules(template: unknown, account: LocalAccount): TemplateEventRule[] {
  return localTemplate(template, account).eventRules();
}

export function templateTopics(template: unknown, account: LocalAccount): TemplateTopic[] {
  return localTemplate(template, account).topics();
}

export function templateBuckets(template: unknown, account: LocalAccount): TemplateBucket[] {
  return localTemplate(template, account).buckets();
}

export function templateSecrets(template: unknown, account: LocalAccount): TemplateSecret[] {
  return localTemplate(template, account).secrets();
}

export function templateTables(template: unknown, account: LocalAccount): TemplateTable[] {
  return localTemplate(template, account).tables();
}

export function templateStateMachines(template: unknown, account: LocalAccount): TemplateStateMachine[] {
  return localTemplate(template, account).stateMachines();
}

/**
 * Deterministic, distinct credentials for every Lambda function of the template: the access key id says which
 * function calls (the emulator's only notion of identity), the secret lets the emulator check signatures.
 */
export function localCredentials(template: unknown): CredentialDirectory {
  const parsed = parseTemplate(template);
  const byFunction = new Map<string, LocalCredentials>();
  const byKey = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(parsed.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const credentials = {
      accessKeyId: `ASIA${hashed(`local-access-key/${logicalId}`, 16, BASE32)}`,
      secretAccessKey: createHash('sha256').update(`local-secret-key/${logicalId}`).digest('base64').slice(0, 40),
    };
    if (byKey.has(credentials.accessKeyId)) throw new TemplateError(`access key collision between ${byKey.get(credentials.accessKeyId)} and ${logicalId}`);
    byFunction.set(logicalId, credentials);
    byKey.set(credentials.accessKeyId, logicalId);
  }
  return {
    forFunction(logicalId) {
      const credentials = byFunction.get(logicalId);
      if (!credentials) throw new TemplateError(`${logicalId} is no Lambda function of the template`);
      return credentials;
    },
    functionOf: (accessKeyId) => byKey.get(accessKeyId),
    entries: () => [...byFunction.entries()],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// AWS managed policies the local stack knows (their documents as AWS publishes them)

const AWS_MANAGED_POLICIES: Record<string, Omit<PolicyStatement, 'source'>[]> = {
  'service-role/AWSLambdaBasicExecutionRole': [
    { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
  ],
  'service-role/AWSLambdaVPCAccessExecutionRole': [
    {
      Effect: 'Allow',
      Action: [
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: '*',
    },
  ],
  AWSXRayDaemonWriteAccess: [
    {
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'],
      Resource: '*',
    },
  ],
};

function awsManagedPolicyStatements(arn: string, partition: string): PolicyStatement[] {
  const prefix = `arn:${partition}:iam::aws:policy/`;
  const statements = arn.startsWith(prefix) ? AWS_MANAGED_POLICIES[arn.slice(prefix.length)] : undefined;
  if (!statements) throw new TemplateError(`the managed policy ${arn} is not known locally (add its statements to AWS_MANAGED_POLICIES in local/aws/template.ts)`);
  return statements.map((statement) => ({ ...statement, source: arn }));
}

/** A resolved policy document's statements, checked and with every condition value a string. */
export function policyDocumentStatements(document: unknown, source: string): PolicyStatement[] {
  const record = asRecord(document, `${source}.PolicyDocument`);
  const raw = record.Statement;
  const statements = Array.isArray(raw) ? raw : [raw];
  return statements.map((item, index) => {
    const path = `${source}.PolicyDocument.Statement[${index}]`;
    const s = asRecord(item, path);
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new TemplateError(`${path}: Effect must be Allow or Deny, got ${JSON.stringify(s.Effect)}`);
    const statement: PolicyStatement = { Effect: s.Effect, source };
    if (typeof s.Sid === 'string') statement.Sid = s.Sid;
    for (const field of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      if (s[field] !== undefined) statement[field] = stringOrStrings(s[field], `${path}.${field}`);
    }
    if (s.Condition !== undefined) {
      const condition: NonNullable<PolicyStatement['Condition']> = {};
      for (const [operator, keys] of Object.entries(asRecord(s.Condition, `${path}.Condition`))) {
        condition[operator] = Object.fromEntries(
          Object.entries(asRecord(keys, `${path}.Condition.${operator}`)).map(([key, value]) => [key, stringOrStrings(value, `${path}.Condition.${operator}.${key}`)]),
        );
      }
      statement.Condition = condition;
    }
    return statement;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const NO_VALUE = Symbol('AWS::NoValue');

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `length` characters of `alphabet` derived from the seed's SHA-256 (stable across runs and machines). */
function hashed(seed: string, length: number, alphabet: string): string {
  let out = '';
  let counter = 0;
  while (out.length < length) {
    const digest = createHash('sha256').update(`${seed}#${counter++}`).digest();
    for (const byte of digest) {
      if (out.length === length) break;
      out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** CloudFormation's pattern `<stack>-<logical id>-<12 random>`, shortened to the service's limit. */
function generatedName(stackName: string, logicalId: string, maxLength: number, seed: string): string {
  const suffix = hashed(seed, 12, UPPER_ALNUM);
  return `${`${stackName}-${logicalId}`.slice(0, Math.max(1, maxLength - 13))}-${suffix}`;
}

/** Lowercase letters, digits and dashes, 3–63 characters, starting and ending with a letter or digit. */
function bucketName(stackName: string, logicalId: string, seed: string): string {
  const suffix = hashed(seed, 12, LOWER_ALNUM);
  const stem = `${stackName}-${logicalId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63 - 13)
    .replace(/-+$/, '');
  return `${stem || 'bucket'}-${suffix}`;
}

function urlSuffix(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

function parseTemplate(template: unknown): CfnTemplate {
  if (template === null || typeof template !== 'object') throw new TemplateError('the template must be an object');
  const resources = (template as { Resources?: unknown }).Resources;
  if (resources === null || typeof resources !== 'object') throw new TemplateError('the template has no Resources');
  for (const [id, resource] of Object.entries(resources)) {
    if (resource === null || typeof resource !== 'object' || typeof (resource as { Type?: unknown }).Type !== 'string') {
      throw new TemplateError(`resource ${id} has no Type`);
    }
  }
  return template as CfnTemplate;
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TemplateError(`${path}: not JSON: ${(error as Error).message}`);
  }
}

function tuple(value: unknown, length: number, path: string): unknown[] {
  if (!Array.isArray(value) || value.length !== length) throw new TemplateError(`${path}: expected a list of ${length}, got ${JSON.stringify(value)}`);
  return value;
}

function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new TemplateError(`${path}: expected a list, got ${JSON.stringify(value)}`);
  return value;
}

function asArrayOrEmpty(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TemplateError(`${path}: expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function asRecordOrEmpty(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function scalarString(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${path}: expected a string, got ${JSON.stringify(value)}`);
}

function stringOrStrings(value: unknown, path: string): string | string[] {
  if (Array.isArray(value)) return value.map((item, index) => scalarString(item, `${path}[${index}]`));
  return scalarString(value, path);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function filterRules(rules: unknown[]): { prefix?: string; suffix?: string } {
  const out: { prefix?: string; suffix?: string } = {};
  for (const rule of rules) {
    const r = asRecordOrEmpty(rule);
    const name = String(r.Name ?? '').toLowerCase();
    if (name === 'prefix') out.prefix = String(r.Value ?? '');
    if (name === 'suffix') out.suffix = String(r.Value ?? '');
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
