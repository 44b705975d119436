// Identity-based policy evaluation with IAM's semantics, for the local AWS emulator: an explicit Deny wins, then any
// Allow, else the implicit deny. Resource-based policies, permission boundaries, SCPs and session policies are not
// part of it (the emulator checks only the calling function's role).
//
// Condition semantics follow the IAM reference ("Condition operators"):
// - several operators in a block, and several keys under one operator, must all match (AND);
//   several values for one key match if any does (OR) — for a negated operator (StringNotEquals, ArnNotLike, …) the
//   context value must match none of them;
// - a key missing from the request context makes a positive operator false and a negated operator true, except
//   `…IfExists` (true when missing) and `Null` (tests for presence itself);
// - `ForAnyValue:` is true if some context value satisfies the operator (false for a missing key),
//   `ForAllValues:` if every context value does (true for a missing key);
// - an operator this module does not know never makes an Allow apply and always makes a Deny apply (fail closed),
//   and is reported in `problems`.

/** A policy statement as in a policy document, with every value a concrete string. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  /** Not IAM: where the statement came from (policy logical id or managed policy ARN), for reports. */
  source?: string;
}

export interface AuthorizationRequest {
  /** `service:Operation`, e.g. `dynamodb:PutItem`. */
  action: string;
  /** The resource ARN (or `*` for actions without a resource). */
  resource: string;
  /** Condition keys (case-insensitive names) → value(s). */
  context: Record<string, string | string[]>;
}

export type Decision = 'allow' | 'explicitDeny' | 'implicitDeny';

export interface EvaluationResult {
  decision: Decision;
  /** The Deny statement that decided an explicit deny, or the first Allow statement that applied. */
  statement?: PolicyStatement;
  /** Things in the policies this evaluator could not honour (unknown condition operators, bad values). */
  problems: string[];
}

export function evaluate(statements: readonly PolicyStatement[], request: AuthorizationRequest): EvaluationResult {
  const problems: string[] = [];
  const context = lowerCaseKeys(request.context);
  let allowedBy: PolicyStatement | undefined;
  for (const statement of statements) {
    if (!appliesTo(statement, request, context, problems)) continue;
    if (statement.Effect === 'Deny') return { decision: 'explicitDeny', statement, problems };
    allowedBy ??= statement;
  }
  return allowedBy ? { decision: 'allow', statement: allowedBy, problems } : { decision: 'implicitDeny', problems };
}

function appliesTo(statement: PolicyStatement, request: AuthorizationRequest, context: Context, problems: string[]): boolean {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    problems.push(`statement ${describe(statement)} has Effect ${JSON.stringify(statement.Effect)}; it is ignored`);
    return false;
  }
  if (!actionMatches(statement, request.action, problems)) return false;
  if (!resourceMatches(statement, request.resource, context, problems)) return false;
  return conditionsHold(statement, context, problems);
}

function actionMatches(statement: PolicyStatement, action: string, problems: string[]): boolean {
  if (statement.Action !== undefined && statement.NotAction !== undefined) {
    problems.push(`statement ${describe(statement)} has both Action and NotAction; it is ignored`);
    return false;
  }
  // Actions compare case-insensitively, with * and ? wildcards.
  const matches = (patterns: string | string[]) => list(patterns).some((pattern) => globMatch(pattern.toLowerCase(), action.toLowerCase()));
  if (statement.Action !== undefined) return matches(statement.Action);
  if (statement.NotAction !== undefined) return !matches(statement.NotAction);
  problems.push(`statement ${describe(statement)} has neither Action nor NotAction; it is ignored`);
  return false;
}

function resourceMatches(statement: PolicyStatement, resource: string, context: Context, problems: string[]): boolean {
  if (statement.Resource !== undefined && statement.NotResource !== undefined) {
    problems.push(`statement ${describe(statement)} has both Resource and NotResource; it is ignored`);
    return false;
  }
  const matches = (patterns: string | string[]) =>
    list(patterns).some((pattern) => {
      const expanded = expandVariables(pattern, context);
      return expanded !== undefined && resourcePatternMatches(expanded, resource);
    });
  if (statement.Resource !== undefined) return matches(statement.Resource);
  if (statement.NotResource !== undefined) return !matches(statement.NotResource);
  problems.push(`statement ${describe(statement)} has neither Resource nor NotResource; it is ignored`);
  return false;
}

/** `*` matches everything; two ARNs compare segment by segment (as ArnLike); anything else as a case-sensitive glob. */
export function resourcePatternMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('arn:') && resource.startsWith('arn:')) return arnLike(pattern, resource);
  return globMatch(pattern, resource);
}

/**
 * ArnLike/ArnEquals: the six colon-separated parts (arn, partition, service, region, account, resource — the
 * resource part keeps its own colons) compare separately, each with * and ? wildcards, case-sensitively.
 */
export function arnLike(pattern: string, arn: string): boolean {
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return false;
  return p.every((part, index) => globMatch(part, a[index] ?? ''));
}

function splitArn(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** `*` = any run of characters (also none), `?` = exactly one character; everything else literal. */
export function globMatch(pattern: string, value: string): boolean {
  // Iterative matcher with backtracking on the last star: linear for policy-sized patterns, no regex escaping issues.
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = p++;
      starV = v;
    } else if (c !== undefined && (c === '?' || c === value[v])) {
      p++;
      v++;
    } else if (starP >= 0) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

// ---- conditions ----

type Context = Map<string, string[]>;

function lowerCaseKeys(context: Record<string, string | string[]>): Context {
  const map: Context = new Map();
  for (const [key, value] of Object.entries(context)) map.set(key.toLowerCase(), list(value));
  return map;
}

function conditionsHold(statement: PolicyStatement, context: Context, problems: string[]): boolean {
  const condition = statement.Condition;
  if (condition === undefined) return true;
  for (const [operatorName, keys] of Object.entries(condition)) {
    const operator = parseOperator(operatorName);
    if (!operator) {
      problems.push(`statement ${describe(statement)}: unknown condition operator ${operatorName} (treated as not matching an Allow, matching a Deny)`);
      return statement.Effect === 'Deny';
    }
    if (typeof keys !== 'object' || keys === null) {
      problems.push(`statement ${describe(statement)}: condition ${operatorName} is not a key → values map`);
      return statement.Effect === 'Deny';
    }
    for (const [key, policyValues] of Object.entries(keys)) {
      const result = keyHolds(operator, context.get(key.toLowerCase()), list(policyValues), context);
      if (result === 'invalid') {
        problems.push(`statement ${describe(statement)}: condition ${operatorName} on ${key} has values this operator cannot use: ${JSON.stringify(policyValues)}`);
        return statement.Effect === 'Deny';
      }
      if (!result) return false;
    }
  }
  return true;
}

interface Operator {
  /** The base operator, e.g. StringEquals for ForAllValues:StringEqualsIfExists. */
  base: BaseOperator;
  set?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
}

type BaseOperator = keyof typeof COMPARATORS | 'Null';

/** Single-value comparators: does one context value match one policy value? Negated operators list their positive. */
const COMPARATORS = {
  StringEquals: (c: string, p: string) => c === p,
  StringNotEquals: (c: string, p: string) => c === p,
  StringEqualsIgnoreCase: (c: string, p: string) => c.toLowerCase() === p.toLowerCase(),
  StringNotEqualsIgnoreCase: (c: string, p: string) => c.toLowerCase() === p.toLowerCase(),
  StringLike: (c: string, p: string) => globMatch(p, c),
  StringNotLike: (c: string, p: string) => globMatch(p, c),
  NumericEquals: numeric((c, p) => c === p),
  NumericNotEquals: numeric((c, p) => c === p),
  NumericLessThan: numeric((c, p) => c < p),
  NumericLessThanEquals: numeric((c, p) => c <= p),
  NumericGreaterThan: numeric((c, p) => c > p),
  NumericGreaterThanEquals: numeric((c, p) => c >= p),
  DateEquals: date((c, p) => c === p),
  DateNotEquals: date((c, p) => c === p),
  DateLessThan: date((c, p) => c < p),
  DateLessThanEquals: date((c, p) => c <= p),
  DateGreaterThan: date((c, p) => c > p),
  DateGreaterThanEquals: date((c, p) => c >= p),
  Bool: (c: string, p: string) => c.toLowerCase() === p.toLowerCase(),
  BinaryEquals: (c: string, p: string) => c === p,
  IpAddress: (c: string, p: string) => ipInCidr(c, p),
  NotIpAddress: (c: string, p: string) => ipInCidr(c, p),
  ArnEquals: (c: string, p: string) => arnLike(p, c),
  ArnLike: (c: string, p: string) => arnLike(p, c),
  ArnNotEquals: (c: string, p: string) => arnLike(p, c),
  ArnNotLike: (c: string, p: string) => arnLike(p, c),
} satisfies Record<string, (contextValue: string, policyValue: string) => boolean | 'invalid'>;

const NEGATED = new Set<BaseOperator>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

/** Operators whose policy values may contain policy variables (${aws:username} …). */
const EXPANDS_VARIABLES = new Set<BaseOperator>(['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike']);

function parseOperator(name: string): Operator | undefined {
  let rest = name;
  let set: Operator['set'];
  for (const prefix of ['ForAnyValue', 'ForAllValues'] as const) {
    if (rest.startsWith(`${prefix}:`)) {
      set = prefix;
      rest = rest.slice(prefix.length + 1);
    }
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  if (rest === 'Null') return ifExists || set ? undefined : { base: 'Null', ifExists: false };
  if (!Object.hasOwn(COMPARATORS, rest)) return undefined;
  return { base: rest as BaseOperator, ifExists, ...(set ? { set } : {}) };
}

function keyHolds(operator: Operator, contextValues: string[] | undefined, policyValues: string[], context: Context): boolean | 'invalid' {
  if (operator.base === 'Null') {
    const missing = contextValues === undefined || contextValues.length === 0;
    // "true" asks for absence, "false" for presence; several values OR.
    let anyValid = false;
    for (const value of policyValues) {
      const wanted = value.toLowerCase();
      if (wanted !== 'true' && wanted !== 'false') continue;
      anyValid = true;
      if ((wanted === 'true') === missing) return true;
    }
    return anyValid ? false : 'invalid';
  }

  const negated = NEGATED.has(operator.base);
  const comparator: (c: string, p: string) => boolean | 'invalid' = COMPARATORS[operator.base];
  const expanded: string[] = [];
  for (const value of policyValues) {
    if (!EXPANDS_VARIABLES.has(operator.base)) {
      expanded.push(value);
      continue;
    }
    // A policy variable whose key is missing makes that value unusable (it matches nothing).
    const resolved = expandVariables(value, context);
    if (resolved !== undefined) expanded.push(resolved);
  }
  if (operator.base === 'Bool' && policyValues.some((v) => !/^(true|false)$/i.test(v))) return 'invalid';

  /** One context value against all policy values: any match (positive) / no match (negated). */
  const oneHolds = (contextValue: string): boolean | 'invalid' => {
    let matched = false;
    for (const policyValue of expanded) {
      const result = comparator(contextValue, policyValue);
      if (result === 'invalid') return 'invalid';
      if (result) {
        matched = true;
        break;
      }
    }
    return negated ? !matched : matched;
  };

  const missing = contextValues === undefined || contextValues.length === 0;
  if (operator.set === 'ForAllValues') {
    if (missing) return true;
    for (const value of contextValues) {
      const result = oneHolds(value);
      if (result !== true) return result;
    }
    return true;
  }
  if (missing) {
    if (operator.set === 'ForAnyValue') return false;
    if (operator.ifExists) return true;
    return negated;
  }
  if (operator.set === 'ForAnyValue' || !negated) {
    for (const value of contextValues) {
      const result = oneHolds(value);
      if (result !== false) return result;
    }
    return false;
  }
  // A negated operator on a multi-valued key without a set qualifier: no context value may match.
  for (const value of contextValues) {
    const result = oneHolds(value);
    if (result !== true) return result;
  }
  return true;
}

function numeric(compare: (c: number, p: number) => boolean): (c: string, p: string) => boolean | 'invalid' {
  return (c, p) => {
    const policy = Number(p);
    if (p.trim() === '' || !Number.isFinite(policy)) return 'invalid';
    const value = Number(c);
    return c.trim() !== '' && Number.isFinite(value) && compare(value, policy);
  };
}

function date(compare: (c: number, p: number) => boolean): (c: string, p: string) => boolean | 'invalid' {
  const parse = (s: string): number => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));
  return (c, p) => {
    const policy = parse(p);
    if (Number.isNaN(policy)) return 'invalid';
    const value = parse(c);
    return !Number.isNaN(value) && compare(value, policy);
  };
}

/** IPv4 CIDR (or a bare address); IPv6 values compare exactly. */
function ipInCidr(ip: string, cidr: string): boolean | 'invalid' {
  const [network, bitsText] = cidr.split('/');
  const networkNumber = ipv4(network ?? '');
  if (networkNumber === undefined) return cidr.includes(':') ? ip === cidr : 'invalid';
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return 'invalid';
  const address = ipv4(ip);
  if (address === undefined) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((address & mask) >>> 0) === ((networkNumber & mask) >>> 0);
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    n = n * 256 + Number(part);
  }
  return n;
}

/**
 * Policy variables: `${aws:username}` takes the context value (undefined if missing or multi-valued, so the value
 * matches nothing); `${*}`, `${?}` and `${$}` are the literal characters.
 */
function expandVariables(value: string, context: Context): string | undefined {
  if (!value.includes('${')) return value;
  let missing = false;
  const expanded = value.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name;
    const [key, fallback] = name.split(/\s*,\s*/);
    const values = context.get((key ?? '').trim().toLowerCase());
    if (values && values.length === 1 && values[0] !== undefined) return values[0];
    const defaultMatch = fallback?.match(/^'(.*)'$/);
    if (defaultMatch?.[1] !== undefined) return defaultMatch[1];
    missing = true;
    return whole;
  });
  return missing ? undefined : expanded;
}

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function describe(statement: PolicyStatement): string {
  return statement.Sid ? `"${statement.Sid}"` : `from ${statement.source ?? 'an unnamed policy'}`;
}
