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
 * The first failure rejects the returned promise. As with Promise.all, calls
 * already running are not cancelled and the other workers go on pulling
 * items, unless `work` checks an abort signal (the engines' do).
 */
export async function inPool<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}
