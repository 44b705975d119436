import { APPLICATION_STATUSES, assertTransition, canTransition, isFinal, isOpen, statusesThatMayMoveTo } from '../../../functions/core/applications/lifecycle';
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

  it('has no way out of a final status', () => {
    const ends = APPLICATION_STATUSES.filter((s) => isFinal(s));
    expect(ends.sort()).toEqual(['DECLINED', 'DISBURSED', 'EXPIRED', 'WITHDRAWN']);
    for (const end of ends) for (const to of APPLICATION_STATUSES) expect(canTransition(end, to)).toBe(false);
  });

  it('counts FAILED as closed (the person may apply again) but lets a re-drive take it back to where its step started', () => {
    expect(APPLICATION_STATUSES.filter((s) => !isOpen(s)).sort()).toEqual(['DECLINED', 'DISBURSED', 'EXPIRED', 'FAILED', 'WITHDRAWN']);
    expect(APPLICATION_STATUSES.filter((to) => canTransition('FAILED', to)).sort()).toEqual(['ACCEPTED', 'APPROVED', 'ASSESSING', 'PENDING_REVIEW', 'SUBMITTED']);
    expect(canTransition('FAILED', 'DISBURSED')).toBe(false);
  });
});
