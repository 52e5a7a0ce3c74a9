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
const SNAPSHOT_CHUNK_SIZE = 2000;
/**
 * Chunks live in one of two buffers; a check writes the one the meta does not
 * point at and flips the meta last, so a check that dies half-way through
 * publishing leaves the previous table whole (its findings address its rows
 * by index). Tables written before buffers existed use the plain keys.
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
}

// Trailing elements are optional so tables written before they existed still decode.
type EncodedRecord = [id: string, email: string | null, name: string | null, verified: 0 | 1, role: string, banned?: 1];
export type EncodedRow = [status: number, matchedBy: 0 | 1 | 2, local: EncodedRecord | null, remote: EncodedRecord | null, problem?: number];

export async function writeSnapshot(state: StateAccess, rows: readonly SyncRow[], meta: Omit<SnapshotMeta, 'total' | 'chunkSize' | 'versions'>): Promise<void> {
  const writer = new SnapshotWriter(memorySpool());
  for (const row of rows) writer.add(row);
  await writer.publish(state, meta);
}

/** Where the rows of each chunk wait until the check publishes them (a check at scale keeps them on disk, not in memory). */
export interface ChunkSpool {
  /** Adds rows to the end of chunk `index`. */
  append(index: number, rows: EncodedRow[]): void;
  take(index: number): EncodedRow[];
}

function memorySpool(): ChunkSpool {
  const chunks: EncodedRow[][] = [];
  return { append: (index, rows) => (chunks[index] = [...(chunks[index] ?? []), ...rows]), take: (index) => chunks[index] ?? [] };
}

/**
 * Rows handed to the spool at a time: short-lived enough that a check's garbage
 * dies young (a whole chunk held across windows was promoted and, as one big
 * JSON string, went straight to the old generation: +100 MB of heap at 300k users).
 */
const PIECE_ROWS = 250;

/**
 * Builds the sync table one row at a time. Nothing reaches the engine state
 * before `publish`: the Users page keeps reading the previous check's table,
 * whole, until the new one is complete (a failed check leaves it as it was).
 */
export class SnapshotWriter {
  private piece: EncodedRow[] = [];
  private chunkRows = 0;
  private chunks = 0;
  private total = 0;

  constructor(private readonly spool: ChunkSpool) {}

  add(row: SyncRow): void {
    this.piece.push(encodeRow(row));
    this.total++;
    this.chunkRows++;
    if (this.chunkRows === SNAPSHOT_CHUNK_SIZE) {
      this.flush();
      this.chunks++;
      this.chunkRows = 0;
    } else if (this.piece.length === PIECE_ROWS) {
      this.flush();
    }
  }

  async publish(state: StateAccess, meta: Omit<SnapshotMeta, 'total' | 'chunkSize' | 'versions'>): Promise<void> {
    this.flush();
    if (this.chunkRows > 0) this.chunks++;
    this.chunkRows = 0;
    const previous = await state.get<SnapshotMeta>(SNAPSHOT_META_KEY);
    const buffer: SnapshotBuffer = previous?.buffer === 'a' ? 'b' : 'a';
    const versions: number[] = [];
    for (let i = 0; i < this.chunks; i++) {
      await state.set(chunkKey(i, buffer), this.spool.take(i));
      versions.push((previous?.versions[i] ?? 0) + 1);
      // Each chunk is a few milliseconds of JSON; give the loop back between them.
      await yieldToEventLoop();
    }
    await state.set(SNAPSHOT_META_KEY, { ...meta, total: this.total, chunkSize: SNAPSHOT_CHUNK_SIZE, versions, buffer } satisfies SnapshotMeta);
    // The previous table is no longer addressed: empty its chunks so the state does not hold two copies.
    for (let i = 0; i < (previous?.versions.length ?? 0); i++) {
      await state.set(chunkKey(i, previous?.buffer), []);
      await yieldToEventLoop();
    }
  }

  private flush(): void {
    if (this.piece.length === 0) return;
    this.spool.append(this.chunks, this.piece);
    this.piece = [];
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
  await state.set(SNAPSHOT_META_KEY, meta);
  return true;
}

function encodeRow(row: SyncRow): EncodedRow {
  const encoded: EncodedRow = [SYNC_STATUSES.indexOf(row.status), row.matchedBy === 'id' ? 1 : row.matchedBy === 'email' ? 2 : 0, encodeRecord(row.local), encodeRecord(row.remote)];
  if (row.problem) encoded.push(IDENTITY_PROBLEMS.indexOf(row.problem));
  return encoded;
}

export function decodeRow([status, matchedBy, local, remote, problem]: EncodedRow): SyncRow {
  const l = decodeRecord(local);
  const r = decodeRecord(remote);
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

function decodeRecord(record: EncodedRecord | null): IdentityRecord | null {
  return record ? { id: record[0], email: record[1], name: record[2], emailVerified: record[3] === 1, role: record[4], ...(record[5] === 1 ? { banned: true } : {}) } : null;
}
