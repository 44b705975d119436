import type { Clock } from '../core/ports';

/** The real clock, for AWS. The local stack passes its settable clock instead. */
export const systemClock: Clock = { now: () => new Date() };
