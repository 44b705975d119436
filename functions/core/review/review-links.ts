// Review links (PRODUCT.md §2.5): the link in the approval email is the reviewer's credential, so it is signed.
// sig = base64url(HMAC-SHA256(key, JSON ["microloan-review-link:v1", reviewId, reviewerId, exp])), exp in epoch seconds.
// Checking a signature compares in constant time. The signature alone never makes a link work: the page also checks
// the stored review (still pending, same reviewer), so an escalated, decided or expired review's link is dead.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReviewLinks, ReviewLinkTarget } from './reviews';

export interface ReviewLinkClaims {
  reviewId: string;
  reviewerId: string;
  /** When the link stops working, in whole seconds since the epoch. */
  exp: number;
}

const CONTEXT = 'microloan-review-link:v1';
/** 32 bytes of HMAC-SHA256 in base64url without padding. */
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function signReviewLink(key: string, claims: ReviewLinkClaims): string {
  if (key.length < 16) throw new Error('the review link key must have at least 16 characters');
  // JSON keeps the fields apart whatever they contain.
  return createHmac('sha256', key).update(JSON.stringify([CONTEXT, claims.reviewId, claims.reviewerId, claims.exp])).digest('base64url');
}

/** True when `sig` is the signature of exactly these claims. Does not look at the expiry. */
export function verifyReviewLink(key: string, claims: ReviewLinkClaims, sig: string): boolean {
  if (!SIGNATURE_PATTERN.test(sig) || !Number.isSafeInteger(claims.exp)) return false;
  const expected = Buffer.from(signReviewLink(key, claims), 'base64url');
  const given = Buffer.from(sig, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** `exp` as the page reads it from the query: a whole number of seconds, or undefined. */
export function parseExp(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
}

export function reviewPath(reviewId: string): string {
  return `/v1/reviews/${encodeURIComponent(reviewId)}`;
}

export function reviewDecisionPath(reviewId: string): string {
  return `${reviewPath(reviewId)}/decision`;
}

/**
 * The signer with its key source and the public base URL (the API's URL in AWS, the local stack's URL locally, which is
 * known only once it listens: hence a function is accepted). The key is asked for on each use; the production source
 * caches it (Powertools getSecret).
 */
export function createReviewLinks(options: { key: () => Promise<string>; publicBaseUrl: string | (() => string) }): ReviewLinks {
  const base = () => (typeof options.publicBaseUrl === 'string' ? options.publicBaseUrl : options.publicBaseUrl()).replace(/\/+$/, '');
  const query = async (review: ReviewLinkTarget) => {
    const exp = epochSeconds(review.linkExpiresAt);
    const sig = signReviewLink(await options.key(), { reviewId: review.reviewId, reviewerId: review.reviewerId, exp });
    return new URLSearchParams({ sig, exp: String(exp) }).toString();
  };
  return {
    queryFor: query,
    async linkFor(review) {
      return `${base()}${reviewPath(review.reviewId)}?${await query(review)}`;
    },
    async verify({ reviewId, reviewerId, exp, sig }) {
      return verifyReviewLink(await options.key(), { reviewId, reviewerId, exp }, sig);
    },
  };
}
