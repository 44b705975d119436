import type { Clock } from '../core/kernel/ports';

/** The real clock, for AWS. The local stack passes its settable clock instead. */
export const systemClock: Clock = { now: () => new Date() };
