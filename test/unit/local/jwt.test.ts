import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { LocalTokenIssuer, parseMintRequest } from '../../../local/jwt';
import { authorizerClaims } from '../../../local/api-gateway';
import { principalOf, type HttpEvent } from '../../../functions/shared/http';

const SECRET = 'a'.repeat(64);
const issuer = (port = 3000) => new LocalTokenIssuer({ secret: SECRET, issuer: () => `http://localhost:${port}/_local` });

describe('local token issuer', () => {
  it('mints a token that verifies, with sub, issuer, audience and a 12 h expiry', async () => {
    const { token, expiresAt } = await issuer().mint({ sub: 'alice' });
    const claims = await issuer().verify(token);
    expect(claims.sub).toBe('alice');
    expect(claims.iss).toBe('http://localhost:3000/_local');
    expect(claims.aud).toBe('microloan-local');
    expect(claims.token_use).toBe('id');
    expect(claims.exp! - claims.iat!).toBe(12 * 60 * 60);
    expect(new Date(expiresAt).getTime()).toBe(claims.exp! * 1000);
  });

  it('puts the roles other than applicant into cognito:groups, as Cognito lists groups', async () => {
    const staff = await issuer().verify((await issuer().mint({ sub: 'olga', roles: ['applicant', 'ops', 'admin', 'ops'] })).token);
    expect(staff['cognito:groups']).toEqual(['ops', 'admin']);
    const applicant = await issuer().verify((await issuer().mint({ sub: 'alice', roles: ['applicant'] })).token);
    expect(applicant['cognito:groups']).toBeUndefined();
  });

  it('gives the handlers the roles through the authorizer claims format', async () => {
    const claims = await issuer().verify((await issuer().mint({ sub: 'rita', roles: ['reviewer', 'ops'] })).token);
    const rendered = authorizerClaims(claims);
    expect(rendered['cognito:groups']).toBe('[reviewer ops]');
    const event = { requestContext: { authorizer: { jwt: { claims: rendered, scopes: null } } } } as unknown as HttpEvent;
    expect(principalOf(event)).toEqual({ subject: 'rita', roles: ['applicant', 'reviewer', 'ops'] });
  });

  it('refuses a token whose payload was changed', async () => {
    const { token } = await issuer().mint({ sub: 'alice' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), 'cognito:groups': ['admin'] })).toString('base64url');
    await expect(issuer().verify(`${header}.${forged}.${signature}`)).rejects.toThrow();
  });

  it('refuses a token signed with another key, for another issuer, expired, or unsigned', async () => {
    const { token } = await issuer().mint({ sub: 'alice' });
    const otherKey = new LocalTokenIssuer({ secret: 'b'.repeat(64), issuer: () => 'http://localhost:3000/_local' });
    await expect(otherKey.verify(token)).rejects.toThrow();
    await expect(issuer(4000).verify(token)).rejects.toThrow();

    const expired = new LocalTokenIssuer({ secret: SECRET, issuer: () => 'http://localhost:3000/_local', ttlSeconds: -60 });
    await expect(issuer().verify((await expired.mint({ sub: 'alice' })).token)).rejects.toThrow(/exp/);

    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.`;
    await expect(issuer().verify(none)).rejects.toThrow();
    await expect(issuer().verify('not-a-jwt')).rejects.toThrow();
  });

  it('keeps its key in the data folder, so tokens survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwt-'));
    const options = { secretFile: join(dir, 'secrets', 'jwt.key'), issuer: () => 'http://localhost:3000/_local' };
    const { token } = await new LocalTokenIssuer(options).mint({ sub: 'alice' });
    expect((await new LocalTokenIssuer(options).verify(token)).sub).toBe('alice');
  });
});

describe('token request validation', () => {
  it.each([
    [{ sub: 'alice' }],
    [{ sub: 'li.wei@example.com', roles: [] }],
    [{ sub: 'A_b-1', roles: ['applicant', 'reviewer', 'ops', 'admin'] }],
    [{ sub: 'x'.repeat(128) }],
  ])('accepts %j', (body) => {
    expect(parseMintRequest(body).ok).toBe(true);
  });

  it.each([
    [{}, 'sub'],
    [{ sub: '' }, 'sub'],
    [{ sub: 'x'.repeat(129) }, 'sub'],
    [{ sub: 'a b' }, 'sub'],
    [{ sub: '<script>' }, 'sub'],
    [{ sub: 42 }, 'sub'],
    [{ sub: 'alice', roles: 'admin' }, 'roles'],
    [{ sub: 'alice', roles: ['root'] }, 'roles[0]'],
    [null, 'body'],
    [[], 'body'],
  ])('refuses %j, naming %s', (body, path) => {
    const result = parseMintRequest(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain(path);
  });
});
