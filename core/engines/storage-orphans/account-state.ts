import type { AccountStatus, StorageAccountRow, StorageProvider } from '../../api/storage';
import type { StoreDb } from '../../store/store-db';
import { ENGINE_ID, type StorageAccount } from './storage-model';
import { commitInOrder, type KeyValue } from './state-commits';

/**
 * One (user, provider) account as the engine last saw it, kept in the
 * console store's engine_state under `account:<userId>:<provider>` (engines
 * reach the store only through their state; never a token here).
 */
export interface AccountState {
  userId: string;
  provider: StorageProvider;
  email: string | null;
  name: string | null;
  autoSync: boolean;
  deleteAfterSync: boolean;
  /** File rows of this account at the last check (adjusted by repairs and restores). */
  files: number;
  /** Files in the cloud account at the last full pass: the cost model's estimate of a listing. */
  remoteFiles: number | null;
  status: AccountStatus;
  message: string | null;
  lastCheckAt: string | null;
  lastRunId: number | null;
  /** Drive changes page token or Dropbox cursor; null when none is kept. */
  cursor: string | null;
  /** When the last full pass that concluded on every row ended (absent: never, by this version). */
  lastFullAt?: string | null;
  /**
   * Dropbox only: where files of this account's rows live now after a rename seen in a delta (lower-case path →
   * Dropbox file id), so a later deletion of the new path is tied to the file by id, not to another row's name.
   */
  paths?: Record<string, string>;
}

export const accountKey = (userId: string, provider: StorageProvider) => `account:${userId}:${provider}`;

export async function readAccount(kv: KeyValue, userId: string, provider: StorageProvider): Promise<AccountState | undefined> {
  return await kv.get<AccountState>(accountKey(userId, provider));
}

/** Refreshes who an account belongs to and its switches, keeping what checks found. */
export async function upsertRoster(kv: KeyValue, account: StorageAccount): Promise<AccountState> {
  const next = await rosterState(kv, account);
  await kv.set(accountKey(account.userId, account.provider), next);
  return next;
}

/** upsertRoster for many accounts, written in one commit where the store can (a roster of thousands). */
export async function upsertRosters(kv: KeyValue, accounts: readonly StorageAccount[]): Promise<void> {
  const entries: (readonly [string, AccountState])[] = [];
  for (const account of accounts) entries.push([accountKey(account.userId, account.provider), await rosterState(kv, account)]);
  await commitInOrder(kv, entries);
}

async function rosterState(kv: KeyValue, account: StorageAccount): Promise<AccountState> {
  const known = await readAccount(kv, account.userId, account.provider);
  const next: AccountState = {
    files: 0,
    remoteFiles: null,
    status: 'never-checked',
    message: null,
    lastCheckAt: null,
    lastRunId: null,
    cursor: null,
    ...known,
    userId: account.userId,
    provider: account.provider,
    email: account.email,
    name: account.name,
    autoSync: account.autoSync,
    deleteAfterSync: account.deleteAfterSync,
  };
  if (account.needsReconnect && next.status === 'never-checked') next.status = 'needs-reconnect';
  return next;
}

export async function updateAccount(kv: KeyValue, userId: string, provider: StorageProvider, patch: Partial<AccountState>): Promise<void> {
  const known = await readAccount(kv, userId, provider);
  if (!known) return;
  await kv.set(accountKey(userId, provider), { ...known, ...patch });
}

interface FindingCounts {
  openOrphans: number;
  openTrashed: number;
  quarantined: number;
}

/** Why an account stays "never checked" after Check all (the check's scope: storage-check.ts selectScope). */
const NOT_AUTO_SYNCED = 'Auto-sync is off for this account in the product, so Check all and schedules leave it out; Check on its row looks at it.';

/**
 * The Storage page's rows: every account state with its finding counts
 * (a few thousand rows at most, so the handler filters in memory).
 */
export async function listAccounts(db: StoreDb): Promise<StorageAccountRow[]> {
  const states = (await db.all<{ value_json: string }>(`SELECT value_json FROM engine_state WHERE engine = ? AND key LIKE 'account:%'`, [ENGINE_ID])).map(
    (r) => JSON.parse(r.value_json) as AccountState,
  );
  const counts = await findingCounts(db);
  const rows = states.map((s): StorageAccountRow => {
    const c = counts.get(`${s.userId}\u0000${s.provider}`) ?? { openOrphans: 0, openTrashed: 0, quarantined: 0 };
    return {
      userId: s.userId,
      userEmail: s.email,
      userName: s.name,
      provider: s.provider,
      files: s.files,
      ...c,
      lastCheckAt: s.lastCheckAt,
      lastRunId: s.lastRunId,
      status: effectiveStatus(s.status, c),
      message: s.message ?? (s.status === 'never-checked' && !s.autoSync ? NOT_AUTO_SYNCED : null),
      autoSync: s.autoSync,
      deleteAfterSync: s.deleteAfterSync,
    };
  });
  return rows.sort((a, b) => (a.userEmail ?? a.userId).localeCompare(b.userEmail ?? b.userId) || a.userId.localeCompare(b.userId) || a.provider.localeCompare(b.provider));
}

/** Open and quarantined findings per account; a file found by two checks (all, one user) counts once. */
async function findingCounts(db: StoreDb): Promise<Map<string, FindingCounts>> {
  // A JSON field of the details: each dialect's own operator (there is no portable one).
  const field = (name: string) => (db.dialect === 'postgres' ? `(details_json::jsonb ->> '${name}')` : `json_extract(details_json, '$.${name}')`);
  const rows = (
    await db.all<{ u: string; p: string; kind: string; status: string; n: number | string }>(
      `SELECT ${field('userId')} AS u, ${field('provider')} AS p, kind, status, COUNT(DISTINCT subject) AS n
       FROM findings WHERE engine = ? AND status IN ('open', 'quarantined') GROUP BY 1, 2, kind, status`,
      [ENGINE_ID],
    )
  ).map((row) => ({ ...row, n: Number(row.n) }));
  const counts = new Map<string, FindingCounts>();
  for (const r of rows) {
    const key = `${r.u}\u0000${r.p}`;
    const c = counts.get(key) ?? { openOrphans: 0, openTrashed: 0, quarantined: 0 };
    if (r.status === 'quarantined') c.quarantined += r.n;
    else if (r.kind === 'trashed') c.openTrashed += r.n;
    else c.openOrphans += r.n;
    counts.set(key, c);
  }
  return counts;
}

/** ok/orphans follow the open findings (repairs and restores change them between checks); other statuses stand. */
function effectiveStatus(stored: AccountStatus, c: FindingCounts): AccountStatus {
  if (stored !== 'ok' && stored !== 'orphans') return stored;
  return c.openOrphans + c.openTrashed > 0 ? 'orphans' : 'ok';
}
