// The local clock inside the containers: LocalClock shares its offset, the containers' Date reads it at every call.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { LocalClock } from '../../../../local/clock';
import { createLambdaRuntime, type LambdaRuntime } from '../../../../local/lambda/runtime';
import { JEST_TIMEOUT_MS, REGION, bundleFixture, functionConfig, makeTempDir, outputRecorder, payloadOf, removeTempDir } from './support';

jest.setTimeout(JEST_TIMEOUT_MS);

const DAY = 24 * 60 * 60 * 1000;
const shared = (clock: LocalClock) => new Float64Array(clock.sharedOffset)[0];

describe('LocalClock.sharedOffset', () => {
  it('follows the offset through set, advanceDays and reset', () => {
    let real = Date.parse('2026-03-01T10:00:00Z');
    const clock = new LocalClock(undefined, () => real);
    expect(clock.sharedOffset.byteLength).toBe(8);
    expect(shared(clock)).toBe(0);
    clock.advanceDays(30);
    expect(shared(clock)).toBe(30 * DAY);
    clock.set(new Date('2026-03-01T11:00:00Z'));
    expect(shared(clock)).toBe(60 * 60 * 1000);
    real += 5000; // real time passing does not change the offset
    expect(shared(clock)).toBe(clock.offsetMilliseconds);
    clock.reset();
    expect(shared(clock)).toBe(0);
  });

  it('starts with the offset kept in its file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clock-')), 'clock.json');
    new LocalClock(file).advanceDays(45);
    expect(shared(new LocalClock(file))).toBe(45 * DAY);
  });
});

describe('Date inside a container', () => {
  let tempDir: string;
  let runtime: LambdaRuntime;
  let clock: LocalClock;
  const output = outputRecorder();

  type ClockProbe = {
    now: number;
    newDate: number;
    dateString: string;
    utc: number;
    epoch: number;
    fromParts: number;
    parse: number;
    instanceOf: boolean;
    tag: string;
    constructorIsDate: boolean;
    realNow: number;
  };

  beforeAll(async () => {
    tempDir = makeTempDir();
    const probeDir = await bundleFixture('probe', tempDir);
    clock = new LocalClock();
    runtime = createLambdaRuntime({
      functions: [functionConfig('clocked', probeDir)],
      region: REGION,
      clockOffset: clock.sharedOffset,
      onOutput: (fn, stream, line) => {
        output.onOutput(fn, stream, line);
        // The fixture says when it waits for the clock to move: move it while the invocation runs.
        if (line.endsWith('waiting for the clock')) clock.advanceDays(2);
      },
    });
  });

  afterAll(async () => {
    await runtime.close();
    removeTempDir(tempDir);
  });

  it('moves Date.now(), new Date() and Date() with the shared offset, between invocations of one warm container', async () => {
    const before = await payloadOf<ClockProbe>(runtime, 'clocked', { action: 'clock' });
    expect(Math.abs(before.now - before.realNow)).toBeLessThan(1000);

    clock.advanceDays(30);
    const after = await payloadOf<ClockProbe>(runtime, 'clocked', { action: 'clock' });
    for (const local of [after.now, after.newDate]) {
      expect(local - after.realNow).toBeGreaterThan(30 * DAY - 1000);
      expect(local - after.realNow).toBeLessThan(30 * DAY + 1000);
    }
    expect(Math.abs(Date.parse(after.dateString) - after.now)).toBeLessThan(2000); // Date() is the local now, as a string

    clock.reset();
    const reset = await payloadOf<ClockProbe>(runtime, 'clocked', { action: 'clock' });
    expect(Math.abs(reset.now - reset.realNow)).toBeLessThan(1000);
  });

  it('moves while an invocation runs', async () => {
    clock.reset();
    const { before, after } = await payloadOf<{ before: number; after: number }>(runtime, 'clocked', { action: 'clock-during', jumpMs: 2 * DAY });
    expect(after - before).toBeGreaterThanOrEqual(2 * DAY);
    expect(output.of('clocked')).toContainEqual(expect.stringMatching(/\tINFO\twaiting for the clock$/));
    clock.reset();
  });

  it('leaves the rest of Date alone: Date.UTC, Date.parse, dates from a value or from parts, instanceof and the tag', async () => {
    clock.advanceDays(400);
    const probe = await payloadOf<ClockProbe>(runtime, 'clocked', { action: 'clock' });
    clock.reset();
    expect(probe).toMatchObject({
      utc: Date.UTC(2020, 0, 1),
      epoch: 0,
      fromParts: Date.UTC(2020, 0, 1, 12),
      parse: Date.parse('2020-01-01T00:00:00Z'),
      instanceOf: true,
      tag: '[object Date]',
      constructorIsDate: true,
    });
  });
});
