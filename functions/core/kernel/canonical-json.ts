/**
 * JSON with object keys sorted at every depth: the same value always gives the same text, whatever the key order.
 * Written with an explicit work stack rather than recursion, so a deeply nested value (a hostile request body) cannot
 * overflow the call stack; its cost is linear in the size of the value.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // LIFO work: a `Value` still to be written, or literal text (brackets, commas, keys) to emit as it is.
  const work: (Value | string)[] = [new Value(value)];
  while (work.length > 0) {
    const item = work.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const next = item.value;
    if (Array.isArray(next)) {
      const parts: (Value | string)[] = ['['];
      next.forEach((element, index) => parts.push(...(index > 0 ? [','] : []), new Value(element)));
      parts.push(']');
      pushInOrder(work, parts);
    } else if (next !== null && typeof next === 'object') {
      const entries = Object.entries(next)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const parts: (Value | string)[] = ['{'];
      entries.forEach(([key, v], index) => parts.push(`${index > 0 ? ',' : ''}${JSON.stringify(key)}:`, new Value(v)));
      parts.push('}');
      pushInOrder(work, parts);
    } else {
      out.push(JSON.stringify(next) ?? 'null');
    }
  }
  return out.join('');
}

/** A value to serialize, told apart from the literal text on the same stack. */
class Value {
  constructor(readonly value: unknown) {}
}

/** Pushes `parts` so that they are popped first to last. */
function pushInOrder(work: (Value | string)[], parts: (Value | string)[]): void {
  for (let i = parts.length - 1; i >= 0; i--) work.push(parts[i]!);
}
