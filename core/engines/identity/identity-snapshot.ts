import { yieldToEventLoop } from '../../base/cooperative';
import type { RemoteOnlyPolicy } from './identity-actions';
import { diffRecords } from './identity-classify';
import { IDENTITY_PROBLEMS, SYNC_STATUSES, type IdentityRecord, type SourceOfTruth, type SyncRow, type SyncStatus } from './identity-model';

/**
 * The users sync table: the last full check's rows, kept in the engine's
 * durable state so the Users page can page, filter and sort 100,000 users
 * without re-reading either side. Rows are stored in chunks so a repair
 * rewrites only the chunks it touched, and each chunk has a version so a
 * reader reloads only what changed.
 */
export const SNAPSHOT_META_KEY = 'sync-table:meta';
/**
 * Rows per chunk. 500 rows are about 75 KB of JSON: the chunk is written as
 * soon as it fills, and a string that size dies young (a 2,000-row chunk's
 * 300 KB went straight to V8's old generation, and the chunks had to wait in
 * a scratch spool). Readers take the size from the meta, so tables written
 * with 2,000-row chunks still read.
 */
const SNAPSHOT_CHUNK_SIZE = 500;
/**
 * Chunks live in one of two buffers; a check writes the one the meta does not
 * point at and flips the meta last, so a check that dies half-way through
 * leaves the previous table whole (its findings address its rows by index).
 * Tables written before buffers existed use the plain keys.
 */
export type SnapshotBuffer = 'a' | 'b';
export const chunkKey = (index: number, buffer?: SnapshotBuffer) => (buffer === undefined ? `sync-table:chunk:${index}` : `sync-table:${buffer}:chunk:${index}`);

export interface SnapshotMeta {
  runId: number;
  checkedAt: string;
  sourceOfTruth: SourceOfTruth;
  /** The Supabase-only policy the check ran with (absent in tables written before it existed: "ban"). */
  remoteOnly?: RemoteOnlyPolicy;
  total: number;
  chunkSize: number;
  /** One number per chunk, bumped whenever that chunk is rewritten. */
  versions: number[];
  /** Which buffer holds the chunks (absent: the plain keys of tables written before buffers existed). */
  buffer?: SnapshotBuffer;
}

/** One chunk of the published table, as stored. */
export async function readSnapshotChunk(state: StateAccess, meta: SnapshotMeta, index: number): Promise<EncodedRow[]> {
  return await state.get<EncodedRow[]>(chunkKey(index, meta.buffer)) ?? [];
}

/** Every row of the published table (tests and small tables: it holds them all). */
export async function readSnapshotRows(state: StateAccess, meta: SnapshotMeta): Promise<SyncRow[]> {
  const rows: SyncRow[] = [];
  for (let index = 0; index < meta.versions.length; index++) rows.push(...(await readSnapshotChunk(state, meta, index)).map(decodeRow));
  return rows;
}

export interface StateAccess {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

// Trailing elements are optional so tables written before they existed still decode.
type EncodedRecord = [id: string, email: string | null, name: string | null, verified: 0 | 1, role: string, banned?: 1];
/**
 * Stands for a Supabase user encoded exactly as the row's users-table record (most rows of a table in sync):
 * written once, a table's chunks are about half the JSON (150 MB at a million users before). Tables written
 * before it carry both records and still decode.
 */
const SAME_AS_LOCAL = 0;
export type EncodedRow = [status: number, matchedBy: 0 | 1 | 2, local: EncodedRecord | null, remote: EncodedRecord | null | typeof SAME_AS_LOCAL, problem?: number];

type PublishedMeta = Omit<SnapshotMeta, 'total' | 'chunkSize' | 'versions' | 'buffer'>;

export async function writeSnapshot(state: StateAccess, rows: readonly SyncRow[], meta: PublishedMeta): Promise<void> {
  const writer = await SnapshotWriter.begin(state);
  for (const row of rows) writer.add(row);
  await writer.publish(meta);
}

/**
 * Builds the sync table as the check classifies it. Each chunk is written as
 * soon as it fills (drain, once per window of rows), into the buffer the meta
 * does not point at: the Users page and repairs keep reading the previous
 * check's table, whole, until publish flips the meta, its last step that can
 * fail (a check that publishes has published). A check that fails
 * removes what it wrote (abandon); chunks left by one that died are removed
 * by the next publish into that buffer.
 */
export class SnapshotWriter {
  private chunk: EncodedRow[] = [];
  private filled: EncodedRow[][] = [];
  private written = 0;
  private total = 0;
  /** Set once the meta points at this table: from then on it is the published one, never abandoned. */
  private published = false;

  private constructor(
    private readonly state: StateAccess,
    private readonly previous: SnapshotMeta | undefined,
    private readonly buffer: SnapshotBuffer,
  ) {}

  static async begin(state: StateAccess): Promise<SnapshotWriter> {
    const previous = await state.get<SnapshotMeta>(SNAPSHOT_META_KEY);
    return new SnapshotWriter(state, previous, previous?.buffer === 'a' ? 'b' : 'a');
  }

  add(row: SyncRow): void {
    this.chunk.push(encodeRow(row));
    this.total++;
    if (this.chunk.length === SNAPSHOT_CHUNK_SIZE) {
      this.filled.push(this.chunk);
      this.chunk = [];
    }
  }

  /** Writes the chunks filled since the last call: memory holds at most a window's rows. */
  async drain(): Promise<void> {
    for (let next = this.filled.shift(); next !== undefined; next = this.filled.shift()) {
      await this.state.set(chunkKey(this.written, this.buffer), next);
      this.written++;
    }
  }

  async publish(meta: PublishedMeta): Promise<void> {
    await this.drain();
    if (this.chunk.length > 0) {
      await this.state.set(chunkKey(this.written, this.buffer), this.chunk);
      this.written++;
      this.chunk = [];
    }
    // Past the new table's end: chunks a check that died in this buffer left behind.
    await this.sweep(this.buffer, this.written, this.written);
    const versions = Array.from({ length: this.written }, (_, i) => (this.previous?.versions[i] ?? 0) + 1);
    await this.state.set(SNAPSHOT_META_KEY, { ...meta, total: this.total, chunkSize: SNAPSHOT_CHUNK_SIZE, versions, buffer: this.buffer } satisfies SnapshotMeta);
    this.published = true;
    // The previous table is no longer addressed: its chunks go, so the state does not hold two copies. The new
    // table is published whatever happens here: a failure leaves chunks the next publish into that buffer sweeps.
    if (this.previous) await this.sweep(this.previous.buffer, 0, this.previous.versions.length).catch(() => undefined);
  }

  /** After a failed check: removes the chunks it wrote (best effort; the next publish sweeps what is left). */
  async abandon(): Promise<void> {
    if (this.published) return;
    try {
      for (let i = 0; i < this.written; i++) await this.state.delete(chunkKey(i, this.buffer));
    } catch {
      // The check already failed; its error is the one to report.
    }
  }

  /** Removes chunks `from`.. of a buffer: all below `known`, then on while one is there (tables of older checks). */
  private async sweep(buffer: SnapshotBuffer | undefined, from: number, known: number): Promise<void> {
    for (let i = from; i < known || (await this.state.get(chunkKey(i, buffer))) !== undefined; i++) {
      await this.state.delete(chunkKey(i, buffer));
      // Each delete is a commit; give the loop back between them.
      await yieldToEventLoop();
    }
  }
}

/** Replaces some rows (by index) of the snapshot written by `runId`; ignored when a newer check replaced it. */
export async function updateSnapshotRows(state: StateAccess, runId: number, updates: ReadonlyMap<number, SyncRow>): Promise<boolean> {
  const meta = await state.get<SnapshotMeta>(SNAPSHOT_META_KEY);
  if (!meta || meta.runId !== runId || updates.size === 0) return false;
  const byChunk = new Map<number, [number, SyncRow][]>();
  for (const [index, row] of updates) {
    if (index < 0 || index >= meta.total) continue;
    const chunk = Math.floor(index / meta.chunkSize);
    byChunk.set(chunk, [...(byChunk.get(chunk) ?? []), [index % meta.chunkSize, row]]);
  }
  for (const [chunk, rows] of byChunk) {
    const encoded = await readSnapshotChunk(state, meta, chunk);
    for (const [offset, row] of rows) encoded[offset] = encodeRow(row);
    await state.set(chunkKey(chunk, meta.buffer), encoded);
    meta.versions[chunk] = (meta.versions[chunk] ?? 0) + 1;
  }
  // A check that published meanwhile (only one identity run at a time, so not today) owns the meta now: writing
  // this one back would point the Users page at the chunks that check removed.
  const now = await state.get<SnapshotMeta>(SNAPSHOT_META_KEY);
  if (now?.runId !== meta.runId || now.buffer !== meta.buffer) return false;
  await state.set(SNAPSHOT_META_KEY, meta);
  return true;
}

function encodeRow(row: SyncRow): EncodedRow {
  const local = encodeRecord(row.local);
  const remote = encodeRecord(row.remote);
  const encoded: EncodedRow = [SYNC_STATUSES.indexOf(row.status), row.matchedBy === 'id' ? 1 : row.matchedBy === 'email' ? 2 : 0, local, local !== null && remote !== null && sameRecord(local, remote) ? SAME_AS_LOCAL : remote];
  if (row.problem) encoded.push(IDENTITY_PROBLEMS.indexOf(row.problem));
  return encoded;
}

export function decodeRow([status, matchedBy, local, remote, problem]: EncodedRow): SyncRow {
  const l = decodeRecord(local);
  // Its own object, not the local one: a reader may change one side of a row.
  const r = decodeRecord(remote === SAME_AS_LOCAL ? local : remote);
  const p = problem === undefined ? undefined : IDENTITY_PROBLEMS[problem];
  return {
    ...(p ? { problem: p } : {}),
    status: (SYNC_STATUSES[status] ?? 'inconsistent') as SyncStatus,
    matchedBy: matchedBy === 1 ? 'id' : matchedBy === 2 ? 'email' : null,
    local: l,
    remote: r,
    diffs: l && r ? diffRecords(l, r) : [],
  };
}

function encodeRecord(record: IdentityRecord | null): EncodedRecord | null {
  if (!record) return null;
  const encoded: EncodedRecord = [record.id, record.email, record.name, record.emailVerified ? 1 : 0, record.role];
  if (record.banned) encoded.push(1);
  return encoded;
}

function sameRecord(a: EncodedRecord, b: EncodedRecord): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function decodeRecord(record: EncodedRecord | null): IdentityRecord | null {
  return record ? { id: record[0], email: record[1], name: record[2], emailVerified: record[3] === 1, role: record[4], ...(record[5] === 1 ? { banned: true } : {}) } : null;
}
