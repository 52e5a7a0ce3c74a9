import Database from 'better-sqlite3';
import { eachLimited, fetchJson } from './harness';
import { accessToken, BENCH_DROPBOX_APP, BENCH_GOOGLE_CLIENT, hasExpiredToken, userId } from './storage-orphans-fixture';

/**
 * The bare floor of a storage-orphans check of the same world: per account,
 * plain fetch paging of the same emulator asking only for what the diff
 * needs (Drive `files(id,trashed)` at 1,000 a page, Dropbox list_folder at
 * 2,000), a token refresh where the stored token is expired, a start-token
 * call where the engine keeps a Drive delta cursor (two pages or more), then
 * a bare better-sqlite3 pass over the account's rows counting the ones
 * missing from the listing. Accounts run 4 at once, as the engine's do.
 * No retries, no state, no findings: what any implementation must spend.
 */
interface StorageFloorWorld {
  googleRoot: string;
  googleToken: string;
  dropboxUrl: string;
  appDbPath: string;
  users: number;
}

interface StorageFloorResult {
  calls: number;
  rows: number;
  missing: number;
}

const FLOOR_CONCURRENCY = 4;

export async function storageOrphansFloor(world: StorageFloorWorld, onlyUsers?: number): Promise<StorageFloorResult> {
  const db = new Database(world.appDbPath, { readonly: true });
  const rowsOf = db.prepare('SELECT id, provider_file_id FROM files WHERE user_id = ? AND provider = ?').raw();
  const counter = { calls: 0 };
  const result = { calls: 0, rows: 0, missing: 0 };
  const accounts: { u: number; provider: 'google' | 'dropbox' }[] = [];
  for (let u = 0; u < (onlyUsers ?? world.users); u++) accounts.push({ u, provider: 'google' }, { u, provider: 'dropbox' });
  try {
    await eachLimited(accounts, FLOOR_CONCURRENCY, async ({ u, provider }) => {
      const token = hasExpiredToken(u) ? await refresh(world, counter, provider, u) : accessToken(provider, u);
      const present = provider === 'google' ? await listDrive(world, counter, token) : await listDropbox(world, counter, token);
      for (const [, pid] of rowsOf.iterate(userId(u), provider) as Iterable<[string, string]>) {
        result.rows++;
        if (!present.has(pid)) result.missing++;
      }
    });
  } finally {
    db.close();
  }
  result.calls = counter.calls;
  return result;
}

async function refresh(world: StorageFloorWorld, counter: { calls: number }, provider: 'google' | 'dropbox', u: number): Promise<string> {
  const form =
    provider === 'google'
      ? { grant_type: 'refresh_token', refresh_token: `1//bench-${u}`, client_id: BENCH_GOOGLE_CLIENT.clientId, client_secret: BENCH_GOOGLE_CLIENT.clientSecret }
      : { grant_type: 'refresh_token', refresh_token: `rt-bench-${u}`, client_id: BENCH_DROPBOX_APP.key, client_secret: BENCH_DROPBOX_APP.secret };
  const url = provider === 'google' ? world.googleToken : `${world.dropboxUrl}/oauth2/token`;
  const body = await fetchJson<{ access_token: string }>(counter, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return body.access_token;
}

async function listDrive(world: StorageFloorWorld, counter: { calls: number }, token: string): Promise<Set<string>> {
  const present = new Set<string>();
  const headers = { authorization: `Bearer ${token}` };
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const query = new URLSearchParams({ pageSize: '1000', fields: 'nextPageToken,files(id,trashed)', ...(pageToken ? { pageToken } : {}) });
    const page = await fetchJson<{ files: { id: string; trashed?: boolean }[]; nextPageToken?: string }>(counter, `${world.googleRoot}drive/v3/files?${query}`, { headers });
    for (const file of page.files) if (!file.trashed) present.add(file.id);
    pageToken = page.nextPageToken;
    pages++;
  } while (pageToken);
  // The engine keeps a changes cursor where the next full pass would cost two pages or more: one call, counted here too.
  if (pages >= 2) await fetchJson(counter, `${world.googleRoot}drive/v3/changes/startPageToken`, { headers });
  return present;
}

async function listDropbox(world: StorageFloorWorld, counter: { calls: number }, token: string): Promise<Set<string>> {
  const present = new Set<string>();
  const init = (body: unknown): RequestInit => ({ method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  type Page = { entries: { '.tag': string; id?: string }[]; cursor: string; has_more: boolean };
  let page = await fetchJson<Page>(counter, `${world.dropboxUrl}/2/files/list_folder`, init({ path: '', recursive: true, limit: 2000 }));
  for (;;) {
    for (const entry of page.entries) if (entry['.tag'] === 'file' && entry.id) present.add(entry.id);
    if (!page.has_more) return present;
    page = await fetchJson<Page>(counter, `${world.dropboxUrl}/2/files/list_folder/continue`, init({ cursor: page.cursor }));
  }
}
