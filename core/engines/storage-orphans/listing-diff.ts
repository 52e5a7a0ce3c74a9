import type { StorageProvider } from '../../api/storage';
import type { FullListing } from './remote-view';
import { seenKey } from './seen-rows';
import type { StorageDb } from './storage-db';
import type { FileRow, StorageFindingKind } from './storage-model';

/** What one keyset chunk of an account's rows says against the account's full listing, by row id. */
export interface IdChunkDiff {
  /** Rows the listing speaks for. */
  listed: number;
  /** The seenKey (seen-rows.ts) of each row the listing speaks for, in row order (none when the listing says `seenKeys: false`). */
  examined: string[];
  /** Rows the listing shows trashed or leaves out, by row id and cloud id, with the kind of finding each makes. */
  drifted: [rowId: string, kind: StorageFindingKind, pid: string][];
  /** Rows the listing cannot speak for (a cloud id outside `coveredPrefix`), by row id and cloud id: each is probed instead. */
  uncovered: [rowId: string, pid: string][];
}

/** A chunk's diff as a differ hands it on: with the drifted rows themselves, read again by id after the chunk. */
export interface ChunkDiff extends IdChunkDiff {
  /**
   * The rows of `drifted` as read by id after the chunk, names and sizes included (the diff reads ids alone), in row
   * order, each with its kind: only this account's rows with the cloud id that drifted (ownRows). A row deleted or
   * re-pointed since is missing, and a finding is made only for a row here.
   */
  driftedRows: { row: FileRow; kind: StorageFindingKind }[];
}

/** A full listing as the diff reads it: plain data, so it crosses to the diff thread as it is. */
export interface ListingSets {
  present: ReadonlySet<string>;
  trashed: ReadonlySet<string>;
  coveredPrefix: string | undefined;
  /**
   * false: the pass keeps no seen set (it keeps no cursor, so no delta follows it), so no row's seenKey is built
   * and `examined` stays empty. At a million rows that was half a million keys built, copied off the diff thread,
   * serialised and written for nothing (issue 19).
   */
  seenKeys?: boolean;
}

export const listingSets = (listing: FullListing): ListingSets => ({ present: listing.present, trashed: listing.trashed, coveredPrefix: listing.coveredPrefix, seenKeys: listing.cursor !== null });

/**
 * The diff of one chunk of (row id, cloud id) rows. Self-contained on purpose: its source text is also the
 * diff thread's (listing-diff.worker.ts), so it reads nothing but its parameters and defines no inner
 * function (a bundler that keeps names would wrap one in a helper the thread does not have). The key it
 * builds is seenKey's (a test holds them equal) and its kinds are FINDING_KINDS' (the return type holds them).
 */
export function diffIdChunk(rows: readonly { id: unknown; pid: unknown }[], listing: ListingSets): IdChunkDiff {
  const out: IdChunkDiff = { listed: 0, examined: [], drifted: [], uncovered: [] };
  for (const row of rows) {
    // Ids compare as strings: a product may store them in a numeric column (read exactly: a bigint past 2^53).
    const rowId = String(row.id);
    const pid = String(row.pid);
    if (listing.coveredPrefix !== undefined && !pid.startsWith(listing.coveredPrefix)) {
      out.uncovered.push([rowId, pid]);
      continue;
    }
    out.listed++;
    if (listing.seenKeys !== false) out.examined.push(`${rowId.length}:${rowId}${pid}`);
    if (listing.trashed.has(pid)) out.drifted.push([rowId, 'trashed', pid]);
    else if (!listing.present.has(pid)) out.drifted.push([rowId, 'orphan', pid]);
  }
  return out;
}

/** Diffs accounts' rows against their full listings, chunk by chunk, here or on the diff thread. */
export interface ListingDiffer {
  /** Accounts whose diff the thread answered in full (0 on this thread): the check's result says it. */
  readonly diffsOnThread: number;
  chunks(userId: string, provider: StorageProvider, listing: ListingSets, signal: AbortSignal): AsyncIterable<ChunkDiff>;
  close(): Promise<void>;
}

/** On this thread, through the product's own connection: PostgreSQL, an in-memory SQLite database, or no thread to be had. */
export class InThreadDiffer implements ListingDiffer {
  readonly diffsOnThread = 0;

  constructor(private readonly product: StorageDb) {}

  async *chunks(userId: string, provider: StorageProvider, listing: ListingSets): AsyncIterable<ChunkDiff> {
    for await (const ids of this.product.accountIds(userId, provider)) {
      const diff = diffIdChunk(ids, listing);
      const rows = diff.drifted.length === 0 ? [] : await this.product.accountRowsByKeys(userId, provider, diff.drifted.map(([id, , pid]) => ({ id, pid })));
      yield { ...diff, driftedRows: withKinds(diff, rows) };
    }
  }

  async close(): Promise<void> {}
}

/**
 * This chunk's drifted rows (already ownRows') in the order the diff met them, each with its kind: one answer,
 * whichever differ read them.
 */
export function withKinds(diff: IdChunkDiff, rows: readonly FileRow[]): ChunkDiff['driftedRows'] {
  const byKey = new Map(rows.map((row) => [seenKey(row.id, row.providerFileId), row]));
  const out: ChunkDiff['driftedRows'] = [];
  for (const [id, kind, pid] of diff.drifted) {
    const key = seenKey(id, pid);
    const row = byKey.get(key);
    // Once: two rows whose ids read the same, pointing at one cloud file, are one finding (the repair refuses the pair).
    if (row && byKey.delete(key)) out.push({ row, kind });
  }
  return out;
}
