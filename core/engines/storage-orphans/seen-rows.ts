import type { StorageProvider } from '../../api/storage';
import { TimeSlicer } from '../../base/cooperative';
import type { KeyValue } from './account-state';

/**
 * Ids per engine_state value: about a hundred kilobytes of JSON, a millisecond or two to write or parse, with a
 * yield between chunks, so a million-row account never stalls the host (DESIGN §2: 50 ms).
 */
const CHUNK = 5_000;
/** Chunks written per commit: a few ms of JSON and SQLite. */
const CHUNKS_PER_COMMIT = 4;

interface SeenHead {
  chunks: number;
  count: number;
}

/**
 * The key of a row as examined: its id AND the cloud file it pointed at. A row the product re-pointed since
 * (a re-upload, or deleted and re-added under the same id) is a row no pass has seen.
 */
export const seenKey = (rowId: string, providerFileId: string): string => `${rowId}\u0000${providerFileId}`;

/**
 * The files rows of one account (seenKey: id and cloud file id) that the last passes examined (DESIGN
 * §4.7): a delta pass examines every row of the account NOT in this set (rows
 * the product added since), so a delta can never hide a row for ever. Kept in
 * the engine's own state, chunked; ids only (row ids are the product's stable
 * keys) with their cloud file ids, never names or paths. A set saved before keys carried the cloud file id
 * matches no row, so the first delta after an upgrade lists the account in full (`many rows added`).
 */
export class SeenRows {
  constructor(
    private readonly kv: KeyValue,
    private readonly userId: string,
    private readonly provider: StorageProvider,
  ) {}

  private get key(): string {
    return `seen:${this.userId}:${this.provider}`;
  }

  /** undefined: never recorded (a state from before this set existed), so nothing can be assumed seen. */
  async load(): Promise<Set<string> | undefined> {
    const head = await this.kv.get<SeenHead>(this.key);
    if (!head) return undefined;
    const ids = new Set<string>();
    const slicer = new TimeSlicer();
    for (let i = 0; i < head.chunks; i++) {
      for (const id of await this.kv.get<string[]>(`${this.key}:${i}`) ?? []) ids.add(id);
      await slicer.maybeYield();
    }
    // A chunk lost between writes (a crash mid-save) makes the set unusable, never silently short.
    return ids.size === head.count ? ids : undefined;
  }

  /**
   * Not cancellable half-way on purpose; a save cut short by a crash is caught by load's count check.
   * Chunks are committed a few at a time (one commit per account for the usual few thousand rows), with a
   * yield between commits so a million-row account still never holds the loop long.
   */
  async save(ids: readonly string[]): Promise<void> {
    const old = await this.kv.get<SeenHead>(this.key);
    const chunks = Math.ceil(ids.length / CHUNK);
    const entries: (readonly [string, unknown])[] = [];
    for (let i = 0; i < chunks; i++) entries.push([`${this.key}:${i}`, ids.slice(i * CHUNK, (i + 1) * CHUNK)]);
    for (let i = chunks; i < (old?.chunks ?? 0); i++) entries.push([`${this.key}:${i}`, []]);
    entries.push([this.key, { chunks, count: ids.length } satisfies SeenHead]);
    const slicer = new TimeSlicer();
    for (let at = 0; at < entries.length; at += CHUNKS_PER_COMMIT) {
      const batch = entries.slice(at, at + CHUNKS_PER_COMMIT);
      if (this.kv.setMany) await this.kv.setMany(batch);
      else for (const [key, value] of batch) await this.kv.set(key, value);
      await slicer.maybeYield();
    }
  }
}
