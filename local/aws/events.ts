// What S3 does after an object is created: an "Object Created" event to the default EventBridge bus when the bucket
// sends events there (matched against the template's rules, whose Lambda targets are invoked asynchronously), and
// S3 event notifications straight to Lambda for the bucket's Lambda notification configurations.

import { randomUUID } from 'node:crypto';
import type { EmulatorBackends } from './backends';
import { matchesEventPattern, validateEventPattern } from './event-pattern';
import type { BucketLambdaNotification, LocalTemplate, TemplateBucket, TemplateEventRule } from './template';

export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface CreatedObject {
  bucket: TemplateBucket;
  key: string;
  size: number;
  etag: string;
  versionId?: string;
  sequencer: string;
  requestId: string;
  sourceIp: string;
  /** The principal id S3 reports (the caller's role session). */
  principalId: string;
  at: Date;
}

export interface Log {
  warn(msg: string): void;
  error(msg: string, e?: unknown): void;
}

export class ObjectEvents {
  private readonly rules: TemplateEventRule[];
  private readonly functionNames: Set<string>;

  constructor(
    private readonly model: LocalTemplate,
    private readonly lambda: EmulatorBackends['lambda'],
    private readonly log: Log,
    /** Keeps the asynchronous invocations, so the emulator can wait for them (drain, close). */
    private readonly track: (work: Promise<unknown>) => void,
  ) {
    // Only rules on the default bus see S3's events; their patterns are checked now rather than on the first event.
    this.rules = model.eventRules().filter((rule) => rule.eventBusName === 'default');
    for (const rule of this.rules) {
      if (rule.eventPattern !== undefined) {
        try {
          validateEventPattern(rule.eventPattern);
        } catch (error) {
          throw new Error(`the event pattern of rule ${rule.logicalId} cannot be matched locally: ${(error as Error).message}`);
        }
      }
      for (const target of rule.targets) {
        try {
          if (target.input !== undefined) JSON.parse(target.input);
          if (target.inputPath !== undefined) jsonPath({}, target.inputPath);
        } catch (error) {
          throw new Error(`rule ${rule.logicalId} target ${target.id} cannot be delivered locally: ${(error as Error).message}`);
        }
      }
    }
    this.functionNames = new Set(model.functions().map((f) => f.functionName));
  }

  objectCreated(object: CreatedObject): void {
    if (object.bucket.eventBridgeEnabled) this.putEvent(objectCreatedEvent(object, this.model));
    for (const notification of object.bucket.lambdaNotifications) {
      if (!notificationMatches(notification, object.key)) continue;
      const payload = s3NotificationEvent(object, notification, this.model);
      this.invokeArn(notification.functionArn, Buffer.from(JSON.stringify(payload)), 's3.amazonaws.com', `notification of bucket ${object.bucket.name}`);
    }
  }

  /** Delivers an event to every enabled rule of the default bus whose pattern matches; the names of those rules. */
  putEvent(event: EventBridgeEvent): string[] {
    const matched: string[] = [];
    for (const rule of this.rules) {
      if (rule.state !== 'ENABLED' || rule.eventPattern === undefined) continue;
      if (!matchesEventPattern(rule.eventPattern, event)) continue;
      matched.push(rule.name);
      for (const target of rule.targets) {
        if (target.hasInputTransformer) {
          this.log.warn(`rule ${rule.logicalId} target ${target.id}: InputTransformer is not supported locally; the target is skipped`);
          continue;
        }
        let payload: unknown = event;
        if (target.input !== undefined) payload = JSON.parse(target.input);
        else if (target.inputPath !== undefined) payload = jsonPath(event, target.inputPath);
        this.invokeArn(target.arn, Buffer.from(JSON.stringify(payload ?? null)), 'events.amazonaws.com', `rule ${rule.logicalId} target ${target.id}`);
      }
    }
    return matched;
  }

  private invokeArn(arn: string, payload: Buffer, caller: string, what: string): void {
    const match = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:([^:]+)(?::[^:]+)?$/.exec(arn);
    if (!match?.[1]) {
      this.log.warn(`${what}: only Lambda targets are delivered locally, not ${arn}`);
      return;
    }
    const functionName = match[1];
    if (!this.functionNames.has(functionName)) {
      this.log.warn(`${what}: ${functionName} is no function of the template`);
      return;
    }
    const work = this.lambda.invoke({ functionName, payload, invocationType: 'Event', caller }).catch((error: unknown) => {
      this.log.error(`${what}: the asynchronous invocation of ${functionName} failed`, error);
    });
    this.track(work);
  }
}

export function objectCreatedEvent(object: CreatedObject, model: LocalTemplate): EventBridgeEvent {
  const { accountId, region } = model.account;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: accountId,
    time: object.at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [object.bucket.arn],
    detail: {
      version: '0',
      bucket: { name: object.bucket.name },
      object: {
        key: object.key,
        size: object.size,
        etag: object.etag,
        ...(object.versionId !== undefined ? { 'version-id': object.versionId } : {}),
        sequencer: object.sequencer,
      },
      'request-id': object.requestId,
      requester: accountId,
      'source-ip-address': object.sourceIp,
      reason: 'PutObject',
    },
  };
}

/** The S3 event notification Lambda receives (keys URL-encoded, a space as '+', as S3 sends them). */
export function s3NotificationEvent(object: CreatedObject, notification: BucketLambdaNotification, model: LocalTemplate) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: model.account.region,
        eventTime: object.at.toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: object.principalId },
        requestParameters: { sourceIPAddress: object.sourceIp },
        responseElements: { 'x-amz-request-id': object.requestId, 'x-amz-id-2': Buffer.from(object.requestId).toString('base64') },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: notification.id ?? 'local-notification',
          bucket: { name: object.bucket.name, ownerIdentity: { principalId: model.account.accountId }, arn: object.bucket.arn },
          object: {
            key: object.key.split('/').map(encodeURIComponent).join('/').replace(/%20/g, '+'),
            size: object.size,
            eTag: object.etag,
            ...(object.versionId !== undefined ? { versionId: object.versionId } : {}),
            sequencer: object.sequencer,
          },
        },
      },
    ],
  };
}

function notificationMatches(notification: BucketLambdaNotification, key: string): boolean {
  const created = notification.events.some((event) => event === 's3:ObjectCreated:*' || event === 's3:ObjectCreated:Put');
  if (!created) return false;
  if (notification.prefix !== undefined && !key.startsWith(notification.prefix)) return false;
  if (notification.suffix !== undefined && !key.endsWith(notification.suffix)) return false;
  return true;
}

/** `$`, `$.a.b` (the InputPath forms rules use); anything else is refused. */
function jsonPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(path)) throw new Error(`InputPath ${path} is not supported locally`);
  let current: unknown = value;
  for (const part of path.slice(2).split('.')) {
    current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
  }
  return current;
}
