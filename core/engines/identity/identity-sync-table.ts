import type { IdentitySummary, IdentityUserRow, IdentityUsersPage } from '../../api/identity';
import { IDENTITY_ENGINE_ID } from './identity.engine';
import { actionFor, isDestructive, type RemoteOnlyPolicy, type RepairAction } from './identity-actions';
import { rowEmail, SYNC_STATUSES, type SourceOfTruth, type SyncRow } from './identity-model';
import { deleteLimit } from './identity-repair';
import { REPAIR_BLOCKS_KEY, type RepairBlock } from './identity-blocks';
import { subjectOf } from './identity-check';
import { chunkKey, decodeRow, SNAPSHOT_META_KEY, type EncodedRow, type SnapshotMeta } from './identity-snapshot';

/** Reads of the sync table that may start again because a check published meanwhile (each publish takes seconds). */
const REFRESH_ATTEMPTS = 3;
const REPLACED = Symbol('replaced while read');

export interface EngineStateReader {
  get<T>(engine: string, key: string): Promise<T | undefined>;
}

export interface SyncTableQuery {
  status?: SyncRow['status'] | undefined;
  search?: string | undefined;
  sort: 'email' | 'name' | 'status';
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

interface Entry {
  row: number;
  data: SyncRow;
  /** What this user's repair would do under the check's source of truth and policy. */
  action: RepairAction;
  email: string;
  name: string;
  /** Lower-cased emails and names of both sides, for search. */
  text: string;
}

/**
 * Reads the users sync table for the Users page. The table lives in engine
 * state as versioned chunks; this keeps the decoded rows in memory and reloads
 * only the chunks whose version moved (a one-user repair rewrites one chunk),
 * so paging, filtering and sorting 100,000 users costs a scan of an array,
 * not a parse of 50 JSON documents per request. Sort orders are computed once
 * per table version.
 */
export class SyncTableReader {
  private runId: number | null = null;
  private versions: number[] = [];
  private chunks: Entry[][] = [];
  private orders = new Map<string, Int32Array>();
  private flat: Entry[] | null = null;

  constructor(private readonly state: EngineStateReader) {}

  async page(query: SyncTableQuery): Promise<IdentityUsersPage> {
    const meta = await this.refresh();
    const empty = { items: [], total: 0, limit: query.limit, offset: query.offset, runId: meta?.runId ?? null };
    if (!meta) return empty;
    const all = this.all();
    const order = this.order(query.sort);
    const needle = query.search?.trim().toLowerCase() || undefined;
    const items: IdentityUserRow[] = [];
    let total = 0;
    const end = query.offset + query.limit;
    for (let i = 0; i < order.length; i++) {
      const entry = all[order[query.direction === 'asc' ? i : order.length - 1 - i] as number] as Entry;
      if (query.status !== undefined && entry.data.status !== query.status) continue;
      if (needle !== undefined && !entry.text.includes(needle)) continue;
      if (total >= query.offset && total < end) items.push(toView(entry));
      total++;
    }
    return { ...empty, items, total };
  }

  async summary(): Promise<IdentitySummary> {
    const meta = await this.refresh();
    const counts = { 'in-sync': 0, 'local-only': 0, 'remote-only': 0, inconsistent: 0 };
    const actions: Partial<Record<RepairAction, number>> = {};
    if (!meta) {
      return { checked: false, runId: null, checkedAt: null, sourceOfTruth: null, total: 0, inSync: 0, issues: 0, counts, percentInSync: 0, pendingDeletes: 0, deleteLimit: 0, actions };
    }
    // A repair GoTrue refused for good is left for a person by "repair all" (identity-repair.ts): count it so, or the
    // count the dialog confirms would never match the run's.
    const blocks = await this.state.get<Record<string, RepairBlock>>(IDENTITY_ENGINE_ID, REPAIR_BLOCKS_KEY) ?? {};
    const blocked = Object.keys(blocks).length > 0;
    for (const entry of this.all()) {
      counts[entry.data.status]++;
      const action = blocked && entry.action !== 'none' && subjectOf(entry.data) in blocks ? 'manual' : entry.action;
      if (action !== 'none') actions[action] = (actions[action] ?? 0) + 1;
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const inSync = counts['in-sync'];
    return {
      checked: true,
      runId: meta.runId,
      checkedAt: meta.checkedAt,
      sourceOfTruth: meta.sourceOfTruth,
      total,
      inSync,
      issues: total - inSync,
      counts,
      percentInSync: total === 0 ? 100 : Math.floor((inSync / total) * 1000) / 10,
      // Bans, deletes and relinks a "repair all" would make (each confirmed first).
      pendingDeletes: Object.entries(actions).reduce((sum, [action, n]) => sum + (isDestructive(action as RepairAction) ? n : 0), 0),
      deleteLimit: deleteLimit(meta.total),
      actions,
    };
  }

  /**
   * Reloads what changed since the last call; a new check replaces everything. A chunk the meta addresses
   * is missing only when a check published meanwhile and removed the table this read began with: the read
   * starts again from the new meta (a page of a table that is neither the old nor the new one is never shown).
   */
  private async refresh(): Promise<SnapshotMeta | undefined> {
    for (let attempt = 1; ; attempt++) {
      const meta = await this.load(attempt === REFRESH_ATTEMPTS);
      if (meta !== REPLACED) return meta;
    }
  }

  private async load(lastAttempt: boolean): Promise<SnapshotMeta | undefined | typeof REPLACED> {
    const meta = await this.state.get<SnapshotMeta>(IDENTITY_ENGINE_ID, SNAPSHOT_META_KEY);
    if (!meta) {
      this.reset(null);
      return undefined;
    }
    if (meta.runId !== this.runId) this.reset(meta.runId);
    let changed = false;
    for (let i = 0; i < meta.versions.length; i++) {
      if (this.versions[i] === meta.versions[i]) continue;
      const stored = await this.state.get<EncodedRow[]>(IDENTITY_ENGINE_ID, chunkKey(i, meta.buffer));
      if (stored === undefined && !lastAttempt) {
        this.reset(null);
        return REPLACED;
      }
      const encoded = stored ?? [];
      const policy = meta.remoteOnly ?? 'ban';
      this.chunks[i] = encoded.map((raw, offset) => toEntry(i * meta.chunkSize + offset, decodeRow(raw), meta.sourceOfTruth, policy)).filter((e): e is Entry => e !== null);
      this.versions[i] = meta.versions[i] as number;
      changed = true;
    }
    if (this.chunks.length > meta.versions.length) {
      this.chunks.length = meta.versions.length;
      changed = true;
    }
    if (changed) {
      this.flat = null;
      this.orders.clear();
    }
    return meta;
  }

  private reset(runId: number | null): void {
    this.runId = runId;
    this.versions = [];
    this.chunks = [];
    this.flat = null;
    this.orders.clear();
  }

  private all(): Entry[] {
    this.flat ??= this.chunks.flat();
    return this.flat;
  }

  /** Positions into all(), ascending by the key, ties by table position (a stable order for paging). */
  private order(sort: SyncTableQuery['sort']): Int32Array {
    const cached = this.orders.get(sort);
    if (cached) return cached;
    const all = this.all();
    const order = Int32Array.from(all.keys());
    const key = (e: Entry) => (sort === 'name' ? e.name : sort === 'email' ? e.email : e.data.status);
    order.sort((a, b) => {
      const x = all[a] as Entry;
      const y = all[b] as Entry;
      if (sort === 'status') {
        const s = SYNC_STATUSES.indexOf(x.data.status) - SYNC_STATUSES.indexOf(y.data.status);
        if (s !== 0) return s;
      } else {
        const kx = key(x);
        const ky = key(y);
        if (kx !== ky) return kx < ky ? -1 : 1;
      }
      return x.row - y.row;
    });
    this.orders.set(sort, order);
    return order;
  }
}

/** Rows emptied by a repair (gone from both sides) leave the table. Missing values sort last. */
function toEntry(row: number, data: SyncRow, truth: SourceOfTruth, policy: RemoteOnlyPolicy): Entry | null {
  if (!data.local && !data.remote) return null;
  const { local, remote } = data;
  const name = local?.name ?? remote?.name ?? null;
  return {
    row,
    data,
    action: actionFor(data, truth, policy),
    email: rowEmail(data) ?? '\uffff',
    name: name?.toLowerCase() ?? '\uffff',
    text: [local?.email, remote?.email, local?.name, remote?.name].filter(Boolean).join('\n').toLowerCase(),
  };
}

function toView({ row, data, action }: Entry): IdentityUserRow {
  const { local, remote } = data;
  return {
    row,
    localId: local?.id ?? null,
    remoteId: remote?.id ?? null,
    email: rowEmail(data),
    name: local?.name ?? remote?.name ?? null,
    status: data.status,
    matchedBy: data.matchedBy,
    diffs: data.diffs.map((field) => ({ field, local: local?.[field] ?? null, remote: remote?.[field] ?? null })),
    action,
    problem: data.problem ?? null,
    remoteBanned: remote?.banned === true,
  };
}
