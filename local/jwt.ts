// The local token issuer: plays Cognito's part for the local stack. Tokens are HS256 JWTs signed with a key kept in the
// data folder (so they survive restarts) and carry `sub` and `cognito:groups` as Cognito ID tokens do. Expiry is checked
// against real time, not the movable local clock, as API Gateway's authorizer would.

import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { toFieldProblems } from '../functions/core/applications/application-schema';
import type { FieldProblem } from '../functions/core/kernel/errors';
import { ROLES, type Role } from '../functions/shared/http';
import { readOrCreateSecret } from './files';

export const LOCAL_AUDIENCE = 'microloan-local';
const TOKEN_TTL_SECONDS = 12 * 60 * 60;

export const mintRequestSchema = z.object({
  sub: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.@-]+$/, 'may contain only letters, digits and _ . @ -'),
  roles: z.array(z.enum(ROLES)).max(ROLES.length * 2).optional(),
});
export type MintRequest = z.infer<typeof mintRequestSchema>;

export type ParsedMint = { ok: true; value: MintRequest } | { ok: false; errors: FieldProblem[] };

export function parseMintRequest(body: unknown): ParsedMint {
  const result = mintRequestSchema.safeParse(body);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toFieldProblems(result.error) };
}

export interface LocalClaims extends JWTPayload {
  sub: string;
  'cognito:groups'?: string[];
  token_use: 'id';
}

export interface TokenIssuerOptions {
  /** File holding the signing key (hex); created on first use. Or pass `secret` directly (tests). */
  secretFile?: string;
  secret?: string;
  /** `http://localhost:<port>/_local`; a function because the port is known only once the server listens. */
  issuer: () => string;
  audience?: string;
  ttlSeconds?: number;
}

export class LocalTokenIssuer {
  private readonly key: Uint8Array;
  private readonly audience: string;
  private readonly ttlSeconds: number;

  constructor(private readonly options: TokenIssuerOptions) {
    const secret = options.secret ?? (options.secretFile ? readOrCreateSecret(options.secretFile) : undefined);
    if (!secret || secret.length < 32) throw new Error('the token signing secret must be at least 32 characters');
    this.key = new TextEncoder().encode(secret);
    this.audience = options.audience ?? LOCAL_AUDIENCE;
    this.ttlSeconds = options.ttlSeconds ?? TOKEN_TTL_SECONDS;
  }

  async mint(request: MintRequest): Promise<{ token: string; expiresAt: string }> {
    // Cognito lists groups only; "applicant" is everybody's default role, so it is not a group.
    const groups = [...new Set((request.roles ?? []).filter((role): role is Exclude<Role, 'applicant'> => role !== 'applicant'))];
    const nowSeconds = Math.floor(Date.now() / 1000);
    const exp = nowSeconds + this.ttlSeconds;
    const token = await new SignJWT({ token_use: 'id', ...(groups.length > 0 ? { 'cognito:groups': groups } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(request.sub)
      .setIssuer(this.options.issuer())
      .setAudience(this.audience)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The claims of a valid token; throws for a bad signature, another issuer or audience, or an expired token. */
  async verify(token: string): Promise<LocalClaims> {
    const { payload } = await jwtVerify(token, this.key, {
      algorithms: ['HS256'],
      issuer: this.options.issuer(),
      audience: this.audience,
      requiredClaims: ['sub', 'exp'],
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('the token has no subject');
    return payload as LocalClaims;
  }
}
