// The retry helper (functions/core/kernel/retry.ts): exponential backoff with full jitter, and an injectable sleep so
// nothing here waits for real.

import { ConcurrentModificationError } from '../../../functions/core/kernel/errors';
import { exponentialBackoff, retrying } from '../../../functions/core/kernel/retry';

describe('exponentialBackoff', () => {
  it('doubles the ceiling with each attempt up to the cap, and spreads the pause uniformly over its upper half', () => {
    const highest = exponentialBackoff({ baseMs: 10, capMs: 400, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6, 7, 12].map((attempt) => Math.round(highest(attempt)))).toEqual([10, 20, 40, 80, 160, 320, 400, 400]);
    const lowest = exponentialBackoff({ baseMs: 10, capMs: 400, random: () => 0 });
    expect([1, 2, 3, 6, 7, 12].map(lowest)).toEqual([5, 10, 20, 160, 200, 200]);
    const middle = exponentialBackoff({ baseMs: 10, capMs: 400, random: () => 0.5 });
    expect([1, 3, 9].map(middle)).toEqual([7.5, 30, 300]);
  });
});

describe('retrying', () => {
  it('waits through the given sleep between tries, and only between them', async () => {
    const slept: number[] = [];
    let tries = 0;
    const result = await retrying(
      async (attempt) => {
        tries += 1;
        if (attempt < 4) throw new ConcurrentModificationError('changed meanwhile');
        return 'done';
      },
      { attempts: 5, pauseMs: (attempt) => attempt * 100, sleep: async (ms) => void slept.push(ms) },
    );
    expect(result).toBe('done');
    expect(tries).toBe(4);
    expect(slept).toEqual([100, 200, 300]);
  });

  it('throws the last error when the tries run out, without a pause after the last', async () => {
    const slept: number[] = [];
    await expect(
      retrying(async () => {
        throw new ConcurrentModificationError('changed meanwhile');
      }, { attempts: 3, pauseMs: () => 1, sleep: async (ms) => void slept.push(ms) }),
    ).rejects.toThrow(ConcurrentModificationError);
    expect(slept).toEqual([1, 1]);
  });
});
