import { canonicalJson } from '../../../functions/core/kernel/canonical-json';

describe('canonicalJson', () => {
  it('gives the same text whatever the key order, with keys sorted at every depth', () => {
    const a = { b: [1, { y: 'x', x: null }], a: { d: true, c: 'é' }, skipped: undefined };
    const b = { a: { c: 'é', d: true }, b: [1, { x: null, y: 'x' }] };
    expect(canonicalJson(a)).toBe('{"a":{"c":"é","d":true},"b":[1,{"x":null,"y":"x"}]}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('writes what JSON.stringify writes for scalars and arrays', () => {
    for (const value of [0, -1.5, 1e-200, 'a"b\\c\n', true, null, [], {}, [undefined, 'x'], [[[]]]]) {
      expect(canonicalJson(value)).toBe(JSON.stringify(value));
    }
  });

  it('serializes a value nested far deeper than the call stack allows, without overflowing it', () => {
    const depth = 20_000;
    let objects: unknown = 0;
    let arrays: unknown = 0;
    for (let i = 0; i < depth; i++) {
      objects = { a: objects };
      arrays = [arrays];
    }
    expect(canonicalJson(objects)).toBe(`${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`);
    expect(canonicalJson(arrays)).toBe(`${'['.repeat(depth)}0${']'.repeat(depth)}`);
  });
});
