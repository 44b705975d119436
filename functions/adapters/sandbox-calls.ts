// How many times a sandbox system (bank, bureau) has been called with a key: what its scripted failures ("fail the
// first two calls, then work") count. In memory for one adapter instance; deployed, the table's atomic counter
// (dynamodb/sandbox-ledger.ts createSandboxCallCounter), so the script holds across containers and restarts.

/** Counts one more call for the key and returns the count so far, this call included. */
export type CallCounter = (key: string) => Promise<number>;

export function inMemoryCallCounter(): CallCounter {
  const counts = new Map<string, number>();
  return async (key) => {
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    return count;
  };
}
