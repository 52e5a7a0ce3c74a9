import { availableParallelism } from 'node:os';

/*
 * The identity spill's scratch files (identity-spill.ts): their tables, the indexes the classifier reads by,
 * and the pragmas of every connection to them. Nothing here runs: the spill and its index builders do.
 */

/** The remote side, the soft-deleted ids and the held findings, in the spill's main file (`sides.db`). */
export const SCHEMA = `
CREATE TABLE remote (seq INTEGER PRIMARY KEY, idl TEXT NOT NULL, id TEXT NOT NULL, email TEXT, name TEXT, verified INTEGER NOT NULL, role TEXT NOT NULL, banned INTEGER NOT NULL);
CREATE TABLE deleted (idl TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE held (seq INTEGER PRIMARY KEY, subject TEXT NOT NULL, finding TEXT NOT NULL);
CREATE INDEX held_subject ON held (subject, seq);
`;

/**
 * The users table's side lives in a file of its own, attached to the scratch connection as LOCAL_SCHEMA (its
 * table is still named `local` in every query: SQLite looks an unqualified name up in the attached databases
 * too). The table is read in a few seconds while the listing takes the rest of the read phase, so its indexes
 * are built on a worker thread while the listing goes on (endLocal), not after it (issue 19).
 */
export const LOCAL_SCHEMA = 'local_side';
export const LOCAL_TABLE = `CREATE TABLE ${LOCAL_SCHEMA}.local (seq INTEGER PRIMARY KEY, idl TEXT NOT NULL, id TEXT NOT NULL, email TEXT, name TEXT, verified INTEGER NOT NULL, role TEXT NOT NULL);`;

/**
 * The indexes the classifier reads by, built once each side is read
 * (endLocal, finishReading). Built while the rows arrive, every row of a million
 * scattered ids and emails cost a random B-tree insert: 16.6 s of the event
 * loop for the remote side alone, against 2.8 s of appends and 1.5 s of
 * sorted builds (issue 19). A user listed twice (the listing shifts when
 * users are created or removed between pages) is kept once, as its last
 * listing, as the in-memory classifier's id map kept the last copy. Rows of
 * the users table are kept as read: the reader gives each row once
 * (streamStored), and rows whose ids look alike here may be different rows
 * there (ids that differ by type, by bytes a decoder merges, or past 2^53).
 *
 * local_idl and remote_idl cover every column the classifier reads: the pass
 * by id walks local_idl in order and joins remote_idl in the same order, so
 * neither side is read by a random lookup per user (fetching each remote row
 * from its table, in listing order, took 4.6 s against 1.3 s at a million).
 *
 * The local side's are built in `schema`: its file is `main` to its builder's
 * connection, LOCAL_SCHEMA to this thread's.
 */
export const localIndexes = (schema: string) => `
CREATE INDEX ${schema}.local_idl ON local (idl, id, seq, email, name, verified, role);
CREATE INDEX ${schema}.local_email ON local (email);
`;
export const REMOTE_INDEXES = `
CREATE INDEX remote_idl ON remote (idl, seq, id, email, name, verified, role, banned);
DELETE FROM remote WHERE seq IN (SELECT seq FROM (SELECT seq, lead(seq) OVER (PARTITION BY idl ORDER BY seq) AS later FROM remote) WHERE later IS NOT NULL);
CREATE INDEX remote_email ON remote (email, seq);
`;

/** Live Supabase users once each is kept once (after REMOTE_INDEXES). */
export const COUNT_REMOTE = 'SELECT count(*) AS remote FROM remote';

/**
 * Page cache of each scratch file (the two sides' files, the same total as one file had): the hot index pages;
 * the rest is re-read from the OS page cache, cheaply.
 */
export const CACHE_KIB = 8 * 1024;

/**
 * SQLite's sorter may use helper threads for the index builds: this thread waits for them, and the listing
 * that kept the other cores busy is over. With the cache split between them (below), the builds of a million
 * users a side took 3.0 s against 3.4 s (two cores); with the whole cache each, 2.3 s but 40 MB more RSS.
 */
const SORTER_THREADS = Math.min(4, availableParallelism());
/** Each sorter thread sorts in memory up to the cache size: the builder's cache is cut so the threads together stay where one thread was (RSS). */
export const SORTER = [`threads = ${SORTER_THREADS}`, `cache_size = -${Math.floor((2 * CACHE_KIB) / (SORTER_THREADS + 1))}`];

/**
 * Every connection to a scratch file (this thread's and the index builders'): no syncs, a bounded cache. The
 * rollback journal stays: better-sqlite3's defensive mode refuses `journal_mode = OFF` (it answers `delete`),
 * and turning that mode off for it would buy 2-3 % of the appends' time (a million rows in 1,000 commits).
 */
export const PRAGMAS = ['synchronous = OFF', `cache_size = -${CACHE_KIB}`];

/**
 * Below this many rows (both sides) the indexes are built on this thread: about 2.6 µs a row, so 26 ms at
 * most, less than starting a worker thread (about 50 ms, most of it loading the driver). Each side's build
 * is decided on its own, from half of this.
 */
export const OFF_THREAD_FROM = 10_000;

export const LOCAL_COLUMNS = ['seq', 'idl', 'id', 'email', 'name', 'verified', 'role'] as const;
export const REMOTE_COLUMNS = ['seq', 'idl', 'id', 'email', 'name', 'verified', 'role', 'banned'] as const;
