// The inside of one local Lambda container (a worker thread): what AWS Lambda's Node.js runtime interface client
// (aws/aws-lambda-nodejs-runtime-interface-client, the version behind nodejs24.x) does around a function's code, with
// the same behaviour — handler lookup, error types and messages, console format, uncaught-error handling. Plain JS: the
// code it runs is already bundled, so no TypeScript loader is needed here. The parent side is container.ts; messages to it:
//   { type: 'output', stream, text }  what the function writes to stdout/stderr, in order with the messages below
//   { type: 'ready' } | { type: 'init-error', error }  the end of the init phase (the handler module imported)
//   { type: 'result', requestId, payloadJson } | { type: 'result', requestId, error }  the end of one invocation
//   { type: 'crash', error }  an uncaught exception or unhandled rejection; the container then exits (129 / 128)
// and from it: { type: 'invoke', requestId, eventJson, timeoutMs, traceId, invokedFunctionArn }.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import tls from 'node:tls';

/** @type {{ codeDir: string, handler: string, nodeMajor: number, clockOffset: SharedArrayBuffer, runtimeModulesDir?: string, sourceMaps: boolean, stackTraceLimit?: number, extraCaCertificates?: string[], identity: Record<string, string> }} */
const config = workerData;
const post = (message) => parentPort.postMessage(message);

// --- The local clock: Date.now(), new Date() and Date() read real time plus the offset the parent shares. Everything
// else about Date (other constructor forms, Date.UTC, Date.parse, the prototype) is the real one; timers and
// performance.now() stay real. A Float64 read is not atomic by the spec, but an aligned 8-byte read is on x64/arm64.
const RealDate = Date;
const realNow = RealDate.now;
const clockOffset = new Float64Array(config.clockOffset);
const localNow = () => realNow() + clockOffset[0];
function LocalDate(...args) {
  if (!new.target) return new RealDate(localNow()).toString(); // Date() called as a function returns a string
  return Reflect.construct(RealDate, args.length === 0 ? [localNow()] : args, new.target); // new.target: subclasses work
}
Object.setPrototypeOf(LocalDate, RealDate); // Date.UTC, Date.parse are inherited unchanged
LocalDate.prototype = RealDate.prototype; // so instanceof holds for dates made either way, and the methods are the real ones
Object.defineProperties(LocalDate, {
  name: { value: 'Date' },
  length: { value: 7 },
  now: { value: function now() { return localNow(); }, writable: true, configurable: true },
  toString: { value: () => 'function Date() { [native code] }', writable: true, configurable: true },
});
Object.defineProperty(RealDate.prototype, 'constructor', { value: LocalDate, writable: true, configurable: true });
globalThis.Date = LocalDate;

// --- Output: sent to the parent on the same port as the results, so that an invocation's lines arrive before its end.
for (const name of ['stdout', 'stderr']) {
  process[name].write = function write(chunk, encoding, callback) {
    if (typeof encoding === 'function') [callback, encoding] = [encoding, undefined];
    const text = typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8').toString('utf8') : Buffer.from(chunk).toString('utf8');
    post({ type: 'output', stream: name, text });
    if (typeof callback === 'function') process.nextTick(callback);
    return true;
  };
}

// --- The console as Lambda patches it (text log format): one line per call, `time\trequestId\tLEVEL\tmessage`, newlines
// inside the message turned into \r so that a multi-line message stays one log event; every level goes to stdout.
let currentRequestId; // undefined during init, like Lambda's
for (const [method, level] of [['trace', 'TRACE'], ['debug', 'DEBUG'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['fatal', 'FATAL']]) {
  console[method] = (message, ...params) => {
    const line = [new Date().toISOString(), currentRequestId, level, format(message, ...params)].join('\t');
    process.stdout.write(line.replace(/\n/g, '\r') + '\n');
  };
}
console.log = console.info;

// --- Errors, in Lambda's shapes.
class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}
/** The {errorType, errorMessage, trace} Lambda returns for an error. */
function formatError(error) {
  try {
    if (error instanceof Error) {
      // The name, as Lambda reports it (a subclass that does not set `name` is an 'Error'); the class name if it has none.
      const errorType = error.name || error.constructor?.name || 'Error';
      return { errorType, errorMessage: String(error.message ?? ''), trace: error.stack?.split('\n') ?? [] };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack', trace: [] };
  }
}
/** Logs an error the way the runtime does (`Invoke Error`, `Init Error`, …: the message, then the error as JSON). */
function logError(message, error) {
  const asError = error instanceof Error ? error : new Error(String(error));
  let json;
  try {
    json = JSON.stringify(asError, (_key, value) =>
      value instanceof Error ? { errorType: value.name, errorMessage: value.message, code: value.code, ...value, stack: value.stack?.split('\n') } : value,
    );
  } catch {
    json = JSON.stringify(formatError(asError));
  }
  console.error(message, `\t${json}`);
}

// An error outside any handler's promise kills the container, as in Lambda (which answers the running invocation with
// that error, then the runtime exits with status 129, or 128 for an unhandled rejection).
process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  post({ type: 'crash', error: formatError(error) });
  process.exit(129);
});
process.on('unhandledRejection', (reason) => {
  const error = new RuntimeError('Runtime.UnhandledPromiseRejection', String(reason));
  logError('Unhandled Promise Rejection', error);
  post({ type: 'crash', error: formatError(error) });
  process.exit(128);
});

// --- NODE_OPTIONS: Node applies --enable-source-maps to the worker itself; being explicit costs nothing. V8's
// --stack-trace-limit cannot be given to one thread: this is its effect.
if (config.sourceMaps) process.setSourceMapsEnabled(true);
// Extra certificates this container trusts (the runtime's extraCaCertificates), on top of Node's bundled ones.
if (config.extraCaCertificates?.length > 0) tls.setDefaultCACertificates([...tls.getCACertificates('default'), ...config.extraCaCertificates]);
if (config.stackTraceLimit !== undefined) Error.stackTraceLimit = config.stackTraceLimit;

// --- Module isolation. In Lambda the code sits alone in /var/task, with no package.json or node_modules above it and
// the AWS SDK v3 provided by the runtime. Here the code directory may sit inside this project (cdk.out is, and the
// project is "type": "module"), so two synchronous module hooks (they run in this thread, for import and require):
//  - resolve: code in the task root may load only files inside it, built-ins, and @aws-sdk/* — the latter found in
//    the task root or else in runtimeModulesDir's node_modules (standing in for the SDK the runtime provides);
//  - load: a .js (or extension-less) file in the task root is CommonJS unless a package.json inside the task root says
//    "type": "module" — package.json files above the task root are not looked at, as none exist in Lambda.
const taskRoot = config.codeDir;
const taskRootUrl = pathToFileURL(taskRoot + sep).href;
const inTaskRoot = (url) => typeof url === 'string' && url.startsWith(taskRootUrl);
const providedByRuntime = (specifier) => specifier.startsWith('@aws-sdk/');

function notFound(specifier, context) {
  const cjs = context.conditions?.includes('require');
  const parent = context.parentURL ? fileURLToPath(context.parentURL) : taskRoot;
  const error = new Error(cjs ? `Cannot find module '${specifier}'\nRequire stack:\n- ${parent}` : `Cannot find package '${specifier}' imported from ${parent}`);
  error.code = cjs ? 'MODULE_NOT_FOUND' : 'ERR_MODULE_NOT_FOUND';
  return error;
}

function resolveFromRuntimeModules(specifier, context, nextResolve) {
  if (!config.runtimeModulesDir) throw notFound(specifier, context);
  if (context.conditions?.includes('require')) {
    // require() resolves from the requiring module's directory, not from parentURL: ask a require made there.
    const path = createRequire(join(config.runtimeModulesDir, 'noop.js')).resolve(specifier);
    return { url: pathToFileURL(path).href, shortCircuit: true };
  }
  return nextResolve(specifier, { ...context, parentURL: pathToFileURL(join(config.runtimeModulesDir, 'noop.js')).href });
}

const packageTypes = new Map(); // directory → 'module' | 'commonjs'
function packageTypeInTaskRoot(directory) {
  if (!packageTypes.has(directory)) {
    let type = 'commonjs';
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) type = JSON.parse(readFileSync(manifest, 'utf8')).type === 'module' ? 'module' : 'commonjs';
    else if (directory !== taskRoot && directory.startsWith(taskRoot + sep)) type = packageTypeInTaskRoot(dirname(directory));
    packageTypes.set(directory, type);
  }
  return packageTypes.get(directory);
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (!inTaskRoot(context.parentURL)) return nextResolve(specifier, context); // the SDK's own imports, our own
    let resolved;
    try {
      resolved = nextResolve(specifier, context);
    } catch (error) {
      if (!providedByRuntime(specifier)) throw error;
    }
    if (resolved && (!resolved.url.startsWith('file:') || inTaskRoot(resolved.url))) return resolved;
    if (providedByRuntime(specifier)) return resolveFromRuntimeModules(specifier, context, nextResolve);
    throw notFound(specifier, context);
  },
  load(url, context, nextLoad) {
    if (inTaskRoot(url) && ['.js', ''].includes(extname(fileURLToPath(url)))) {
      return nextLoad(url, { ...context, format: packageTypeInTaskRoot(dirname(fileURLToPath(url))) });
    }
    return nextLoad(url, context);
  },
});

// --- The init phase: find and import the handler as the runtime does. `dir/file.a.b` → module dir/file (tried as is,
// .js, .mjs, .cjs, then by Node resolution from the task root), export a.b (also looked up under the default export).
async function loadHandler(handlerString) {
  if (handlerString.includes('..')) {
    throw new RuntimeError('Runtime.MalformedHandlerName', `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const handlerBase = basename(handlerString);
  const moduleRoot = handlerString.substring(0, handlerString.indexOf(handlerBase)).replace(/\/$/, '');
  const match = handlerBase.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerName] = match;

  let module;
  try {
    const base = resolve(taskRoot, moduleRoot, moduleName);
    for (const extension of ['', '.js', '.mjs', '.cjs']) {
      const file = base + extension;
      if (!existsSync(file)) continue;
      // The runtime import()s every file. For CommonJS we require() it instead — the same module.exports — because
      // import() hands a CommonJS file back to Node's CJS loader, which would look at package.json files above the
      // task root again (and take a .js file in this "type": "module" project for ESM).
      const commonJs = extension === '.cjs' || (extension !== '.mjs' && packageTypeInTaskRoot(dirname(file)) === 'commonjs');
      module = commonJs ? createRequire(file)(file) : await import(pathToFileURL(file).href);
      break;
    }
    if (!module) {
      const require = createRequire(join(taskRoot, 'noop.js'));
      module = require(require.resolve(moduleName, { paths: [taskRoot, join(taskRoot, moduleRoot)] }));
    }
  } catch (error) {
    if (error instanceof SyntaxError) {
      const syntaxError = new RuntimeError('Runtime.UserCodeSyntaxError', String(error));
      syntaxError.stack = error.stack;
      throw syntaxError;
    }
    if (error?.code === 'MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', String(error));
    throw error;
  }

  const findIn = (root) => handlerName.split('.').reduce((nested, key) => (nested && typeof nested === 'object' ? nested[key] : undefined), root);
  const handler = findIn(module) ?? (module && typeof module === 'object' && 'default' in module ? findIn(module.default) : undefined);
  if (!handler) throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is not a function`);
  if (handler.length >= 3 && config.nodeMajor >= 24) {
    // The Node.js 24 runtime refuses callback-style handlers at init; earlier runtimes still call them.
    throw new RuntimeError(
      'Runtime.CallbackHandlerDeprecated',
      'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
    );
  }
  return handler;
}

/** Calls the handler; a callback-style one (runtimes before Node.js 24 only) settles through its callback or context.done. */
function callHandler(handler, event, context) {
  const callbackStyle = config.nodeMajor < 24;
  if (!callbackStyle) {
    for (const name of ['done', 'succeed', 'fail']) {
      context[name] = () => {
        throw new Error(`context.${name}() is not supported by the Node.js ${config.nodeMajor} runtime: return a value or throw instead`);
      };
    }
    return Promise.resolve().then(() => handler(event, context));
  }
  return new Promise((resolvePromise, rejectPromise) => {
    const callback = (error, result) => (error !== undefined && error !== null ? rejectPromise(error) : resolvePromise(result));
    Object.assign(context, { done: callback, succeed: (result) => callback(null, result), fail: (error) => callback(error ?? 'handled') });
    const returned = handler(event, context, callback);
    if (handler.length < 3 || (returned && typeof returned.then === 'function')) Promise.resolve(returned).then(resolvePromise, rejectPromise);
  });
}

// --- Invocations, one at a time (the parent never sends another before this one's result).
async function invoke(handler, message) {
  const deadline = realNow() + message.timeoutMs;
  currentRequestId = message.requestId;
  process.env._X_AMZN_TRACE_ID = message.traceId;
  const context = {
    functionName: config.identity.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: config.identity.memoryLimitInMB,
    awsRequestId: message.requestId,
    logGroupName: config.identity.logGroupName,
    logStreamName: config.identity.logStreamName,
    xRayTraceId: message.traceId,
    clientContext: undefined,
    identity: undefined,
    callbackWaitsForEmptyEventLoop: true, // accepted, not acted on: see runtime.ts
    getRemainingTimeInMillis: () => deadline - realNow(), // the deadline is real time, as Lambda's is
  };
  try {
    const result = await callHandler(handler, JSON.parse(message.eventJson), context);
    await new Promise((next) => setImmediate(next)); // the runtime answers on the next turn of the loop
    let payloadJson;
    try {
      payloadJson = JSON.stringify(result === undefined ? null : result);
    } catch {
      throw new RuntimeError('Runtime.JSONStringifyError', 'Unable to stringify response body');
    }
    post({ type: 'result', requestId: message.requestId, payloadJson });
  } catch (error) {
    await new Promise((next) => setImmediate(next));
    logError('Invoke Error', error);
    post({ type: 'result', requestId: message.requestId, error: formatError(error) });
  }
}

try {
  const handler = await loadHandler(config.handler);
  parentPort.on('message', (message) => {
    if (message.type === 'invoke') void invoke(handler, message);
  });
  post({ type: 'ready' });
} catch (error) {
  logError('Init Error', error);
  post({ type: 'init-error', error: formatError(error) });
}
