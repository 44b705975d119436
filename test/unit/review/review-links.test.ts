import { createReviewLinks, parseExp, signReviewLink, verifyReviewLink } from '../../../functions/core/review/review-links';

const KEY = 'a-review-link-key-of-enough-length';
const claims = { reviewId: '01REVIEW0000000000000000A1', reviewerId: '01REVIEWER00000000000000R1', exp: 1_796_000_000 };

describe('review link signatures', () => {
  it('signs with HMAC-SHA256 as base64url and verifies its own signature', () => {
    const sig = signReviewLink(KEY, claims);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signReviewLink(KEY, claims)).toBe(sig);
    expect(verifyReviewLink(KEY, claims, sig)).toBe(true);
  });

  it('refuses a tampered signature, another review, another reviewer, another expiry and another key', () => {
    const sig = signReviewLink(KEY, claims);
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    expect(verifyReviewLink(KEY, claims, flipped)).toBe(false);
    expect(verifyReviewLink(KEY, { ...claims, reviewId: '01REVIEW0000000000000000A2' }, sig)).toBe(false);
    expect(verifyReviewLink(KEY, { ...claims, reviewerId: '01REVIEWER00000000000000R2' }, sig)).toBe(false);
    expect(verifyReviewLink(KEY, { ...claims, exp: claims.exp + 1 }, sig)).toBe(false);
    expect(verifyReviewLink(`${KEY}-rotated`, claims, sig)).toBe(false);
  });

  it('refuses malformed signatures without throwing', () => {
    for (const sig of ['', 'short', `${signReviewLink(KEY, claims)}=`, '!'.repeat(43), `${signReviewLink(KEY, claims)}AA`]) {
      expect(verifyReviewLink(KEY, claims, sig)).toBe(false);
    }
    expect(verifyReviewLink(KEY, { ...claims, exp: Number.NaN }, signReviewLink(KEY, claims))).toBe(false);
  });

  it('cannot be confused by ids that contain the separator', () => {
    const sig = signReviewLink(KEY, { reviewId: 'A', reviewerId: 'B\n1', exp: 2 });
    expect(verifyReviewLink(KEY, { reviewId: 'A\nB', reviewerId: '1', exp: 2 }, sig)).toBe(false);
  });

  it('refuses a short key', () => {
    expect(() => signReviewLink('short', claims)).toThrow(/at least 16/);
  });

  it('parses exp only as whole seconds', () => {
    expect(parseExp('1796000000')).toBe(1_796_000_000);
    for (const bad of [undefined, '', '-1', '1.5', '1e9', '12345678901234', ' 1']) expect(parseExp(bad)).toBeUndefined();
  });
});

describe('createReviewLinks', () => {
  it('builds the full GET link on the public base URL with sig and exp (epoch seconds of linkExpiresAt)', async () => {
    let base = 'http://localhost:0';
    const links = createReviewLinks({ key: async () => KEY, publicBaseUrl: () => base });
    base = 'https://api.lender.example/';
    const target = { reviewId: claims.reviewId, reviewerId: claims.reviewerId, linkExpiresAt: new Date(claims.exp * 1000).toISOString() };
    const link = await links.linkFor(target);
    expect(link).toBe(`https://api.lender.example/v1/reviews/${claims.reviewId}?sig=${signReviewLink(KEY, claims)}&exp=${claims.exp}`);
    expect(await links.verify({ ...claims, sig: signReviewLink(KEY, claims) })).toBe(true);
    expect(await links.queryFor(target)).toBe(`sig=${signReviewLink(KEY, claims)}&exp=${claims.exp}`);
  });
});
