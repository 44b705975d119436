// EventBridge event patterns (the rule's EventPattern) matched against an event, as EventBridge does:
// - every field named in the pattern must match (AND); `$or` takes a list of alternative sub-patterns;
// - a leaf is a list of matchers, any of which may match (OR), against the field's value or, for an array value,
//   any of its elements;
// - matchers: exact strings, numbers, booleans and null; `prefix`, `suffix` (plain or `equals-ignore-case`),
//   `equals-ignore-case`, `wildcard`, `anything-but` (values, or prefix/suffix/wildcard/equals-ignore-case),
//   `exists`, `numeric` (comparison pairs) and `cidr` (IPv4);
// - nested objects in the pattern match nested objects of the event.
// A pattern using something else throws (checked once when the emulator starts), rather than silently not matching.

export class EventPatternError extends Error {
  override name = 'EventPatternError';
}

export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return matchObject(asPattern(pattern, '$'), event, '$');
}

/** Throws EventPatternError when the pattern uses anything this matcher does not implement. */
export function validateEventPattern(pattern: unknown): void {
  validateObject(asPattern(pattern, '$'), '$');
}

type Pattern = Record<string, unknown>;

function asPattern(value: unknown, path: string): Pattern {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EventPatternError(`${path}: a pattern must be an object`);
  return value as Pattern;
}

function matchObject(pattern: Pattern, value: unknown, path: string): boolean {
  // An array of objects matches when one of its elements does.
  if (Array.isArray(value)) return value.some((item) => matchObject(pattern, item, path));
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(expected)) throw new EventPatternError(`${path}.$or must be a list of patterns`);
      if (!expected.some((alternative, index) => matchObject(asPattern(alternative, `${path}.$or[${index}]`), value, `${path}.$or[${index}]`))) return false;
      continue;
    }
    const present = record !== undefined && Object.hasOwn(record, key);
    const field = present ? record[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchLeaf(expected, present, field, `${path}.${key}`)) return false;
    } else if (expected !== null && typeof expected === 'object') {
      if (!matchObject(expected as Pattern, present ? field : {}, `${path}.${key}`)) return false;
    } else {
      throw new EventPatternError(`${path}.${key}: a pattern leaf must be a list of matchers, got ${JSON.stringify(expected)}`);
    }
  }
  return true;
}

function matchLeaf(matchers: unknown[], present: boolean, value: unknown, path: string): boolean {
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const values: unknown[] = !present ? [] : Array.isArray(value) ? value : [value];
  return matchers.some((matcher) => {
    if (matcher !== null && typeof matcher === 'object' && !Array.isArray(matcher)) {
      const m = matcher as Record<string, unknown>;
      if ('exists' in m) return m.exists === true ? present && !isObject : !present;
      return values.some((v) => matchRule(m, v, path));
    }
    return values.some((v) => exactEquals(matcher, v));
  });
}

function exactEquals(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') return expected === actual;
  return expected === actual;
}

function matchRule(rule: Record<string, unknown>, value: unknown, path: string): boolean {
  const [kind, argument] = singleEntry(rule, path);
  switch (kind) {
    case 'prefix':
      return typeof value === 'string' && textRule(argument, path, (text, ignoreCase) => (ignoreCase ? value.toLowerCase().startsWith(text.toLowerCase()) : value.startsWith(text)));
    case 'suffix':
      return typeof value === 'string' && textRule(argument, path, (text, ignoreCase) => (ignoreCase ? value.toLowerCase().endsWith(text.toLowerCase()) : value.endsWith(text)));
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof argument === 'string' && value.toLowerCase() === argument.toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && typeof argument === 'string' && wildcardMatch(argument, value);
    case 'numeric':
      return typeof value === 'number' && numericMatch(argument, value, path);
    case 'cidr':
      return typeof value === 'string' && typeof argument === 'string' && cidrMatch(argument, value);
    case 'anything-but':
      return anythingBut(argument, value, path);
    default:
      throw new EventPatternError(`${path}: the matcher ${kind} is not supported`);
  }
}

function anythingBut(argument: unknown, value: unknown, path: string): boolean {
  if (Array.isArray(argument)) return !argument.some((excluded) => exactEquals(excluded, value));
  if (argument !== null && typeof argument === 'object') {
    // anything-but with a nested string rule: true when that rule does not match.
    const [kind, inner] = singleEntry(argument as Record<string, unknown>, path);
    if (typeof value !== 'string') return true; // string rules exclude only strings
    if (kind === 'equals-ignore-case') {
      const excluded = (Array.isArray(inner) ? inner : [inner]).map((v) => String(v).toLowerCase());
      return !excluded.includes(value.toLowerCase());
    }
    if (kind === 'wildcard') {
      const excluded = Array.isArray(inner) ? inner : [inner];
      return !excluded.some((w) => wildcardMatch(String(w), value));
    }
    return !matchRule({ [kind]: inner }, value, path);
  }
  return !exactEquals(argument, value);
}

function textRule(argument: unknown, path: string, test: (text: string, ignoreCase: boolean) => boolean): boolean {
  if (typeof argument === 'string') return test(argument, false);
  if (argument !== null && typeof argument === 'object') {
    const inner = (argument as Record<string, unknown>)['equals-ignore-case'];
    if (typeof inner === 'string') return test(inner, true);
  }
  throw new EventPatternError(`${path}: prefix/suffix takes a string or {"equals-ignore-case": string}`);
}

function numericMatch(argument: unknown, value: number, path: string): boolean {
  if (!Array.isArray(argument) || argument.length === 0 || argument.length % 2 !== 0) throw new EventPatternError(`${path}: numeric takes operator/number pairs`);
  for (let i = 0; i < argument.length; i += 2) {
    const operator = argument[i];
    const bound = argument[i + 1];
    if (typeof bound !== 'number') throw new EventPatternError(`${path}: numeric bounds must be numbers`);
    const ok =
      operator === '=' ? value === bound : operator === '>' ? value > bound : operator === '>=' ? value >= bound : operator === '<' ? value < bound : operator === '<=' ? value <= bound : undefined;
    if (ok === undefined) throw new EventPatternError(`${path}: unknown numeric operator ${JSON.stringify(operator)}`);
    if (!ok) return false;
  }
  return true;
}

/** `*` matches any run of characters; `\*` is a literal star. */
function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split(/(\\\*|\*)/)
    .map((part) => (part === '*' ? '.*' : part === '\\*' ? '\\*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

function cidrMatch(cidr: string, ip: string): boolean {
  const [network, bitsText] = cidr.split('/');
  const toNumber = (text: string): number | undefined => {
    const parts = text.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
    return parts.reduce((n, p) => n * 256 + Number(p), 0);
  };
  const base = toNumber(network ?? '');
  const address = toNumber(ip);
  const bits = Number(bitsText ?? 32);
  if (base === undefined || address === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(base / size) === Math.floor(address / size);
}

function singleEntry(rule: Record<string, unknown>, path: string): [string, unknown] {
  const entries = Object.entries(rule);
  if (entries.length !== 1 || !entries[0]) throw new EventPatternError(`${path}: a matcher object has exactly one key, got ${JSON.stringify(rule)}`);
  return entries[0];
}

// ---- validation: walk the pattern with a value every matcher can be tried on ----

function validateObject(pattern: Pattern, path: string): void {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length < 2) throw new EventPatternError(`${path}.$or must be a list of at least two patterns`);
      expected.forEach((alternative, index) => validateObject(asPattern(alternative, `${path}.$or[${index}]`), `${path}.$or[${index}]`));
      continue;
    }
    if (Array.isArray(expected)) {
      if (expected.length === 0) throw new EventPatternError(`${path}.${key}: an empty list of matchers matches nothing`);
      for (const matcher of expected) {
        if (matcher === null || typeof matcher !== 'object') continue;
        if (Array.isArray(matcher)) throw new EventPatternError(`${path}.${key}: a matcher cannot be a list`);
        const m = matcher as Record<string, unknown>;
        if ('exists' in m) {
          if (typeof m.exists !== 'boolean' || Object.keys(m).length !== 1) throw new EventPatternError(`${path}.${key}: exists takes true or false`);
          continue;
        }
        // Trying the matcher on a string and a number makes every unsupported or malformed rule throw now.
        matchRule(m, 'probe', `${path}.${key}`);
        const [kind] = singleEntry(m, `${path}.${key}`);
        if (kind === 'numeric') matchRule(m, 0, `${path}.${key}`);
      }
    } else if (expected !== null && typeof expected === 'object') {
      validateObject(expected as Pattern, `${path}.${key}`);
    } else {
      throw new EventPatternError(`${path}.${key}: a pattern leaf must be a list of matchers, got ${JSON.stringify(expected)}`);
    }
  }
}
