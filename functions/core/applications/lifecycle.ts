// The application lifecycle (PRODUCT.md §1) as an explicit transition table: an illegal move is refused, never applied.

import { IllegalTransitionError } from '../kernel/errors';

export const APPLICATION_STATUSES = [
  'SUBMITTED',
  'ASSESSING',
  'PENDING_REVIEW',
  'APPROVED',
  'ACCEPTED',
  'DISBURSED',
  'DECLINED',
  'WITHDRAWN',
  'EXPIRED',
  'FAILED',
] as const;

export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

const TRANSITIONS: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  SUBMITTED: ['ASSESSING', 'WITHDRAWN', 'FAILED'],
  ASSESSING: ['PENDING_REVIEW', 'APPROVED', 'DECLINED', 'WITHDRAWN', 'FAILED'],
  PENDING_REVIEW: ['PENDING_REVIEW', 'APPROVED', 'DECLINED', 'WITHDRAWN', 'EXPIRED', 'FAILED'],
  APPROVED: ['ACCEPTED', 'WITHDRAWN', 'EXPIRED', 'FAILED'],
  // EXPIRED: the payout waited for the required documents past its deadline (document-checklist.ts); nothing was paid.
  ACCEPTED: ['DISBURSED', 'EXPIRED', 'FAILED'],
  DISBURSED: [],
  DECLINED: [],
  WITHDRAWN: [],
  EXPIRED: [],
  // Re-driven by operations (POST /v1/applications/{id}/redrive): back to the status the failed step started from.
  FAILED: ['SUBMITTED', 'ASSESSING', 'PENDING_REVIEW', 'APPROVED', 'ACCEPTED'],
};

/** The end statuses: nothing more happens to the application, and a re-drive is refused. */
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['DISBURSED', 'DECLINED', 'WITHDRAWN', 'EXPIRED'];

export function canTransition(from: ApplicationStatus, to: ApplicationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: ApplicationStatus, to: ApplicationStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** The statuses that may move to `to`: used as the condition of the conditional write that applies the move. */
export function statusesThatMayMoveTo(to: ApplicationStatus): ApplicationStatus[] {
  return APPLICATION_STATUSES.filter((from) => canTransition(from, to));
}

/**
 * An application is open (it blocks another application by the same person) until it ends or fails; a failed one
 * that operations re-drive is open again (and must claim the person's slot back).
 */
export function isOpen(status: ApplicationStatus): boolean {
  return status !== 'FAILED' && !FINAL_STATUSES.includes(status);
}

/** Final: not even a re-drive can move it. */
export function isFinal(status: ApplicationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
