/**
 * The one bounded-concurrency helper: runs `work` over `items` with at most
 * `width` calls pending at once; each result lands in its item's place.
 * Used for mail-import's users and message reads and storage-orphans' accounts.
 *
 * Why not Promise.all(items.map(work)): that starts every call at once, and
 * with a connector whose policy admits 8 requests the other 492 of a
 * 500-id page wait in its queue, each with its promise chain and abort
 * listeners. Held that long they outlive V8's young generation and are
 * promoted, so the old generation fills with garbage that only a full
 * mark-compact frees: peak RSS and the longest GC pauses grow with it.
 * Workers that pull the next item keep only `width` chains alive.
 *
 * The first failure stops the pool: no item is started after it, and the
 * returned promise rejects with it once the calls already running have
 * ended, so nothing the pool started still runs when its caller learns of
 * the failure (a run that ended must not go on calling a service or writing
 * state). Calls that should end early on a failure need an abort signal the
 * work's failure aborts (storage-check.ts).
 */
export async function inPool<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
