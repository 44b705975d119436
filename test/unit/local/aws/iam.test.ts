import { arnLike, evaluate, globMatch, type PolicyStatement } from '../../../../local/aws/iam';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/microloan';
const KEY = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function decide(statements: PolicyStatement[], action: string, resource: string, context: Record<string, string | string[]> = {}) {
  return evaluate(statements, { action, resource, context }).decision;
}

const allow = (extra: Partial<PolicyStatement>): PolicyStatement => ({ Effect: 'Allow', Action: '*', Resource: '*', ...extra });

describe('IAM evaluation: effects', () => {
  it('denies implicitly when no statement applies', () => {
    expect(decide([], 'dynamodb:GetItem', TABLE)).toBe('implicitDeny');
    expect(decide([allow({ Action: 'dynamodb:PutItem', Resource: TABLE })], 'dynamodb:GetItem', TABLE)).toBe('implicitDeny');
  });

  it('allows when an Allow statement matches, and says which one', () => {
    const statement = allow({ Sid: 'read', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE });
    const result = evaluate([statement], { action: 'dynamodb:GetItem', resource: TABLE, context: {} });
    expect(result).toEqual({ decision: 'allow', statement, problems: [] });
  });

  it('lets an explicit Deny win over any Allow, in whatever order', () => {
    const deny: PolicyStatement = { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: '*' };
    const everything = allow({});
    expect(decide([everything, deny], 'dynamodb:DeleteItem', TABLE)).toBe('explicitDeny');
    expect(decide([deny, everything], 'dynamodb:DeleteItem', TABLE)).toBe('explicitDeny');
    expect(decide([deny, everything], 'dynamodb:GetItem', TABLE)).toBe('allow');
    expect(evaluate([everything, deny], { action: 'dynamodb:DeleteItem', resource: TABLE, context: {} }).statement).toBe(deny);
  });

  it('reports and ignores a statement with an unknown Effect', () => {
    const result = evaluate([{ Effect: 'allow' as 'Allow', Action: '*', Resource: '*' }], { action: 's3:GetObject', resource: '*', context: {} });
    expect(result.decision).toBe('implicitDeny');
    expect(result.problems[0]).toMatch(/Effect/);
  });
});

describe('IAM evaluation: actions', () => {
  it('matches actions case-insensitively with * and ?', () => {
    expect(decide([allow({ Action: 'DynamoDB:getitem' })], 'dynamodb:GetItem', TABLE)).toBe('allow');
    expect(decide([allow({ Action: 'dynamodb:*' })], 'dynamodb:TransactWriteItems', TABLE)).toBe('allow');
    expect(decide([allow({ Action: 'kms:GenerateDataKey*' })], 'kms:GenerateDataKey', KEY)).toBe('allow');
    expect(decide([allow({ Action: 'kms:GenerateDataKey*' })], 'kms:GenerateDataKeyWithoutPlaintext', KEY)).toBe('allow');
    expect(decide([allow({ Action: 'kms:GenerateDataKey*' })], 'kms:Decrypt', KEY)).toBe('implicitDeny');
    expect(decide([allow({ Action: 's3:?etObject' })], 's3:GetObject', '*')).toBe('allow');
    expect(decide([allow({ Action: 's3:?etObject' })], 's3:GetObjectAcl', '*')).toBe('implicitDeny');
    // The service prefix is part of the pattern: dynamodb:* does not cover dynamodbx:.
    expect(decide([allow({ Action: 'dynamodb:*' })], 'states:StartExecution', '*')).toBe('implicitDeny');
  });

  it('NotAction applies to every action but the listed ones', () => {
    const statements = [allow({ Action: undefined, NotAction: ['iam:*', 'kms:*'] })];
    expect(decide(statements, 'dynamodb:GetItem', TABLE)).toBe('allow');
    expect(decide(statements, 'kms:Decrypt', KEY)).toBe('implicitDeny');
    const denyAllBut: PolicyStatement = { Effect: 'Deny', NotAction: 'sns:Publish', Resource: '*' };
    expect(decide([allow({}), denyAllBut], 'sns:Publish', '*')).toBe('allow');
    expect(decide([allow({}), denyAllBut], 'sns:Subscribe', '*')).toBe('explicitDeny');
  });

  it('ignores (and reports) a statement with both or neither of Action and NotAction', () => {
    const both = evaluate([{ Effect: 'Allow', Action: '*', NotAction: 'iam:*', Resource: '*' }], { action: 's3:GetObject', resource: '*', context: {} });
    expect(both.decision).toBe('implicitDeny');
    expect(both.problems).toHaveLength(1);
    const neither = evaluate([{ Effect: 'Allow', Resource: '*' }], { action: 's3:GetObject', resource: '*', context: {} });
    expect(neither.decision).toBe('implicitDeny');
  });
});

describe('IAM evaluation: resources', () => {
  it('matches "*" and exact ARNs; resources are case-sensitive', () => {
    expect(decide([allow({ Resource: '*' })], 's3:GetObject', 'arn:aws:s3:::b/k')).toBe('allow');
    expect(decide([allow({ Resource: TABLE })], 'dynamodb:GetItem', TABLE)).toBe('allow');
    expect(decide([allow({ Resource: TABLE.toUpperCase() })], 'dynamodb:GetItem', TABLE)).toBe('implicitDeny');
    expect(decide([allow({ Resource: 'arn:aws:s3:::Bucket/*' })], 's3:GetObject', 'arn:aws:s3:::bucket/k')).toBe('implicitDeny');
  });

  it('takes wildcards within the resource part of an ARN, across slashes and colons', () => {
    const statements = [allow({ Resource: [`${TABLE}/index/*`, 'arn:aws:s3:::docs/applications/*', 'arn:aws:states:us-east-1:000000000000:execution:pipeline:*'] })];
    expect(decide(statements, 'dynamodb:Query', `${TABLE}/index/GSI1`)).toBe('allow');
    expect(decide(statements, 'dynamodb:Query', TABLE)).toBe('implicitDeny');
    expect(decide(statements, 's3:PutObject', 'arn:aws:s3:::docs/applications/01A/doc 1.pdf')).toBe('allow');
    expect(decide(statements, 's3:PutObject', 'arn:aws:s3:::docs/contracts/x')).toBe('implicitDeny');
    expect(decide(statements, 'states:StopExecution', 'arn:aws:states:us-east-1:000000000000:execution:pipeline:01APP')).toBe('allow');
    expect(decide(statements, 'states:StopExecution', 'arn:aws:states:us-east-1:000000000000:execution:other:01APP')).toBe('implicitDeny');
  });

  it('keeps a wildcard inside its ARN segment (a region * does not swallow the account)', () => {
    expect(arnLike('arn:aws:sns:*:000000000000:topic', 'arn:aws:sns:us-east-1:000000000000:topic')).toBe(true);
    expect(arnLike('arn:aws:sns:*:topic', 'arn:aws:sns:us-east-1:000000000000:topic')).toBe(false);
    expect(arnLike('arn:aws:lambda:us-east-1:000000000000:function:f:*', 'arn:aws:lambda:us-east-1:000000000000:function:f:1')).toBe(true);
    expect(arnLike('arn:aws:lambda:us-east-1:000000000000:function:f:*', 'arn:aws:lambda:us-east-1:000000000000:function:f')).toBe(false);
    expect(arnLike('arn:aws:s3:::b/*', 'not-an-arn')).toBe(false);
  });

  it('NotResource applies to every resource but the listed ones', () => {
    const statements = [allow({ Resource: undefined, NotResource: 'arn:aws:s3:::secret-bucket/*' })];
    expect(decide(statements, 's3:GetObject', 'arn:aws:s3:::docs/x')).toBe('allow');
    expect(decide(statements, 's3:GetObject', 'arn:aws:s3:::secret-bucket/x')).toBe('implicitDeny');
  });

  it('expands policy variables from the context, and a missing variable matches nothing', () => {
    const statements = [allow({ Resource: 'arn:aws:s3:::docs/${aws:userid}/*' })];
    expect(decide(statements, 's3:GetObject', 'arn:aws:s3:::docs/AROA1:fn/x', { 'aws:userid': 'AROA1:fn' })).toBe('allow');
    expect(decide(statements, 's3:GetObject', 'arn:aws:s3:::docs/AROA1:fn/x', {})).toBe('implicitDeny');
  });
});

describe('IAM evaluation: conditions', () => {
  const viaSns = allow({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY, Condition: { StringLike: { 'kms:ViaService': 'sns.us-east-1.*' } } });

  it('StringLike with wildcards, as CDK writes kms:ViaService', () => {
    expect(decide([viaSns], 'kms:Decrypt', KEY, { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' })).toBe('allow');
    expect(decide([viaSns], 'kms:Decrypt', KEY, { 'kms:ViaService': 's3.us-east-1.amazonaws.com' })).toBe('implicitDeny');
    expect(decide([viaSns], 'kms:Decrypt', KEY, {})).toBe('implicitDeny');
  });

  it('condition key names are case-insensitive, values case-sensitive', () => {
    const statements = [allow({ Condition: { StringEquals: { 'AWS:PrincipalAccount': '000000000000', 'kms:viaservice': 'sns.us-east-1.amazonaws.com' } } })];
    expect(decide(statements, 'kms:Decrypt', KEY, { 'aws:principalaccount': '000000000000', 'kms:ViaService': 'sns.us-east-1.amazonaws.com' })).toBe('allow');
    expect(decide(statements, 'kms:Decrypt', KEY, { 'aws:principalaccount': '000000000000', 'kms:ViaService': 'SNS.us-east-1.amazonaws.com' })).toBe('implicitDeny');
  });

  it('several keys AND, several values OR, several operators AND', () => {
    const statements = [
      allow({
        Condition: {
          StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'], 'aws:PrincipalAccount': '000000000000' },
          Bool: { 'aws:SecureTransport': 'true' },
        },
      }),
    ];
    const base = { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalAccount': '000000000000', 'aws:SecureTransport': 'true' };
    expect(decide(statements, 's3:GetObject', '*', base)).toBe('allow');
    expect(decide(statements, 's3:GetObject', '*', { ...base, 'aws:RequestedRegion': 'ap-south-1' })).toBe('implicitDeny');
    expect(decide(statements, 's3:GetObject', '*', { ...base, 'aws:PrincipalAccount': '111111111111' })).toBe('implicitDeny');
    expect(decide(statements, 's3:GetObject', '*', { ...base, 'aws:SecureTransport': 'false' })).toBe('implicitDeny');
  });

  it('Bool compares true/false, and a missing key does not match', () => {
    const secure = allow({ Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'true' } } });
    expect(decide([secure], 'sns:Publish', '*', { 'aws:SecureTransport': 'true' })).toBe('allow');
    expect(decide([secure], 'sns:Publish', '*', { 'aws:SecureTransport': 'TRUE' })).toBe('allow');
    expect(decide([secure], 'sns:Publish', '*', { 'aws:SecureTransport': 'false' })).toBe('implicitDeny');
    expect(decide([secure], 'sns:Publish', '*', {})).toBe('implicitDeny');
    // The deny CDK puts on topics and buckets: only plain-HTTP requests.
    const insecureDeny: PolicyStatement = { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(decide([allow({}), insecureDeny], 's3:GetObject', '*', { 'aws:SecureTransport': 'true' })).toBe('allow');
    expect(decide([allow({}), insecureDeny], 's3:GetObject', '*', { 'aws:SecureTransport': 'false' })).toBe('explicitDeny');
  });

  it('negated string operators: no policy value may match; a missing key makes them true (AWS semantics)', () => {
    const notEquals = allow({ Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } });
    expect(decide([notEquals], 's3:GetObject', '*', { 'aws:RequestedRegion': 'ap-south-1' })).toBe('allow');
    expect(decide([notEquals], 's3:GetObject', '*', { 'aws:RequestedRegion': 'eu-west-1' })).toBe('implicitDeny');
    expect(decide([notEquals], 's3:GetObject', '*', {})).toBe('allow');
    const notLike = allow({ Condition: { StringNotLike: { 's3:prefix': 'private/*' } } });
    expect(decide([notLike], 's3:ListBucket', '*', { 's3:prefix': 'public/x' })).toBe('allow');
    expect(decide([notLike], 's3:ListBucket', '*', { 's3:prefix': 'private/x' })).toBe('implicitDeny');
  });

  it('StringEqualsIgnoreCase and StringNotEqualsIgnoreCase ignore case', () => {
    expect(decide([allow({ Condition: { StringEqualsIgnoreCase: { 'sns:Protocol': 'EMAIL' } } })], 'sns:Subscribe', '*', { 'sns:Protocol': 'email' })).toBe('allow');
    expect(decide([allow({ Condition: { StringNotEqualsIgnoreCase: { 'sns:Protocol': 'EMAIL' } } })], 'sns:Subscribe', '*', { 'sns:Protocol': 'email' })).toBe('implicitDeny');
  });

  it('ArnEquals and ArnLike compare ARN segments with wildcards; ArnNotLike negates', () => {
    const like = allow({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:Microloan-dev-*' } } });
    expect(decide([like], 'sns:Publish', '*', { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:Microloan-dev-errors' })).toBe('allow');
    expect(decide([like], 'sns:Publish', '*', { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:Other' })).toBe('implicitDeny');
    const equals = allow({ Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/r' } } });
    expect(decide([equals], 's3:GetObject', '*', { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/r' })).toBe('allow');
    expect(decide([equals], 's3:GetObject', '*', { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/other' })).toBe('implicitDeny');
    const notLike = allow({ Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin-*' } } });
    expect(decide([notLike], 's3:GetObject', '*', { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/admin-x' })).toBe('implicitDeny');
    expect(decide([notLike], 's3:GetObject', '*', { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/app' })).toBe('allow');
  });

  it('Null tests for presence', () => {
    const mustBeAbsent = allow({ Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } });
    const mustBePresent = allow({ Condition: { Null: { 's3:x-amz-server-side-encryption': 'false' } } });
    expect(decide([mustBeAbsent], 's3:PutObject', '*', {})).toBe('allow');
    expect(decide([mustBeAbsent], 's3:PutObject', '*', { 's3:x-amz-server-side-encryption': 'aws:kms' })).toBe('implicitDeny');
    expect(decide([mustBePresent], 's3:PutObject', '*', {})).toBe('implicitDeny');
    expect(decide([mustBePresent], 's3:PutObject', '*', { 's3:x-amz-server-side-encryption': 'aws:kms' })).toBe('allow');
    expect(decide([mustBePresent], 's3:PutObject', '*', { 's3:x-amz-server-side-encryption': [] })).toBe('implicitDeny');
  });

  it('…IfExists is true when the key is missing and compares normally otherwise', () => {
    const statements = [allow({ Condition: { StringEqualsIfExists: { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' } } })];
    expect(decide(statements, 'kms:Decrypt', KEY, {})).toBe('allow');
    expect(decide(statements, 'kms:Decrypt', KEY, { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' })).toBe('allow');
    expect(decide(statements, 'kms:Decrypt', KEY, { 'kms:ViaService': 's3.us-east-1.amazonaws.com' })).toBe('implicitDeny');
    const boolIfExists = [allow({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })];
    expect(decide(boolIfExists, 's3:GetObject', '*', {})).toBe('allow');
  });

  it('Numeric and Date operators compare values; a non-number context value does not match', () => {
    const small = allow({ Condition: { NumericLessThanEquals: { 's3:max-keys': '10' } } });
    expect(decide([small], 's3:ListBucket', '*', { 's3:max-keys': '10' })).toBe('allow');
    expect(decide([small], 's3:ListBucket', '*', { 's3:max-keys': '11' })).toBe('implicitDeny');
    expect(decide([small], 's3:ListBucket', '*', { 's3:max-keys': 'ten' })).toBe('implicitDeny');
    for (const [operator, value, expected] of [
      ['NumericEquals', '10', 'allow'],
      ['NumericNotEquals', '10', 'implicitDeny'],
      ['NumericLessThan', '11', 'allow'],
      ['NumericGreaterThan', '9', 'allow'],
      ['NumericGreaterThanEquals', '10', 'allow'],
      ['NumericGreaterThan', '10', 'implicitDeny'],
    ] as const) {
      expect([operator, decide([allow({ Condition: { [operator]: { 's3:max-keys': value } } })], 's3:ListBucket', '*', { 's3:max-keys': '10' })]).toEqual([operator, expected]);
    }
    const before = allow({ Condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } } });
    expect(decide([before], 's3:GetObject', '*', { 'aws:CurrentTime': '2026-06-01T12:00:00.000Z' })).toBe('allow');
    expect(decide([before], 's3:GetObject', '*', { 'aws:CurrentTime': '2027-06-01T12:00:00.000Z' })).toBe('implicitDeny');
    expect(decide([allow({ Condition: { DateGreaterThan: { 'aws:EpochTime': '1700000000' } } })], 's3:GetObject', '*', { 'aws:EpochTime': '1800000000' })).toBe('allow');
  });

  it('IpAddress and NotIpAddress take IPv4 CIDRs', () => {
    const local = allow({ Condition: { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '10.1.2.3'] } } });
    expect(decide([local], 's3:GetObject', '*', { 'aws:SourceIp': '127.0.0.1' })).toBe('allow');
    expect(decide([local], 's3:GetObject', '*', { 'aws:SourceIp': '10.1.2.3' })).toBe('allow');
    expect(decide([local], 's3:GetObject', '*', { 'aws:SourceIp': '10.1.2.4' })).toBe('implicitDeny');
    expect(decide([allow({ Condition: { NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } })], 's3:GetObject', '*', { 'aws:SourceIp': '127.0.0.1' })).toBe('implicitDeny');
  });

  it('ForAnyValue: some context value matches; false when the key is missing', () => {
    const statements = [allow({ Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['stage', 'project'] } } })];
    expect(decide(statements, 's3:PutObject', '*', { 'aws:TagKeys': ['owner', 'stage'] })).toBe('allow');
    expect(decide(statements, 's3:PutObject', '*', { 'aws:TagKeys': ['owner'] })).toBe('implicitDeny');
    expect(decide(statements, 's3:PutObject', '*', {})).toBe('implicitDeny');
  });

  it('ForAllValues: every context value matches; true when the key is missing', () => {
    const statements = [allow({ Condition: { 'ForAllValues:StringLike': { 'dynamodb:Attributes': ['PK', 'SK', 'GSI*'] } } })];
    expect(decide(statements, 'dynamodb:GetItem', TABLE, { 'dynamodb:Attributes': ['PK', 'GSI1PK'] })).toBe('allow');
    expect(decide(statements, 'dynamodb:GetItem', TABLE, { 'dynamodb:Attributes': ['PK', 'secret'] })).toBe('implicitDeny');
    expect(decide(statements, 'dynamodb:GetItem', TABLE, {})).toBe('allow');
    const notIn = [allow({ Condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } } })];
    expect(decide(notIn, 's3:PutObject', '*', { 'aws:TagKeys': ['a', 'b'] })).toBe('allow');
    expect(decide(notIn, 's3:PutObject', '*', { 'aws:TagKeys': ['a', 'secret'] })).toBe('implicitDeny');
  });

  it('fails closed on an unknown operator: an Allow does not apply, a Deny does; both are reported', () => {
    const unknownAllow = allow({ Condition: { StringFuzzyEquals: { 'aws:RequestedRegion': 'us-east-1' } } });
    const result = evaluate([unknownAllow], { action: 's3:GetObject', resource: '*', context: { 'aws:RequestedRegion': 'us-east-1' } });
    expect(result.decision).toBe('implicitDeny');
    expect(result.problems.join()).toMatch(/unknown condition operator StringFuzzyEquals/);
    const unknownDeny: PolicyStatement = { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringFuzzyEquals: { 'aws:RequestedRegion': 'eu-west-1' } } };
    expect(decide([allow({}), unknownDeny], 's3:GetObject', '*', { 'aws:RequestedRegion': 'us-east-1' })).toBe('explicitDeny');
    // Null takes no IfExists or set qualifier.
    expect(decide([allow({ Condition: { NullIfExists: { 'aws:x': 'true' } } })], 's3:GetObject', '*', {})).toBe('implicitDeny');
  });

  it('fails closed on values an operator cannot use (a Bool of "yes", a non-numeric bound)', () => {
    const badBool = evaluate([allow({ Condition: { Bool: { 'aws:SecureTransport': 'yes' } } })], { action: 's3:GetObject', resource: '*', context: { 'aws:SecureTransport': 'yes' } });
    expect(badBool.decision).toBe('implicitDeny');
    expect(badBool.problems).toHaveLength(1);
    expect(decide([allow({ Condition: { NumericLessThan: { 's3:max-keys': 'many' } } })], 's3:ListBucket', '*', { 's3:max-keys': '1' })).toBe('implicitDeny');
  });
});

describe('globMatch', () => {
  it('* matches any run (also empty), ? exactly one character, the rest literally', () => {
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('a*c', 'abbbc')).toBe(true);
    expect(globMatch('a*c', 'ac')).toBe(true);
    expect(globMatch('a?c', 'ac')).toBe(false);
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('a.c', 'abc')).toBe(false);
    expect(globMatch('*x*y', 'axbxcy')).toBe(true);
    expect(globMatch('*x*y', 'axbxc')).toBe(false);
    expect(globMatch('a(b)+', 'a(b)+')).toBe(true);
  });
});
