// The bank's repayment webhook (POST /v1/webhooks/repayments) is authenticated by an HMAC, not a login:
//   X-Signature: sha256=<hex of HMAC-SHA256(shared secret, the raw request body bytes)>
// The body names the loan, so the signature covers the loan, the amount, the time and the reference together; a
// replayed delivery is harmless because a reference is applied once. Checking compares in constant time.

import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SIGNATURE_HEADER = 'X-Signature';
export const WEBHOOK_SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

export function signWebhookBody(secret: string, body: string | Uint8Array): string {
  if (secret.length < 16) throw new Error('the repayment webhook secret must have at least 16 characters');
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when `signature` (the header's value) is the HMAC of exactly these body bytes under `secret`. */
export function verifyWebhookSignature(secret: string, body: string | Uint8Array, signature: string | undefined): boolean {
  const match = signature === undefined ? null : WEBHOOK_SIGNATURE_PATTERN.exec(signature.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
