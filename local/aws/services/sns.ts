// SNS (AWS Query protocol: a form-encoded POST with Action=…, XML answers): Publish and Subscribe, handed to the
// local notifications backend after the IAM checks. A KMS-encrypted topic also needs the publisher to be allowed
// kms:GenerateDataKey and kms:Decrypt on the topic's key through SNS (as CDK's grantPublish grants).

import { AwsServiceError, type EmulatorBackends } from '../backends';
import { deniedMessage, xml, type Reply, type ServiceCall, type ServiceEnvironment } from '../protocol';

const MAX_MESSAGE_BYTES = 262_144;
const PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);
const SUBSCRIPTION_ATTRIBUTES = new Set(['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy']);

export function createSnsService(env: ServiceEnvironment, backend: EmulatorBackends['sns']) {
  const topics = new Map(env.model.topics().map((topic) => [topic.arn, topic]));
  const { region, accountId } = env.model.account;

  function require(call: ServiceCall, action: string, resource: string, context: Record<string, string> = {}): void {
    const decision = call.authorize(action, resource, context);
    if (decision !== 'allow') {
      // SNS spells the action with an upper-case prefix in its messages.
      throw new AwsServiceError('AuthorizationError', deniedMessage(call.caller.sessionArn, action.replace(/^sns:/, 'SNS:'), resource, decision), 403);
    }
  }

  function requireKey(call: ServiceCall, topicArn: string, keyArn: string): void {
    const context = {
      'kms:ViaService': `sns.${region}.amazonaws.com`,
      'kms:CallerAccount': accountId,
      'kms:EncryptionContext:aws:sns:topicArn': topicArn,
      'aws:ViaAWSService': 'true',
    };
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const decision = call.authorize(action, keyArn, context);
      if (decision !== 'allow') {
        const message = `${deniedMessage(call.caller.sessionArn, action, keyArn, decision)} (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: ${call.requestId}; Proxy: null)`;
        throw new AwsServiceError('KMSAccessDenied', message, 400);
      }
    }
  }

  function topicOf(arn: string) {
    const topic = topics.get(arn);
    if (!topic) throw new AwsServiceError('NotFound', 'Topic does not exist', 404);
    return topic;
  }

  return {
    protocol: 'query' as const,
    /** The operation a body names, before the dispatcher reads it (for the call record). */
    operationOf(body: Buffer): string {
      return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'unknown';
    },
    async handle(call: ServiceCall): Promise<Reply> {
      const params = new URLSearchParams(call.body.toString('utf8'));
      const action = params.get('Action') ?? '';
      switch (action) {
        case 'Publish': {
          const topicArn = params.get('TopicArn') ?? params.get('TargetArn') ?? undefined;
          const phoneNumber = params.get('PhoneNumber') ?? undefined;
          if (!topicArn && !phoneNumber) throw invalidParameter('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
          if (topicArn && phoneNumber) throw invalidParameter('Invalid parameter: PhoneNumber Reason: Only one of TopicArn, TargetArn or PhoneNumber may be given');
          const message = params.get('Message') ?? '';
          const subject = params.get('Subject') ?? undefined;
          const attributes = messageAttributes(params);
          // Identity first (AWS answers AuthorizationError even for a topic that does not exist).
          require(call, 'sns:Publish', topicArn ?? '*');
          if (message === '') throw invalidParameter('Invalid parameter: Empty message');
          // The API's constraint: UTF-8 text without line breaks or control characters, less than 100 characters.
          if (subject !== undefined && (subject.length === 0 || [...subject].length >= 100 || /[\p{Cc}]/u.test(subject))) {
            throw invalidParameter('Invalid parameter: Subject');
          }
          const size = Buffer.byteLength(message) + Object.entries(attributes).reduce((n, [name, value]) => n + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
          if (size > MAX_MESSAGE_BYTES) throw invalidParameter('Invalid parameter: Message too long');
          if (phoneNumber !== undefined && !/^\+[1-9]\d{1,14}$/.test(phoneNumber)) {
            throw invalidParameter(`Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`);
          }
          if (topicArn) {
            const topic = topicOf(topicArn);
            if (topic.kmsKeyArn) requireKey(call, topicArn, topic.kmsKeyArn);
          }
          const result = await backend.publish({
            ...(topicArn ? { topicArn } : {}),
            ...(phoneNumber ? { phoneNumber } : {}),
            ...(subject !== undefined ? { subject } : {}),
            message,
            messageAttributes: attributes,
          });
          return xmlReply('Publish', `<MessageId>${xml(result.messageId)}</MessageId>`, call.requestId);
        }
        case 'Subscribe': {
          const topicArn = params.get('TopicArn') ?? '';
          const protocol = params.get('Protocol') ?? '';
          const endpoint = params.get('Endpoint') ?? '';
          if (!topicArn) throw invalidParameter('Invalid parameter: TopicArn');
          if (!protocol) throw invalidParameter('Invalid parameter: Protocol');
          require(call, 'sns:Subscribe', topicArn, { 'sns:Protocol': protocol, ...(endpoint ? { 'sns:Endpoint': endpoint } : {}) });
          if (!PROTOCOLS.has(protocol)) throw invalidParameter(`Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`);
          if (!endpoint) throw invalidParameter('Invalid parameter: Endpoint');
          if ((protocol === 'email' || protocol === 'email-json') && !/^[^@\s]+@[^@\s]+$/.test(endpoint)) throw invalidParameter('Invalid parameter: Email address');
          const attributes = subscriptionAttributes(params);
          topicOf(topicArn);
          const result = await backend.subscribe({
            topicArn,
            protocol,
            endpoint,
            attributes,
            returnSubscriptionArn: params.get('ReturnSubscriptionArn') === 'true',
          });
          return xmlReply('Subscribe', `<SubscriptionArn>${xml(result.subscriptionArn)}</SubscriptionArn>`, call.requestId);
        }
        default:
          throw new AwsServiceError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service (the local AWS emulator implements SNS Publish and Subscribe)`);
      }
    },
  };
}

function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError('InvalidParameter', message, 400);
}

/** MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue (or .BinaryValue, base64) → name → value. */
function messageAttributes(params: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    const name = params.get(`${prefix}.Name`) ?? '';
    const dataType = params.get(`${prefix}.Value.DataType`);
    const stringValue = params.get(`${prefix}.Value.StringValue`);
    const binaryValue = params.get(`${prefix}.Value.BinaryValue`);
    if (!dataType) throw new AwsServiceError('ParameterValueInvalid', `The message attribute '${name}' must contain non-empty message attribute type.`);
    if (!/^(String|Number|Binary|String\.Array)(\..+)?$/.test(dataType)) {
      throw new AwsServiceError('ParameterValueInvalid', `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    const value = dataType.startsWith('Binary') ? binaryValue : stringValue;
    if (value === null || value === '') throw new AwsServiceError('ParameterValueInvalid', `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`);
    attributes[name] = value;
  }
  return attributes;
}

/** Attributes.entry.N.key / .value → name → value, refusing attributes SNS does not have. */
function subscriptionAttributes(params: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; params.has(`Attributes.entry.${n}.key`); n++) {
    const key = params.get(`Attributes.entry.${n}.key`) ?? '';
    const value = params.get(`Attributes.entry.${n}.value`) ?? '';
    if (!SUBSCRIPTION_ATTRIBUTES.has(key)) throw invalidParameter(`Invalid parameter: Attributes Reason: Unknown attribute ${key}`);
    attributes[key] = value;
  }
  if (attributes.FilterPolicy !== undefined) {
    try {
      const policy: unknown = JSON.parse(attributes.FilterPolicy);
      if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) throw new Error('not an object');
    } catch {
      throw invalidParameter('Invalid parameter: FilterPolicy: failed to parse JSON.');
    }
  }
  if (attributes.FilterPolicyScope !== undefined && !['MessageAttributes', 'MessageBody'].includes(attributes.FilterPolicyScope)) {
    throw invalidParameter('Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value');
  }
  return attributes;
}

function xmlReply(action: string, result: string, requestId: string): Reply {
  const body =
    `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>${xml(requestId)}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}
