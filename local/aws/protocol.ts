// What the emulator's service modules share: the request they get, the reply they give, and each AWS wire
// protocol's error shape (so that the SDK turns an error into the service's own exception class).

import type { Readable } from 'node:stream';
import { AwsServiceError } from './backends';
import type { Decision } from './iam';
import type { ParsedSignature } from './sigv4';
import type { LocalTemplate, TemplateFunction } from './template';

export type Protocol = 'json1.0' | 'json1.1' | 'query' | 'rest-xml' | 'rest-json';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string | Readable;
}

export interface Caller {
  functionLogicalId: string;
  fn: TemplateFunction;
  /** arn:<partition>:sts::<account>:assumed-role/<role name>/<function name> */
  sessionArn: string;
  /** aws:userid of the role session: <role id>:<function name>. */
  userId: string;
}

export interface ServiceCall {
  method: string;
  rawPath: string;
  query: [string, string][];
  /** First value of each query parameter. */
  queryParam(name: string): string | undefined;
  /** First value of a header (lowercase name). */
  header(name: string): string | undefined;
  headers: Map<string, string[]>;
  body: Buffer;
  caller: Caller;
  signature: ParsedSignature;
  requestId: string;
  remoteAddress: string;
  now(): Date;
  /** Evaluates the caller's role for one action on one resource, records the check and returns the decision. */
  authorize(action: string, resource: string, context?: Record<string, string | string[]>): Decision;
}

export interface ServiceEnvironment {
  model: LocalTemplate;
  log: { warn(msg: string): void; error(msg: string, e?: unknown): void };
  now(): Date;
}

/** An IAM refusal: the service module decides how its protocol reports it. */
export function deniedMessage(sessionArn: string, action: string, resource: string, decision: Decision): string {
  const because = decision === 'explicitDeny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
  return `User: ${sessionArn} is not authorized to perform: ${action} on resource: ${resource} ${because}`;
}

/** An error with extra elements for S3's <Error> document (Key, BucketName, …). */
export class XmlFieldsError extends AwsServiceError {
  constructor(
    code: string,
    message: string,
    statusCode: number,
    readonly xmlFields: Record<string, string>,
  ) {
    super(code, message, statusCode);
  }
}

// ---- error rendering ----

const JSON_CONTENT_TYPE: Record<string, string> = { 'json1.0': 'application/x-amz-json-1.0', 'json1.1': 'application/x-amz-json-1.1' };

export interface ErrorOptions {
  requestId: string;
  /** HEAD requests: status and headers only. */
  head?: boolean;
  /** S3: extra elements inside <Error> (e.g. Key, BucketName). */
  xmlFields?: Record<string, string>;
  /** JSON 1.1 services (Secrets Manager) spell the field `Message`. */
  capitalMessage?: boolean;
}

export function errorReply(protocol: Protocol, error: AwsServiceError, options: ErrorOptions): Reply {
  const { requestId } = options;
  switch (protocol) {
    case 'json1.0':
    case 'json1.1': {
      const body = JSON.stringify({ __type: error.code, [options.capitalMessage ? 'Message' : 'message']: error.message });
      return {
        status: error.statusCode,
        headers: { 'content-type': JSON_CONTENT_TYPE[protocol] ?? 'application/json', 'x-amzn-requestid': requestId },
        body,
      };
    }
    case 'query': {
      const type = error.statusCode >= 500 ? 'Receiver' : 'Sender';
      const body =
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${xml(error.code)}</Code>` +
        `<Message>${xml(error.message)}</Message></Error><RequestId>${xml(requestId)}</RequestId></ErrorResponse>`;
      return { status: error.statusCode, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
    }
    case 'rest-xml': {
      const headers = { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': Buffer.from(requestId).toString('base64') };
      if (options.head) return { status: error.statusCode, headers };
      const fields = Object.entries(options.xmlFields ?? {})
        .map(([name, value]) => `<${name}>${xml(value)}</${name}>`)
        .join('');
      const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message>${fields}` +
        `<RequestId>${xml(requestId)}</RequestId><HostId>${xml(headers['x-amz-id-2'])}</HostId></Error>`;
      return { status: error.statusCode, headers, body };
    }
    case 'rest-json':
      return {
        status: error.statusCode,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code, 'x-amzn-requestid': requestId },
        body: JSON.stringify({ Type: error.statusCode >= 500 ? 'Service' : 'User', message: error.message }),
      };
  }
}

export function xml(text: string): string {
  return text.replace(/[<>&'"\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => {
    switch (c) {
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '&':
        return '&amp;';
      case "'":
        return '&apos;';
      case '"':
        return '&quot;';
      default:
        return `&#${c.charCodeAt(0)};`;
    }
  });
}

/** A JSON body of a JSON-protocol request, narrowed to an object (AWS answers SerializationException otherwise). */
export function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function optionalString(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

/** Seconds since the epoch with milliseconds, as JSON-protocol timestamps are. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
