// What a local Lambda container's process.env holds: the function's own variables plus what Lambda itself sets, and
// nothing from the parent process. Also reads the function's NODE_OPTIONS, which Node applies in a worker thread only
// in part (see nodeOptions below).

import { randomBytes } from 'node:crypto';

/** The keys Lambda reserves: a function configured with any of them is refused by the Lambda API, so we refuse it too. */
export const RESERVED_VARIABLES: readonly string[] = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];

/** Set by Lambda but not reserved: a function may override them. Values as on Lambda's Amazon Linux 2023 images. */
const LAMBDA_DEFAULTS: Readonly<Record<string, string>> = {
  PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
  LANG: 'en_US.UTF-8',
  LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
  TZ: ':UTC',
};

export interface ContainerIdentity {
  functionName: string;
  runtime: string;
  handler: string;
  codeDir: string;
  memoryMb: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The function's variables as the template gives them. */
  environment: Readonly<Record<string, string>>;
  /** The local stack's additions (e.g. AWS_ENDPOINT_URL); they win over the function's own variables. */
  extraEnvironment: Readonly<Record<string, string>>;
  /** Where the container's bootstrap lives (our stand-in for /var/runtime). */
  runtimeDir: string;
}

/** Throws if `variables` sets a key Lambda reserves (`whose` names the culprit in the message). */
export function assertNoReservedVariables(variables: Readonly<Record<string, string>>, whose: string): void {
  const reserved = Object.keys(variables).filter((key) => RESERVED_VARIABLES.includes(key));
  if (reserved.length > 0) {
    throw new Error(`${whose} sets reserved Lambda environment variables (${reserved.join(', ')}); Lambda refuses such a configuration`);
  }
}

/** A new container's log stream, as Lambda names them: `2026/03/01/[$LATEST]<32 hex digits>` (the date of its start). */
export function logStreamName(now: Date): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** An X-Ray trace header for one invocation (not sampled: nothing is sent to a daemon locally). */
export function traceHeader(now: Date): string {
  const epochHex = Math.floor(now.getTime() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epochHex}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

/** The whole process.env of one container (the per-invocation _X_AMZN_TRACE_ID is set by the bootstrap). */
export function containerEnvironment(identity: ContainerIdentity, streamName: string): Record<string, string> {
  const { credentials } = identity;
  return {
    ...LAMBDA_DEFAULTS,
    ...identity.environment,
    AWS_REGION: identity.region,
    AWS_DEFAULT_REGION: identity.region,
    AWS_LAMBDA_FUNCTION_NAME: identity.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(identity.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${identity.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: streamName,
    AWS_EXECUTION_ENV: `AWS_Lambda_${identity.runtime}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: identity.codeDir,
    LAMBDA_RUNTIME_DIR: identity.runtimeDir,
    _HANDLER: identity.handler,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    ...identity.extraEnvironment,
  };
}

export interface NodeOptions {
  /** --enable-source-maps (Node applies it in a worker too; the bootstrap also calls process.setSourceMapsEnabled). */
  sourceMaps: boolean;
  /** --max-old-space-size: a V8 flag Node cannot apply to one thread; applied as the worker's resourceLimits instead. */
  maxOldSpaceMb?: number;
  /** --stack-trace-limit: a V8 flag; applied as Error.stackTraceLimit in the container. */
  stackTraceLimit?: number;
  /** Flags not known to take effect in a worker thread: reported, never silently dropped. */
  notApplied: string[];
}

/** Flags Node applies per worker thread when it reads the worker's NODE_OPTIONS (value-taking ones map to true). */
const APPLIED_BY_NODE: Readonly<Record<string, boolean>> = {
  '--enable-source-maps': false,
  '--require': true,
  '-r': true,
  '--import': true,
  '--no-warnings': false,
  '--no-deprecation': false,
  '--trace-warnings': false,
  '--trace-deprecation': false,
  '--throw-deprecation': false,
  '--trace-uncaught': false,
};

/** Reads a NODE_OPTIONS value: what is applied, and how; what is not. */
export function nodeOptions(value: string | undefined): NodeOptions {
  const result: NodeOptions = { sourceMaps: false, notApplied: [] };
  const tokens = (value ?? '').split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const [flag, inlineValue] = token.includes('=') ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)] : [token, undefined];
    const takesValue = flag in APPLIED_BY_NODE ? APPLIED_BY_NODE[flag] : flag === '--max-old-space-size' || flag === '--stack-trace-limit';
    const flagValue = inlineValue ?? (takesValue ? tokens[++i] : undefined);
    if (flag === '--enable-source-maps') result.sourceMaps = true;
    else if (flag === '--max-old-space-size' && Number(flagValue) > 0) result.maxOldSpaceMb = Number(flagValue);
    else if (flag === '--stack-trace-limit' && Number(flagValue) >= 0) result.stackTraceLimit = Number(flagValue);
    else if (!(flag in APPLIED_BY_NODE)) result.notApplied.push(flagValue === undefined || inlineValue !== undefined ? token : `${token} ${flagValue}`);
  }
  return result;
}
