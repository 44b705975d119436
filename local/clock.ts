// The clock every handler uses in the local stack: real time plus an offset that tests and people can move, so that a
// month passes in a second. The offset is kept in the data folder so a restart does not jump back in time.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../functions/core/kernel/ports';

const DAY_MS = 24 * 60 * 60 * 1000;

export class LocalClock implements Clock {
  private offsetMs = 0;
  /** The offset (Float64, ms) shared with the local Lambda containers (worker threads, local/lambda/), kept equal to it. */
  readonly sharedOffset = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);

  /** `file`: where the offset is kept between runs; without it the clock starts at real time. */
  constructor(
    private readonly file?: string,
    private readonly realNow: () => number = Date.now,
  ) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown };
      if (typeof saved.offsetMs === 'number' && Number.isFinite(saved.offsetMs)) this.offsetMs = saved.offsetMs;
    }
    this.share();
  }

  now(): Date {
    return new Date(this.realNow() + this.offsetMs);
  }

  /** Moves the clock so that now() is `instant`; time keeps running from there. */
  set(instant: Date): Date {
    if (Number.isNaN(instant.getTime())) throw new RangeError('the instant is not a valid date');
    this.offsetMs = instant.getTime() - this.realNow();
    this.share();
    this.save();
    return this.now();
  }

  /** Moves the clock by whole or fractional days (negative goes back). */
  advanceDays(days: number): Date {
    if (!Number.isFinite(days)) throw new RangeError(`days must be a finite number, got ${days}`);
    this.offsetMs += days * DAY_MS;
    this.share();
    this.save();
    return this.now();
  }

  /** Back to real time. */
  reset(): Date {
    this.offsetMs = 0;
    this.share();
    this.save();
    return this.now();
  }

  get offsetMilliseconds(): number {
    return this.offsetMs;
  }

  private share(): void {
    new Float64Array(this.sharedOffset)[0] = this.offsetMs;
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify({ offsetMs: this.offsetMs }));
  }
}
