/**
 * Runs tasks at the same time under one signal and resolves with their
 * results once all succeed. On the first failure (or when `signal` aborts)
 * the others are aborted through their signal, and the returned promise
 * rejects with that first error only after every task has settled, so no
 * task still runs (or writes) once the caller moves on to clean up.
 */
export async function together<T extends readonly unknown[]>(
  signal: AbortSignal,
  tasks: { [K in keyof T]: (signal: AbortSignal) => Promise<T[K]> },
): Promise<T> {
  const stop = new AbortController();
  const shared = AbortSignal.any([signal, stop.signal]);
  let first: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    tasks.map(async (task) => {
      try {
        return await task(shared);
      } catch (error) {
        first ??= { error };
        stop.abort(error);
        throw error;
      }
    }),
  );
  if (first) throw first.error;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
