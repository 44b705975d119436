import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalClock } from '../../../local/clock';

const DAY = 24 * 60 * 60 * 1000;

describe('local clock', () => {
  let real: number;
  const realNow = () => real;
  beforeEach(() => {
    real = Date.parse('2026-03-01T10:00:00Z');
  });

  it('follows real time until moved', () => {
    const clock = new LocalClock(undefined, realNow);
    expect(clock.now().toISOString()).toBe('2026-03-01T10:00:00.000Z');
    real += 1500;
    expect(clock.now().toISOString()).toBe('2026-03-01T10:00:01.500Z');
  });

  it('is set to an instant and keeps running from there', () => {
    const clock = new LocalClock(undefined, realNow);
    expect(clock.set(new Date('2027-01-31T09:00:00Z')).toISOString()).toBe('2027-01-31T09:00:00.000Z');
    real += 60_000;
    expect(clock.now().toISOString()).toBe('2027-01-31T09:01:00.000Z');
  });

  it('advances by whole, fractional and negative days', () => {
    const clock = new LocalClock(undefined, realNow);
    expect(clock.advanceDays(30).getTime()).toBe(real + 30 * DAY);
    expect(clock.advanceDays(0.5).getTime()).toBe(real + 30.5 * DAY);
    expect(clock.advanceDays(-10.5).getTime()).toBe(real + 20 * DAY);
    expect(clock.reset().getTime()).toBe(real);
  });

  it('refuses an invalid instant or day count and stays where it was', () => {
    const clock = new LocalClock(undefined, realNow);
    clock.advanceDays(1);
    expect(() => clock.set(new Date('nonsense'))).toThrow(RangeError);
    expect(() => clock.advanceDays(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advanceDays(Infinity)).toThrow(RangeError);
    expect(clock.now().getTime()).toBe(real + DAY);
  });

  it('keeps its offset in the data folder across restarts', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clock-')), 'clock.json');
    new LocalClock(file, realNow).advanceDays(45);
    real += 5000; // the restart takes five seconds of real time
    expect(new LocalClock(file, realNow).now().getTime()).toBe(real + 45 * DAY);
  });
});
