import { APPLICATION_STATUSES, assertTransition, canTransition, isOpen, statusesThatMayMoveTo } from '../../../functions/core/applications/lifecycle';
import { IllegalTransitionError } from '../../../functions/core/kernel/errors';

describe('application lifecycle', () => {
  it('follows the happy path of PRODUCT.md §1', () => {
    const path = ['SUBMITTED', 'ASSESSING', 'PENDING_REVIEW', 'APPROVED', 'ACCEPTED', 'DISBURSED'] as const;
    for (let i = 1; i < path.length; i += 1) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('allows withdrawal before ACCEPTED only', () => {
    expect(statusesThatMayMoveTo('WITHDRAWN').sort()).toEqual(['APPROVED', 'ASSESSING', 'PENDING_REVIEW', 'SUBMITTED']);
  });

  it('refuses illegal moves with a conflict naming both statuses', () => {
    expect(() => assertTransition('DECLINED', 'APPROVED')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('SUBMITTED', 'DISBURSED')).toThrow('cannot move from SUBMITTED to DISBURSED');
  });

  it('has no way out of an end state', () => {
    const ends = APPLICATION_STATUSES.filter((s) => !isOpen(s));
    expect(ends.sort()).toEqual(['DECLINED', 'DISBURSED', 'EXPIRED', 'FAILED', 'WITHDRAWN']);
    for (const end of ends) for (const to of APPLICATION_STATUSES) expect(canTransition(end, to)).toBe(false);
  });
});
