// The local AWS endpoint the deployed (bundled) Lambda functions talk to: AWS_ENDPOINT_URL points every SDK client
// here, and each function signs with its own local access key, so the emulator knows who calls. Every call is
// checked against that function's role policy from the synthesized template (template.ts, iam.ts), answered in the
// service's own protocol (services/*.ts), and recorded. The services' state lives in the local stack's backends
// (backends.ts), except S3 objects, which the emulator keeps on disk itself.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { AwsServiceError, type EmulatorBackends } from './backends';
import { ObjectEvents } from './events';
import { evaluate, type Decision, type PolicyStatement } from './iam';
import { errorReply, XmlFieldsError, type Caller, type Protocol, type Reply, type ServiceCall, type ServiceEnvironment } from './protocol';
import { createDynamoDbService } from './services/dynamodb';
import { createLambdaService } from './services/lambda';
import { createS3Service } from './services/s3';
import { createSecretsService } from './services/secrets';
import { createSnsService } from './services/sns';
import { createStepFunctionsService } from './services/stepfunctions';
import { headerMap, parseAmzDate, parseQuery, parseSignature, sha256Hex, UNSIGNED_PAYLOAD, verifySignature, type ParsedSignature } from './sigv4';
import { localCredentials, localTemplate, type LocalAccount, type LocalCredentials, type TemplateFunction } from './template';

export type { EmulatorBackends } from './backends';
export { AwsServiceError } from './backends';

export interface AwsEmulatorOptions {
  template: unknown;
  account: LocalAccount;
  backends: EmulatorBackends;
  /** Where S3 objects are stored (files + metadata), durable across restarts. */
  s3Dir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: a free port. */
  port?: number;
  /** The local clock (pre-signed URL expiry, timestamps); default the system clock. */
  now?: () => Date;
  log?: { warn(msg: string): void; error(msg: string, e?: unknown): void };
}

export interface AwsEmulator {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  credentialsFor(functionLogicalId: string): LocalCredentials;
  /** Every call answered so far, in the order the answers were sent. */
  calls(): readonly AwsCall[];
  /** Resolves once every asynchronous invocation the emulator started (bucket notifications, rule targets) settled. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface AwsCall {
  /** When the request arrived (the local clock). */
  at: string;
  /** The function's logical id, or 'anonymous' (no signature) / 'unknown key'. */
  caller: string;
  /** The signing name: dynamodb, states, sns, s3, secretsmanager, lambda (or what the request looked like). */
  service: string;
  operation: string;
  /** Every IAM check the call needed, in order (a call stops at the first refusal). */
  checks: { action: string; resource: string; decision: Decision }[];
  /** Authenticated and every check allowed. */
  allowed: boolean;
  status: number;
  /** `<Code>: <message>` of an error answer. */
  error?: string;
}

type ServiceName = 'dynamodb' | 'states' | 'sns' | 's3' | 'secretsmanager' | 'lambda';

const JSON_TARGET_PREFIX: Partial<Record<ServiceName, string>> = { dynamodb: 'DynamoDB_20120810', states: 'AWSStepFunctions', secretsmanager: 'secretsmanager' };
const S3_MAX_BODY = 512 * 1024 * 1024;
const MAX_BODY = 16 * 1024 * 1024;
const CLOSE_DRAIN_MS = 10_000;

export async function startAwsEmulator(options: AwsEmulatorOptions): Promise<AwsEmulator> {
  const { account, backends } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? { warn: (msg: string) => console.warn(msg), error: (msg: string, e?: unknown) => console.error(msg, e) };
  const model = localTemplate(options.template, account);
  const credentials = localCredentials(options.template);

  // Each function's identity and policy, resolved now: a template the emulator cannot read fails the start, not a call.
  const principals = new Map<string, { caller: Caller; statements: PolicyStatement[]; context: Record<string, string> }>();
  for (const fn of model.functions()) {
    if (!fn.roleLogicalId) log.warn(`function ${fn.logicalId} has a role outside the template (${fn.roleArn}); every call it makes is refused`);
    const statements = fn.roleLogicalId ? model.roleStatements(fn.roleLogicalId) : [];
    const sessionArn = `arn:${account.partition}:sts::${account.accountId}:assumed-role/${fn.roleName}/${fn.functionName}`;
    const roleId = fn.roleLogicalId ? String(model.getAtt(fn.roleLogicalId, 'RoleId')) : 'AROALOCALUNKNOWNROLE';
    const userId = `${roleId}:${fn.functionName}`;
    principals.set(fn.logicalId, {
      caller: { functionLogicalId: fn.logicalId, fn, sessionArn, userId },
      statements,
      context: principalContext(fn, account, userId),
    });
  }

  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const env: ServiceEnvironment = { model, log, now };
  const events = new ObjectEvents(model, backends.lambda, log, track);
  let hostnames: string[] = ['localhost'];
  const s3 = createS3Service(env, { s3Dir: options.s3Dir, events, hostnames: () => hostnames });
  const sns = createSnsService(env, backends.sns);
  const lambda = createLambdaService(env, backends.lambda);
  const jsonServices = {
    dynamodb: createDynamoDbService(env, backends.dynamodbEndpoint),
    states: createStepFunctionsService(env, backends.stepFunctions),
    secretsmanager: createSecretsService(env, backends.secrets),
  };
  const protocols: Record<ServiceName, Protocol> = { dynamodb: 'json1.0', states: 'json1.0', secretsmanager: 'json1.1', sns: 'query', s3: 'rest-xml', lambda: 'rest-json' };

  const recorded: AwsCall[] = [];
  const reportedProblems = new Set<string>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const arrived = now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const questionMark = url.indexOf('?');
    const rawPath = questionMark < 0 ? url : url.slice(0, questionMark);
    const rawQuery = questionMark < 0 ? '' : url.slice(questionMark + 1);
    const headers = headerMap(req.rawHeaders);
    const header = (name: string) => headers.get(name)?.[0];
    const query = parseQuery(rawQuery) ?? [];
    const parsed = parseSignature({ method, rawPath, query, headers });
    const serviceName = parsed.ok ? parsed.signature.service : guessService(method, rawPath, header);
    const service: ServiceName | undefined = isServiceName(serviceName) ? serviceName : undefined;
    const protocol: Protocol = service ? protocols[service] : header('x-amz-target') ? 'json1.0' : 'rest-xml';
    const call: AwsCall = { at: arrived.toISOString(), caller: 'anonymous', service: serviceName, operation: 'unknown', checks: [], allowed: false, status: 0 };
    let authenticated = false;
    let reply: Reply;

    try {
      if (!service) throw new AwsServiceError('UnknownOperationException', `The local AWS emulator does not implement the service "${serviceName}"`, 400);
      call.operation = operationName(service, method, rawPath, query, header);

      // Browsers ask S3 before a cross-origin upload; the preflight carries no signature.
      if (service === 's3' && method === 'OPTIONS') {
        authenticated = true;
        reply = s3.preflight(rawPath, header('host'), header);
      } else {
        const body = await readBody(req, service === 's3' ? S3_MAX_BODY : MAX_BODY, TOO_LARGE[service]);
        if (service === 'sns') call.operation = sns.operationOf(body);
        const signature = authenticate(service, parsed, { method, rawPath, query, headers, body }, call);
        const principal = principals.get(call.caller);
        if (!principal) throw authError(service, 'unknownKey', { signature });
        authenticated = true;

        const serviceCall: ServiceCall = {
          method,
          rawPath,
          query,
          queryParam: (name) => query.find(([key]) => key === name)?.[1],
          header,
          headers,
          body,
          caller: principal.caller,
          signature,
          requestId,
          remoteAddress: remoteAddress(req),
          now,
          authorize: (action, resource, context = {}) => {
            const result = evaluate(principal.statements, {
              action,
              resource,
              context: { ...principal.context, 'aws:CurrentTime': now().toISOString(), 'aws:EpochTime': String(Math.floor(now().getTime() / 1000)), 'aws:SourceIp': remoteAddress(req), ...context },
            });
            for (const problem of result.problems) {
              if (reportedProblems.has(problem)) continue;
              reportedProblems.add(problem);
              log.warn(`IAM policy of ${principal.caller.functionLogicalId}: ${problem}`);
            }
            call.checks.push({ action, resource, decision: result.decision });
            return result.decision;
          },
        };
        reply = await dispatch(service, serviceCall, call.operation);
      }
    } catch (error) {
      reply = renderError(protocol, error, requestId, method === 'HEAD', service === 'secretsmanager');
      if (error instanceof AwsServiceError) call.error = `${error.code}: ${error.message}`;
      else log.error(`AWS emulator: ${call.service} ${call.operation} failed`, error);
    }

    if (service === 's3' && method !== 'OPTIONS') reply.headers = { ...s3.responseCors(rawPath, header('host'), method, header('origin')), ...reply.headers };
    call.allowed = authenticated && call.checks.every((check) => check.decision === 'allow');
    call.status = reply.status;
    try {
      const errorBody = await send(res, reply, requestId, protocol);
      if (errorBody !== undefined && call.error === undefined) call.error = errorCode(errorBody);
    } catch (error) {
      log.error(`AWS emulator: the answer to ${call.service} ${call.operation} could not be sent`, error);
    } finally {
      recorded.push(call);
    }
  }

  /** Who signed (their key must be known) and whether the signature is theirs; throws the service's own error. */
  function authenticate(service: ServiceName, parsed: ReturnType<typeof parseSignature>, parts: { method: string; rawPath: string; query: [string, string][]; headers: Map<string, string[]>; body: Buffer }, call: AwsCall): ParsedSignature {
    if (!parsed.ok) throw parsed.missing ? authError(service, 'missing') : authError(service, 'malformed', { detail: parsed.message });
    const signature = parsed.signature;
    const functionId = credentials.functionOf(signature.accessKeyId);
    if (!functionId) {
      call.caller = 'unknown key';
      throw authError(service, 'unknownKey', { signature });
    }
    call.caller = functionId;
    if (signature.region !== account.region) throw authError(service, 'region', { signature, expectedRegion: account.region });
    const signedAt = parseAmzDate(signature.amzDate);
    if (!signedAt || signature.amzDate.slice(0, 8) !== signature.scopeDate) throw authError(service, 'badSignature', { signature });

    let payloadHash: string;
    if (signature.kind === 'query') {
      payloadHash = parts.query.find(([name]) => name === 'X-Amz-Content-Sha256')?.[1] ?? UNSIGNED_PAYLOAD;
    } else {
      const declared = parts.headers.get('x-amz-content-sha256')?.[0];
      const actual = sha256Hex(parts.body);
      if (declared !== undefined && /^[0-9a-f]{64}$/i.test(declared) && declared.toLowerCase() !== actual) throw authError(service, 'payload', { signature, detail: actual });
      payloadHash = declared ?? actual;
    }
    const { secretAccessKey } = credentials.forFunction(functionId);
    if (!verifySignature(parts, signature, { secretAccessKey, s3: service === 's3', payloadHash })) throw authError(service, 'badSignature', { signature });

    if (signature.kind === 'query' && signature.expiresSeconds !== undefined) {
      const expiresAt = new Date(signedAt.getTime() + signature.expiresSeconds * 1000);
      if (now().getTime() > expiresAt.getTime()) throw authError(service, 'expired', { signature, expiry: { expiresAt, serverTime: now() } });
    }
    return signature;
  }

  async function dispatch(service: ServiceName, call: ServiceCall, operation: string): Promise<Reply> {
    switch (service) {
      case 's3':
        return s3.handle(call);
      case 'sns':
        return sns.handle(call);
      case 'lambda':
        return lambda.handle(call);
      case 'dynamodb':
      case 'states':
      case 'secretsmanager': {
        const target = call.header('x-amz-target') ?? '';
        const prefix = JSON_TARGET_PREFIX[service] ?? '';
        if (call.method !== 'POST' || !target.startsWith(`${prefix}.`)) {
          throw new AwsServiceError('UnknownOperationException', `X-Amz-Target "${target}" is not an operation of ${service}`);
        }
        return jsonServices[service].handle(call, operation);
      }
    }
  }

  function operationName(service: ServiceName, method: string, rawPath: string, query: [string, string][], header: (name: string) => string | undefined): string {
    switch (service) {
      case 's3':
        return s3.operationOf(method, rawPath, query, header('host'));
      case 'lambda':
        return lambda.operationOf(method, rawPath);
      case 'sns':
        return 'unknown';
      default: {
        const target = header('x-amz-target') ?? '';
        return target.slice(target.indexOf('.') + 1) || 'unknown';
      }
    }
  }

  const server = createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, (req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  hostnames = ['localhost', host];
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  async function drain(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    credentialsFor: (functionLogicalId) => credentials.forFunction(functionLogicalId),
    calls: () => recorded.slice(),
    drain,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), CLOSE_DRAIN_MS);
        });
        const outcome = await Promise.race([drain().then(() => 'drained' as const), timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout') log.warn(`AWS emulator: closed with ${inFlight.size} asynchronous invocation(s) still running`);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

function isServiceName(name: string): name is ServiceName {
  return ['dynamodb', 'states', 'sns', 's3', 'secretsmanager', 'lambda'].includes(name);
}

/** An unsigned request's service, from its shape (only to answer it in the right protocol). */
function guessService(method: string, rawPath: string, header: (name: string) => string | undefined): string {
  const target = header('x-amz-target') ?? '';
  if (target.startsWith('DynamoDB_')) return 'dynamodb';
  if (target.startsWith('AWSStepFunctions.')) return 'states';
  if (target.startsWith('secretsmanager.')) return 'secretsmanager';
  if (target) return 'unknown';
  if (rawPath.startsWith('/2015-03-31/functions/')) return 'lambda';
  if (method === 'POST' && rawPath === '/' && (header('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return 'sns';
  return 's3';
}

/** Condition keys every request of this function carries. */
function principalContext(fn: TemplateFunction, account: LocalAccount, userId: string): Record<string, string> {
  return {
    // The SDK talks plain HTTP to the emulator only because it is local; in AWS it is always TLS.
    'aws:SecureTransport': 'true',
    'aws:PrincipalArn': fn.roleArn,
    'aws:PrincipalAccount': account.accountId,
    'aws:PrincipalType': 'AssumedRole',
    'aws:userid': userId,
    'aws:RequestedRegion': account.region,
    'aws:ViaAWSService': 'false',
    'lambda:SourceFunctionArn': fn.arn,
  };
}

type AuthFailure = 'missing' | 'malformed' | 'unknownKey' | 'region' | 'badSignature' | 'payload' | 'expired';

const BAD_SIGNATURE = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/** The error each service answers for an authentication failure (what the SDK then throws). */
interface AuthErrorDetails {
  signature?: ParsedSignature;
  /** The parser's complaint (malformed) or the body's SHA-256 (payload). */
  detail?: string;
  expiry?: { expiresAt: Date; serverTime: Date };
  expectedRegion?: string;
}

function authError(service: ServiceName, failure: AuthFailure, details: AuthErrorDetails = {}): AwsServiceError {
  const { signature, detail, expiry, expectedRegion = 'us-east-1' } = details;
  const regionMessage = `Credential should be scoped to a valid region, not '${signature?.region ?? ''}'.`;
  const expiredMessage = 'Request has expired';
  if (service === 's3') {
    const keyFields: Record<string, string> = signature ? { AWSAccessKeyId: signature.accessKeyId } : {};
    switch (failure) {
      case 'missing':
        return new AwsServiceError('AccessDenied', 'Access Denied', 403);
      case 'malformed':
        return new AwsServiceError(signature?.kind === 'query' ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed', detail ?? 'The authorization information is malformed', 400);
      case 'unknownKey':
        return new XmlFieldsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403, keyFields);
      case 'region':
        return new XmlFieldsError('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${signature?.region ?? ''}' is wrong; expecting '${expectedRegion}'`, 400, { Region: signature?.region ?? '' });
      case 'badSignature':
        return new XmlFieldsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403, {
          ...keyFields,
          SignatureProvided: signature?.signature ?? '',
        });
      case 'payload':
        return new XmlFieldsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, { S3ComputedContentSHA256: detail ?? '' });
      case 'expired':
        return new XmlFieldsError('AccessDenied', expiredMessage, 403, {
          'X-Amz-Expires': String(signature?.expiresSeconds ?? ''),
          Expires: expiry ? expiry.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z') : '',
          ServerTime: expiry ? expiry.serverTime.toISOString().replace(/\.\d{3}Z$/, 'Z') : '',
        });
    }
  }
  if (service === 'sns') {
    switch (failure) {
      case 'missing':
        return new AwsServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      case 'malformed':
        return new AwsServiceError('IncompleteSignature', detail ?? 'The request signature does not conform to AWS standards.', 400);
      case 'unknownKey':
        return new AwsServiceError('InvalidClientTokenId', INVALID_TOKEN, 403);
      case 'region':
        return new AwsServiceError('SignatureDoesNotMatch', regionMessage, 403);
      case 'expired':
        return new AwsServiceError('SignatureDoesNotMatch', `Signature expired: ${expiredMessage}`, 403);
      default:
        return new AwsServiceError('SignatureDoesNotMatch', BAD_SIGNATURE, 403);
    }
  }
  // The JSON services answer 400 for these, Lambda (REST) 403.
  const status = service === 'lambda' ? 403 : 400;
  switch (failure) {
    case 'missing':
      return new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', status);
    case 'malformed':
      return new AwsServiceError('IncompleteSignatureException', detail ?? 'The request signature does not conform to AWS standards.', status);
    case 'unknownKey':
      return new AwsServiceError('UnrecognizedClientException', INVALID_TOKEN, status);
    case 'region':
      return new AwsServiceError('InvalidSignatureException', regionMessage, status);
    case 'expired':
      return new AwsServiceError('InvalidSignatureException', `Signature expired: ${expiredMessage}`, status);
    default:
      return new AwsServiceError('InvalidSignatureException', BAD_SIGNATURE, status);
  }
}

function renderError(protocol: Protocol, error: unknown, requestId: string, head: boolean, capitalMessage: boolean): Reply {
  const serviceError = error instanceof AwsServiceError ? error : internalError(protocol);
  return errorReply(protocol, serviceError, {
    requestId,
    head,
    capitalMessage,
    ...(serviceError instanceof XmlFieldsError ? { xmlFields: serviceError.xmlFields } : {}),
  });
}

function internalError(protocol: Protocol): AwsServiceError {
  if (protocol === 'rest-xml') return new AwsServiceError('InternalError', 'We encountered an internal error. Please try again.', 500);
  if (protocol === 'query') return new AwsServiceError('InternalError', 'The local AWS emulator failed (see its log)', 500);
  if (protocol === 'rest-json') return new AwsServiceError('ServiceException', 'The local AWS emulator failed (see its log)', 500);
  return new AwsServiceError('InternalServerError', 'The local AWS emulator failed (see its log)', 500);
}

/** Writes the answer; for an error answer whose body is a stream (DynamoDB Local's), returns that body's text. */
async function send(res: ServerResponse, reply: Reply, requestId: string, protocol: Protocol): Promise<string | undefined> {
  const headers: Record<string, string> = { ...reply.headers };
  if (protocol === 'rest-xml') {
    headers['x-amz-request-id'] ??= requestId;
    headers['x-amz-id-2'] ??= Buffer.from(requestId).toString('base64');
  } else {
    headers['x-amzn-requestid'] ??= requestId;
  }
  headers.date ??= new Date().toUTCString();
  let body = reply.body;
  let errorText: string | undefined;
  if (body instanceof Readable) {
    if (reply.status < 400) {
      res.writeHead(reply.status, headers);
      await new Promise<void>((resolve, reject) => {
        (body as Readable).once('error', reject);
        res.once('finish', resolve);
        res.once('close', resolve);
        (body as Readable).pipe(res);
      });
      return undefined;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    body = Buffer.concat(chunks);
    errorText = body.toString('utf8');
  }
  const buffer = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  headers['content-length'] ??= String(buffer.length);
  res.writeHead(reply.status, headers);
  res.end(res.req.method === 'HEAD' ? undefined : buffer);
  return errorText;
}

/** `Code: message` from a JSON error body (`__type` may be `namespace#Code`). */
function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { __type?: unknown; message?: unknown; Message?: unknown };
    if (typeof parsed.__type !== 'string') return undefined;
    const code = parsed.__type.slice(parsed.__type.lastIndexOf('#') + 1);
    const message = typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : '';
    return `${code}: ${message}`;
  } catch {
    return undefined;
  }
}

/** What each service calls a request body above its limit. */
const TOO_LARGE: Record<ServiceName, string> = {
  s3: 'EntityTooLarge',
  lambda: 'RequestTooLargeException',
  dynamodb: 'RequestEntityTooLarge',
  states: 'RequestEntityTooLarge',
  secretsmanager: 'RequestEntityTooLarge',
  sns: 'RequestEntityTooLarge',
};

async function readBody(req: IncomingMessage, limit: number, code: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = () => new AwsServiceError(code, `The request body exceeds the maximum allowed size (${limit} bytes locally)`, 413);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function remoteAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
