import { resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * What the id attacks on storage-orphans share (attack-s22*): a product files table with the id column declared as
 * the test says, rows inserted with the id as a SQL expression (7, '7', x'41', CAST(… AS REAL)), and the open orphan
 * findings, a restore and one account's result as the tests read them.
 */
export const FILES = (idDecl: string, unique = true) => `CREATE TABLE files (
  id ${idDecl}, user_id TEXT NOT NULL, provider TEXT NOT NULL, provider_file_id TEXT NOT NULL, name TEXT, size INTEGER, created_at TEXT${unique ? ',\n  UNIQUE (provider, provider_file_id)' : ''})`;

export const insert = (w: StorageWorld, idSql: string, pid: string, provider = 'google', user = 'ada') =>
  w.exec(`INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (${idSql}, ?, ?, ?, ?, 1)`, [user, provider, pid, `${pid}.bin`]);

export const openOrphans = async (w: StorageWorld) => (await w.app.store.findings.open('storage-orphans')).filter((f) => f.kind === 'orphan');

export const restore = (w: StorageWorld, findingId: number) => Promise.resolve().then(() => w.app.handlers['storage.restore']({ findingId }, { actor: 'manual' }));

export const resultFor = (r: ReturnType<typeof resultOf>, user: string, provider: string) =>
  r.results.find((x) => x.userId === user && x.provider === provider) as Record<string, unknown> | undefined;

/** Every open finding (orphan or trashed) as `subject:kind`, sorted. */
export const openKinds = async (w: StorageWorld) => (await w.app.store.findings.open('storage-orphans')).map((f) => `${f.subject}:${f.kind}`).sort();

/** The open orphans as `user/provider/row id/cloud id`, sorted. */
export const describeOpen = async (w: StorageWorld) =>
  (await openOrphans(w)).map((f) => `${String(f.details?.userId)}/${String(f.details?.provider)}/${String(f.details?.fileRowId)}/${String(f.details?.providerFileId)}`).sort();

/** The rows pointing at one cloud file: their id's storage class and its text (a blob's in hex), and their user. */
export const byPid = (w: StorageWorld, pid: string) =>
  w.rows<{ t: string; id: string; user_id: string }>("SELECT typeof(id) AS t, CASE WHEN typeof(id) = 'blob' THEN hex(id) ELSE CAST(id AS TEXT) END AS id, user_id FROM files WHERE provider_file_id = ?", [pid]);
