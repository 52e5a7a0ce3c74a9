import { TimeSlicer } from '../../base/cooperative';

/** The engine's slice of the console store's engine_state table, as the storage engine reads and writes it. */
export interface KeyValue {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  /** Several keys in one commit, where the store offers it. */
  setMany?(entries: readonly (readonly [string, unknown])[]): Promise<void>;
}

/** One engine_state write: a key and its value (an array of seen keys, a head, an account state). */
export type StateEntry = readonly [string, unknown];

/**
 * What one commit may carry, counted in array items (a seen set's keys) and other values as one each: four
 * seen chunks of 5,000 keys, a few ms of JSON and SQLite, so even a million-row account's set never holds the
 * loop long, with a yield between commits.
 */
const WEIGHT_PER_COMMIT = 20_000;
/** And at most this many entries a commit, whatever their weight. */
const ENTRIES_PER_COMMIT = 256;

const weightOf = ([, value]: StateEntry): number => (Array.isArray(value) ? Math.max(1, value.length) : 1);

/**
 * Writes entries in order, a bounded commit at a time: an entry never commits before the ones ahead of it, so
 * a head written after its chunks is never seen without them, even if the process dies between two commits.
 */
export async function commitInOrder(kv: KeyValue, entries: readonly StateEntry[]): Promise<void> {
  const slicer = new TimeSlicer();
  let at = 0;
  while (at < entries.length) {
    let end = at;
    let weight = 0;
    while (end < entries.length && end - at < ENTRIES_PER_COMMIT && (end === at || weight + weightOf(entries[end] as StateEntry) <= WEIGHT_PER_COMMIT)) {
      weight += weightOf(entries[end] as StateEntry);
      end++;
    }
    const batch = entries.slice(at, end);
    if (kv.setMany) await kv.setMany(batch);
    else for (const [key, value] of batch) await kv.set(key, value);
    at = end;
    await slicer.maybeYield();
  }
}
