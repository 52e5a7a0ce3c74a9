import type { StorageProvider } from '../../api/storage';
import { TimeSlicer } from '../../base/cooperative';
import type { KeyValue } from './state-commits';
import { commitInOrder, type StateEntry } from './state-commits';

/**
 * Ids per engine_state value: about a hundred kilobytes of JSON, a millisecond or two to write or parse, with a
 * yield between chunks, so a million-row account never stalls the host (DESIGN §2: 50 ms).
 */
const CHUNK = 5_000;

interface SeenHead {
  chunks: number;
  count: number;
}

/**
 * The key of a row as examined: its id AND the cloud file it pointed at. A row the product re-pointed since
 * (a re-upload, or deleted and re-added under the same id) is a row no pass has seen. Length-prefixed
 * (`<length of the row id>:<row id><cloud file id>`), so it is exact for any two ids and needs no escape in
 * JSON: the NUL separator it replaces was written as a 6-character `\u0000` and sent JSON.stringify down its
 * slow escaping path for every key, a million of them per full pass at full size (#19).
 */
export const seenKey = (rowId: string, providerFileId: string): string => `${rowId.length}:${rowId}${providerFileId}`;

/** What every seenKey of this row id, whatever its cloud file, starts with (and no other row's key does). */
export const seenKeyPrefix = (rowId: string): string => `${rowId.length}:${rowId}`;

/** A key as sets before the length prefix wrote it (`<row id>NUL<cloud file id>`), in today's form. */
const fromNulKey = (key: string): string => {
  const at = key.indexOf('\u0000');
  return at < 0 ? key : seenKey(key.slice(0, at), key.slice(at + 1));
};

/** Same members: the save a full pass would make changes nothing. */
export function sameSet(ids: readonly string[], known: ReadonlySet<string> | undefined): boolean {
  if (!known || ids.length !== known.size) return false;
  for (const id of ids) if (!known.has(id)) return false;
  // Equal sizes and every id known: equal sets, as a pass holds each key once (one per row, by the row's key).
  return true;
}

/**
 * The files rows of one account (seenKey: id and cloud file id) that the last passes examined (DESIGN
 * §4.7): a delta pass examines every row of the account NOT in this set (rows
 * the product added since), so a delta can never hide a row for ever. Kept in
 * the engine's own state, chunked; ids only (row ids are the product's stable
 * keys) with their cloud file ids, never names or paths. A set saved before keys carried the cloud file id
 * matches no row, so the first delta after that upgrade lists the account in full (`many rows added`); a
 * set saved with NUL-separated keys is read in today's keys.
 */
export class SeenRows {
  /** The heads load() read: save() needs them again, and a check saves right after it loaded. */
  private heads: { head: SeenHead | undefined; older: SeenHead | undefined } | undefined;

  /**
   * `writer`: where save() hands its entries instead of committing them itself (a check's AccountWrites,
   * which writes them after the account's findings and with its state). `unchanged`: the set as this pass loaded
   * it, to be written only if another check wrote the account since (it may have dropped or replaced the set).
   */
  constructor(
    private readonly kv: KeyValue,
    private readonly userId: string,
    private readonly provider: StorageProvider,
    private readonly writer?: (entries: readonly StateEntry[], unchanged: boolean) => Promise<void>,
  ) {}

  /** Where the set lives: `seen2:` holds length-prefixed keys; `seen:` the NUL-separated keys of older sets. */
  private get key(): string {
    return `seen2:${this.userId}:${this.provider}`;
  }

  private get nulKey(): string {
    return `seen:${this.userId}:${this.provider}`;
  }

  /** undefined: never recorded (a state from before this set existed), so nothing can be assumed seen. */
  async load(): Promise<Set<string> | undefined> {
    const head = await this.kv.get<SeenHead>(this.key);
    const older = await this.kv.get<SeenHead>(this.nulKey);
    this.heads = { head, older };
    if (head) return this.read(this.key, head, undefined);
    // A set an older version saved: read once in today's keys (the next save moves it), so an upgrade costs no full listing.
    return older ? this.read(this.nulKey, older, fromNulKey) : undefined;
  }

  private async read(key: string, head: SeenHead, convert: ((id: string) => string) | undefined): Promise<Set<string> | undefined> {
    const ids = new Set<string>();
    const slicer = new TimeSlicer();
    for (let i = 0; i < head.chunks; i++) {
      for (const id of (await this.kv.get<string[]>(`${key}:${i}`)) ?? []) ids.add(convert ? convert(id) : id);
      await slicer.maybeYield();
    }
    // A chunk lost between writes (a crash mid-save) makes the set unusable, never silently short.
    return ids.size === head.count ? ids : undefined;
  }

  /**
   * Not cancellable half-way on purpose; a save cut short by a crash is caught by load's count check.
   * Chunks are committed a few at a time (one commit per account for the usual few thousand rows), with a
   * yield between commits so a million-row account still never holds the loop long. `known` is the set this
   * pass loaded: when the pass saw exactly it again (the usual full pass of an unchanged account), nothing
   * is written, which at a million rows saves about 200 chunks of JSON and their commits; a writer gets the
   * entries marked unchanged, and writes them only where another check wrote the account meanwhile.
   */
  async save(ids: readonly string[], known?: ReadonlySet<string>): Promise<void> {
    const { head: old, older } = this.heads ?? { head: await this.kv.get<SeenHead>(this.key), older: await this.kv.get<SeenHead>(this.nulKey) };
    const unchanged = old !== undefined && old !== null && !older && sameSet(ids, known);
    if (unchanged && !this.writer) return;
    const chunks = Math.ceil(ids.length / CHUNK);
    const entries: StateEntry[] = [];
    for (let i = 0; i < chunks; i++) entries.push([`${this.key}:${i}`, ids.slice(i * CHUNK, (i + 1) * CHUNK)]);
    for (let i = chunks; i < (old?.chunks ?? 0); i++) entries.push([`${this.key}:${i}`, []]);
    entries.push([this.key, { chunks, count: ids.length } satisfies SeenHead]);
    // The older set goes only after the new head is written: a crash before leaves it loadable, after it the new one is.
    if (older) {
      for (let i = 0; i < older.chunks; i++) entries.push([`${this.nulKey}:${i}`, []]);
      entries.push([this.nulKey, null]);
    }
    // What this save wrote is what a later save of this object replaces (a head with fewer chunks blanks the rest).
    this.heads = { head: { chunks, count: ids.length }, older: undefined };
    await this.write(entries, unchanged);
  }

  /**
   * Keeps no set: the account keeps no cursor, so no delta will read one. Writes only where a set is stored (the
   * heads load() read say so): an older version's set first (a crash after it leaves today's set whole, which load
   * prefers), then each set's chunks before its head: a crash in between leaves a head whose chunks fail load's
   * count check, which makes a full pass.
   */
  async forget(): Promise<void> {
    const { head, older } = this.heads ?? { head: await this.kv.get<SeenHead>(this.key), older: await this.kv.get<SeenHead>(this.nulKey) };
    if (!head && !older) return;
    const entries: StateEntry[] = [];
    for (const [key, stored] of [[this.nulKey, older], [this.key, head]] as const) {
      if (!stored) continue;
      for (let i = 0; i < stored.chunks; i++) entries.push([`${key}:${i}`, []]);
      entries.push([key, null]);
    }
    this.heads = { head: undefined, older: undefined };
    await this.write(entries, false);
  }

  private async write(entries: readonly StateEntry[], unchanged: boolean): Promise<void> {
    if (this.writer) await this.writer(entries, unchanged);
    else if (!unchanged) await commitInOrder(this.kv, entries);
  }
}
