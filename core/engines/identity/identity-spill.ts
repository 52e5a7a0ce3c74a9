import Database from 'better-sqlite3';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { idKey, type IdentityRecord } from './identity-model';
import type { NewFinding } from '../../store/findings.repo';
import { Appender } from './identity-appender';
import { makeScratchDir, scratchError, scratchGone } from './identity-scratch';
import { runSqliteOffThread } from '../../store/sqlite-off-thread';
import { COUNT_REMOTE, LOCAL_COLUMNS, LOCAL_SCHEMA, LOCAL_TABLE, OFF_THREAD_FROM, PRAGMAS, REMOTE_COLUMNS, REMOTE_INDEXES, SCHEMA, SORTER, localIndexes } from './identity-spill-schema';

/** The reason one side's index build is ended when the other's failed: that other failure is the one told. */
const SIBLING_FAILED = new Error("the other side's index build failed");

/**
 * Held findings handed on per window, one window a turn of the event loop: half the findings sink's batch
 * (250), so a turn commits at most one batch. At 500 a turn committed two, 60-130 ms while the kernel wrote the
 * scratch file back (issue 19).
 */
const HELD_WINDOW = 125;

interface HeldRow {
  subject: string;
  seq: number;
  finding: string;
}

interface Statements {
  /** Prepared on first use: a check of one user or a validation holds none. */
  insertHeld?: Database.Statement;
  appendLocal: Appender;
  appendRemote: Appender;
  dropRemote: Database.Statement;
  insertDeleted: Database.Statement;
}

/** One stored user as the classifier reads it back (columns prefixed l/r in joins). */
export interface SpilledRecord {
  seq: number;
  id: string;
  email: string | null;
  name: string | null;
  verified: number;
  role: string;
  banned?: number;
}

export function toRecord(row: SpilledRecord): IdentityRecord {
  return { id: row.id, email: row.email, name: row.name, emailVerified: row.verified === 1, role: row.role, ...(row.banned === 1 ? { banned: true } : {}) };
}

/**
 * Both sides of a check spilled into private, temporary SQLite files (one a
 * side, attached to one connection), so a million users per side are
 * classified in bounded memory (issue 19): the Admin API lists users newest
 * first, not by any key we could merge on, so each page is appended here as
 * it arrives, each side's indexes are built once it is read (on worker
 * threads: endLocal, finishReading), and the classifier
 * reads the sides back by index, a window at a time. Every statement on this
 * thread touches one page or one window, so none holds the event loop long.
 *
 * Keys are JavaScript-normalised before they are stored (`idl` = idKey of the
 * id, emails as normaliseEmail gives them), and SQLite compares TEXT byte for
 * byte: equal here means equal as the in-memory classifier compared them,
 * whatever the Unicode case rules of the product database.
 *
 * The files are scratch: no fsync, deleted on close, private to
 * this user, and removed by the next check if this process dies first
 * (identity-scratch.ts).
 */
export class IdentitySpill {
  private conn: Database.Database;
  private readonly dir: string;
  private readonly file: string;
  /** The users table's side (LOCAL_SCHEMA): detached from `conn` while a worker builds its indexes. */
  private readonly localFile: string;
  private localCount = 0;
  private remoteSeq = 0;
  private remoteCount = 0;
  private deletedCount = 0;
  /** Set by finishReading: the indexes exist and the remote side holds each user once. */
  private indexed = false;
  private finishing: Promise<void> | undefined;
  /** Set by endLocal: the users table's side is read in full and its indexes are being built (or are built). */
  private localBuild: Promise<void> | undefined;
  /** Whether LOCAL_SCHEMA is attached to `conn` (not while a worker builds its indexes). */
  private localAttached = false;
  /** Ends the index builders' workers: on close, on the caller's abort, and on either build's failure. */
  private readonly builds = new AbortController();
  private statements: Statements;

  /** `offThreadFrom` (OFF_THREAD_FROM): a side's indexes are built on a worker thread from half this many of its rows. */
  constructor(private readonly offThreadFrom = OFF_THREAD_FROM) {
    this.dir = makeScratchDir();
    this.file = join(this.dir, 'sides.db');
    this.localFile = join(this.dir, 'local.db');
    try {
      // Created here, owner-only: SQLite would create them 0644, readable by anyone who can enter the directory.
      writeFileSync(this.file, '', { mode: 0o600, flag: 'wx' });
      writeFileSync(this.localFile, '', { mode: 0o600, flag: 'wx' });
      this.conn = new Database(this.file);
    } catch (error) {
      rmSync(this.dir, { recursive: true, force: true });
      throw scratchError(error);
    }
    try {
      this.configure();
      this.conn.exec(SCHEMA);
      this.attachLocal();
      this.conn.exec(LOCAL_TABLE);
    } catch (error) {
      this.conn.close();
      rmSync(this.dir, { recursive: true, force: true });
      throw scratchError(error);
    }
    this.statements = this.prepare();
  }

  /** The scratch connection (its reads need finishReading first: see requireIndexes). */
  get db(): Database.Database {
    return this.conn;
  }

  private configure(): void {
    for (const pragma of PRAGMAS) this.conn.pragma(pragma);
    this.conn.pragma('locking_mode = EXCLUSIVE');
  }

  /** Pragmas are per attached file: the local side's get the same as the main file's. */
  private attachLocal(): void {
    this.conn.prepare(`ATTACH DATABASE ? AS ${LOCAL_SCHEMA}`).run(this.localFile);
    for (const pragma of PRAGMAS) this.conn.pragma(`${LOCAL_SCHEMA}.${pragma}`);
    this.localAttached = true;
  }

  private prepare(): Statements {
    return {
      appendLocal: new Appender(this.conn, 'local', LOCAL_COLUMNS),
      appendRemote: new Appender(this.conn, 'remote', REMOTE_COLUMNS),
      // Once indexed, a user listed again replaces its earlier copy (the listing's last word), as finishReading kept it.
      dropRemote: this.conn.prepare('DELETE FROM remote WHERE idl = ?'),
      insertDeleted: this.conn.prepare('INSERT OR IGNORE INTO deleted (idl) VALUES (?)'),
    };
  }

  /** Rows of the users table, in the order the table was read (position = seq, from 1). */
  addLocal(records: readonly IdentityRecord[]): void {
    // Between endLocal and finishReading the side's file belongs to its index builder.
    if (!this.localAttached) throw new Error('The users table side of the identity scratch file takes rows again only after finishReading().');
    const values: unknown[] = [];
    let seq = this.localCount;
    for (const r of records) values.push(++seq, idKey(r.id), r.id, r.email, r.name, r.emailVerified ? 1 : 0, r.role);
    this.write(() => this.statements.appendLocal.append(values));
    this.localCount = seq;
  }

  /** Live Supabase users, in listing order. Before finishReading they are appended as listed (duplicates included). */
  addRemote(records: readonly IdentityRecord[]): void {
    const values: unknown[] = [];
    let seq = this.remoteSeq;
    for (const r of records) values.push(++seq, idKey(r.id), r.id, r.email, r.name, r.emailVerified ? 1 : 0, r.role, r.banned ? 1 : 0);
    const { appendRemote, dropRemote } = this.statements;
    this.write(() => {
      if (!this.indexed) return appendRemote.append(values);
      // Row by row, each replacing an earlier copy of its user (one listed twice in these records too); only a
      // user not listed before adds one.
      for (let at = 0; at < values.length; at += REMOTE_COLUMNS.length) {
        if (dropRemote.run(values[at + 1]).changes === 0) this.remoteCount++;
        appendRemote.append(values.slice(at, at + REMOTE_COLUMNS.length));
      }
    });
    this.remoteSeq = seq;
  }

  /**
   * Ends the reading of the users table: its indexes are built from now on (on a worker thread with its own
   * connection from OFF_THREAD_FROM / 2 rows), while the listing goes on. Rows added later (re-read rows) wait
   * for finishReading. Called by finishReading when the caller did not.
   */
  endLocal(): void {
    if (this.localBuild) return;
    if (this.localCount < this.offThreadFrom / 2) {
      try {
        this.conn.exec(localIndexes(LOCAL_SCHEMA));
      } catch (error) {
        throw scratchError(error);
      }
      this.localBuild = Promise.resolve();
      return;
    }
    try {
      this.conn.exec(`DETACH DATABASE ${LOCAL_SCHEMA}`);
    } catch (error) {
      throw scratchError(error);
    }
    this.localAttached = false;
    this.localBuild = runSqliteOffThread(this.localFile, { pragmas: [...PRAGMAS, ...SORTER], exec: localIndexes('main') }, this.builds.signal).then(() => undefined);
    // Its failure is told by finishReading, which awaits it (a check that fails before never asks); the remote
    // side's build, if any, is ended meanwhile.
    this.localBuild.catch(() => this.builds.abort(SIBLING_FAILED));
  }

  /**
   * Ends the reading of both sides: builds the remote side's indexes and
   * keeps each listed user once (REMOTE_INDEXES), on a worker thread with its
   * own connection, so the event loop stays free for the seconds it takes at
   * a million users, and waits for the local side's (endLocal). Later
   * additions (look-ups after a shifted listing, re-read rows) go in indexed.
   */
  finishReading(signal?: AbortSignal): Promise<void> {
    // Once: a second caller waits for the same build (two builds would race on the file).
    this.finishing ??= this.buildIndexes(signal);
    return this.finishing;
  }

  private async buildIndexes(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.endLocal();
    const onAbort = () => this.builds.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.remoteSeq < this.offThreadFrom / 2) {
        this.conn.exec(REMOTE_INDEXES);
        this.remoteCount = (this.conn.prepare(COUNT_REMOTE).get() as { remote: number }).remote;
        await this.localBuild;
        if (!this.localAttached) {
          this.attachLocal();
          this.statements = this.prepare();
        }
      } else {
        this.conn.close();
        // On a failure (or an abort, which ends the workers mid-script) the connection stays closed: the check
        // fails and close() removes the files.
        const remote = runSqliteOffThread(this.file, { pragmas: [...PRAGMAS, ...SORTER], exec: REMOTE_INDEXES, get: COUNT_REMOTE }, this.builds.signal);
        remote.catch(() => this.builds.abort(SIBLING_FAILED));
        // Both workers have ended (each promise settles on its thread's exit) before either failure is told.
        const [remoteBuilt, localBuilt] = await Promise.allSettled([remote, this.localBuild]);
        for (const built of [remoteBuilt, localBuilt]) if (built.status === 'rejected' && built.reason !== SIBLING_FAILED) throw built.reason;
        const row = remoteBuilt.status === 'fulfilled' ? remoteBuilt.value : undefined;
        this.conn = new Database(this.file, { fileMustExist: true });
        this.configure();
        this.attachLocal();
        this.statements = this.prepare();
        this.remoteCount = Number(row?.remote ?? 0);
      }
    } catch (error) {
      // A worker opens its file by name: a cleaner that emptied the temporary directory meanwhile took it.
      if (!existsSync(this.file) || !existsSync(this.localFile)) throw scratchGone(this.dir, error);
      throw scratchError(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    this.indexed = true;
  }

  /** The classifier's and the gap look-ups' reads go through the indexes: a read before finishReading is a bug, said at once. */
  requireIndexes(): void {
    if (!this.indexed) throw new Error('The identity scratch file is read back only after finishReading().');
  }

  /** Ids of soft-deleted Supabase users (their ids stay taken). */
  addDeleted(ids: readonly string[]): void {
    const { insertDeleted } = this.statements;
    this.write(() => {
      for (const id of ids) this.deletedCount += insertDeleted.run(idKey(id)).changes;
    });
  }

  /**
   * Findings of a full check, held here until its sync table is published:
   * their row indexes address that table, so a check that fails or is
   * cancelled before must leave the findings of the previous one as they were
   * (one open finding per subject: a new one replaces the old one in place).
   */
  holdFindings(findings: readonly NewFinding[]): void {
    if (findings.length === 0) return;
    const insert = (this.statements.insertHeld ??= this.conn.prepare('INSERT INTO held (subject, finding) VALUES (?, ?)'));
    this.write(() => {
      for (const finding of findings) insert.run(finding.subject, JSON.stringify(finding));
    });
  }

  /**
   * The held findings by subject (byte order, as the console store's SQLite index orders them), those of one
   * subject in the order they were held, a window at a time. In the order of the users table, each window's
   * upserts landed on pages all over the store's two subject indexes, and every commit wrote those pages to the
   * WAL again: 50,000 findings cost 1.6 s in 250-row commits, 0.5 s in subject order (issue 19). The findings
   * are appended as held and only a small (subject, seq) index takes random inserts: held by subject in the
   * table itself (400-byte rows, WITHOUT ROWID), the inserts of a million-user check's last seconds held the
   * loop 55-63 ms a window.
   */
  *heldFindings(window = HELD_WINDOW): Generator<NewFinding[]> {
    const page = this.conn.prepare('SELECT subject, seq, finding FROM held WHERE (subject, seq) > (?, ?) ORDER BY subject, seq LIMIT ?');
    // ('', 0) is before every held row: seq starts at 1, and no subject is less than ''.
    for (let after: Pick<HeldRow, 'subject' | 'seq'> = { subject: '', seq: 0 }; ; ) {
      const rows = page.all(after.subject, after.seq, window) as HeldRow[];
      if (rows.length === 0) return;
      yield rows.map((row) => JSON.parse(row.finding) as NewFinding);
      after = rows[rows.length - 1] as HeldRow;
    }
  }

  /** One transaction of writes; a full or failing scratch disk is said plainly (the check then fails, nothing published). */
  private write(work: () => void): void {
    try {
      this.conn.transaction(work)();
    } catch (error) {
      throw scratchError(error);
    }
  }

  /** Rows of the users table read so far (also the highest position: rows are never dropped). */
  get localRows(): number {
    return this.localCount;
  }

  /** Distinct live Supabase users: known once finishReading has kept each one once. */
  get remoteUsers(): number {
    this.requireIndexes();
    return this.remoteCount;
  }

  /** Distinct soft-deleted Supabase users. */
  get deletedUsers(): number {
    return this.deletedCount;
  }

  /** Highest listing position used: users listed so far, repeats included (positions of users listed twice become gaps). */
  get remoteSpan(): number {
    return this.remoteSeq;
  }

  /**
   * Closes the file and removes its directory. The removal runs on libuv's
   * thread pool: unlinking the half-gigabyte file of a million-user check
   * took 200 ms (strace), the longest stall of the whole check when it ran
   * on the event loop.
   */
  async close(): Promise<void> {
    // No worker may still hold a file when the directory is removed (Windows refuses to delete an open file).
    this.builds.abort();
    await Promise.allSettled([this.localBuild, this.finishing]);
    if (this.conn.open) this.conn.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
