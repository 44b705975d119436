// The error a promise rejects with, for assertions on its name, message and fields; a promise that resolves fails the
// test instead. The SDK's service errors carry the HTTP status in $metadata.
export async function rejection<E extends Error = Error & { $metadata?: { httpStatusCode?: number } }>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a rejection');
}
