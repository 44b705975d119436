// Request headers whose syntax both a handler and GET /openapi.json state: one definition each.

/** Idempotency-Key of POST /v1/applications: 8–128 letters, digits or _ . : - */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;
