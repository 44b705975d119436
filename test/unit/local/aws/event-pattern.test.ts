import { EventPatternError, matchesEventPattern, validateEventPattern } from '../../../../local/aws/event-pattern';

const event = {
  version: '0',
  id: 'e1',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '000000000000',
  region: 'us-east-1',
  resources: ['arn:aws:s3:::docs', 'arn:aws:s3:::other'],
  detail: {
    bucket: { name: 'docs' },
    object: { key: 'applications/01APP/passport.PDF', size: 5120, etag: 'abc' },
    reason: 'PutObject',
    'source-ip-address': '10.0.1.7',
    nothing: null,
    tags: [{ key: 'a' }, { key: 'b' }],
  },
};

const matches = (pattern: unknown) => matchesEventPattern(pattern, event);

describe('EventBridge pattern matching', () => {
  it('matches exact values, with lists as OR and fields as AND', () => {
    expect(matches({ source: ['aws.s3'] })).toBe(true);
    expect(matches({ source: ['aws.sqs', 'aws.s3'], 'detail-type': ['Object Created'] })).toBe(true);
    expect(matches({ source: ['aws.s3'], 'detail-type': ['Object Deleted'] })).toBe(false);
    expect(matches({ source: ['AWS.S3'] })).toBe(false);
    expect(matches({ missing: ['x'] })).toBe(false);
    expect(matches({})).toBe(true);
  });

  it('matches nested objects, numbers, null and event arrays (any element)', () => {
    expect(matches({ detail: { bucket: { name: ['docs'] } } })).toBe(true);
    expect(matches({ detail: { bucket: { name: ['other'] } } })).toBe(false);
    expect(matches({ detail: { object: { size: [5120] } } })).toBe(true);
    expect(matches({ detail: { object: { size: ['5120'] } } })).toBe(false);
    expect(matches({ detail: { nothing: [null] } })).toBe(true);
    expect(matches({ resources: ['arn:aws:s3:::other'] })).toBe(true);
    expect(matches({ detail: { tags: { key: ['b'] } } })).toBe(true);
    expect(matches({ detail: { tags: { key: ['c'] } } })).toBe(false);
  });

  it('prefix and suffix, also ignoring case', () => {
    expect(matches({ detail: { object: { key: [{ prefix: 'applications/' }] } } })).toBe(true);
    expect(matches({ detail: { object: { key: [{ prefix: 'contracts/' }] } } })).toBe(false);
    expect(matches({ detail: { object: { key: [{ suffix: '.PDF' }] } } })).toBe(true);
    expect(matches({ detail: { object: { key: [{ suffix: '.pdf' }] } } })).toBe(false);
    expect(matches({ detail: { object: { key: [{ suffix: { 'equals-ignore-case': '.pdf' } }] } } })).toBe(true);
    expect(matches({ detail: { object: { key: [{ prefix: { 'equals-ignore-case': 'APPLICATIONS/' } }] } } })).toBe(true);
    expect(matches({ detail: { object: { size: [{ prefix: '5' }] } } })).toBe(false);
  });

  it('anything-but with values, lists and nested prefix/suffix', () => {
    expect(matches({ source: [{ 'anything-but': 'aws.sqs' }] })).toBe(true);
    expect(matches({ source: [{ 'anything-but': ['aws.s3', 'aws.sqs'] }] })).toBe(false);
    expect(matches({ detail: { object: { key: [{ 'anything-but': { prefix: 'contracts/' } }] } } })).toBe(true);
    expect(matches({ detail: { object: { key: [{ 'anything-but': { prefix: 'applications/' } }] } } })).toBe(false);
    expect(matches({ detail: { object: { key: [{ 'anything-but': { suffix: '.PDF' } }] } } })).toBe(false);
    expect(matches({ detail: { reason: [{ 'anything-but': { 'equals-ignore-case': ['putobject'] } }] } })).toBe(false);
    // anything-but needs the field to exist.
    expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });

  it('exists true/false', () => {
    expect(matches({ detail: { reason: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { missing: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { missing: [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { reason: [{ exists: false }] } })).toBe(false);
    // exists matches leaves only.
    expect(matches({ detail: { bucket: [{ exists: true }] } })).toBe(false);
  });

  it('numeric ranges, equals-ignore-case, wildcard and cidr', () => {
    expect(matches({ detail: { object: { size: [{ numeric: ['>', 0, '<=', 5120] }] } } })).toBe(true);
    expect(matches({ detail: { object: { size: [{ numeric: ['<', 1024] }] } } })).toBe(false);
    expect(matches({ detail: { object: { size: [{ numeric: ['=', 5120] }] } } })).toBe(true);
    expect(matches({ 'detail-type': [{ 'equals-ignore-case': 'object created' }] })).toBe(true);
    expect(matches({ detail: { object: { key: [{ wildcard: 'applications/*/passport.*' }] } } })).toBe(true);
    expect(matches({ detail: { object: { key: [{ wildcard: 'applications/*.pdf' }] } } })).toBe(false);
    expect(matches({ detail: { 'source-ip-address': [{ cidr: '10.0.0.0/16' }] } })).toBe(true);
    expect(matches({ detail: { 'source-ip-address': [{ cidr: '10.1.0.0/16' }] } })).toBe(false);
  });

  it('$or takes alternatives', () => {
    expect(matches({ source: ['aws.s3'], $or: [{ detail: { reason: ['CopyObject'] } }, { detail: { object: { size: [{ numeric: ['>', 1000] }] } } }] })).toBe(true);
    expect(matches({ $or: [{ source: ['aws.sqs'] }, { 'detail-type': ['Object Deleted'] }] })).toBe(false);
  });

  it('refuses patterns it cannot honour, when validated', () => {
    expect(() => validateEventPattern({ source: 'aws.s3' })).toThrow(EventPatternError);
    expect(() => validateEventPattern({ source: [] })).toThrow(/empty list/);
    expect(() => validateEventPattern({ source: [{ 'starts-with': 'aws' }] })).toThrow(/starts-with is not supported/);
    expect(() => validateEventPattern({ detail: { size: [{ numeric: ['>>', 1] }] } })).toThrow(/numeric operator/);
    expect(() => validateEventPattern({ source: [{ exists: 'yes' }] })).toThrow(/exists takes true or false/);
    expect(() => validateEventPattern([])).toThrow(/must be an object/);
    expect(() => validateEventPattern({ source: ['aws.s3'], detail: { object: { key: [{ prefix: 'a/' }, { suffix: '.pdf' }, { 'anything-but': ['x'] }, { exists: false }] } } })).not.toThrow();
  });
});
