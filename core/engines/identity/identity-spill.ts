import Database from 'better-sqlite3';
import { rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { IdentityRecord } from './identity-model';
import type { ChunkSpool, EncodedRow } from './identity-snapshot';
import { makeScratchDir, scratchError } from './identity-scratch';

/**
 * Both sides of a check spilled into a private, temporary SQLite file, so a
 * million users per side are classified in bounded memory (issue 19): the
 * Admin API lists users newest first, not by any key we could merge on, so
 * each page is written here as it arrives and the classifier reads the sides
 * back by index, a window at a time. Every statement touches one page or one
 * window, so none holds the event loop for long.
 *
 * Keys are JavaScript-normalised before they are stored (`idl` = lower-cased
 * id, emails as normaliseEmail gives them), and SQLite compares TEXT byte for
 * byte: equal here means equal as the in-memory classifier compared them,
 * whatever the Unicode case rules of the product database.
 *
 * The file is scratch: no journal, no fsync, deleted on close, private to
 * this user, and removed by the next check if this process dies first
 * (identity-scratch.ts).
 */
const SCHEMA = `
CREATE TABLE local (seq INTEGER PRIMARY KEY, idl TEXT NOT NULL, id TEXT NOT NULL, email TEXT, name TEXT, verified INTEGER NOT NULL, role TEXT NOT NULL);
CREATE INDEX local_email ON local (email);
CREATE TABLE remote (seq INTEGER PRIMARY KEY, idl TEXT NOT NULL UNIQUE, id TEXT NOT NULL, email TEXT, name TEXT, verified INTEGER NOT NULL, role TEXT NOT NULL, banned INTEGER NOT NULL);
CREATE INDEX remote_email ON remote (email, seq);
CREATE TABLE deleted (idl TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE snapshot (seq INTEGER PRIMARY KEY, chunk INTEGER NOT NULL, rows TEXT NOT NULL);
CREATE INDEX snapshot_chunk ON snapshot (chunk, seq);
`;

/** Page cache of the scratch file: the hot index pages; the rest is re-read from the OS page cache, cheaply. */
const CACHE_KIB = 16 * 1024;

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

export class IdentitySpill {
  readonly db: Database.Database;
  private readonly dir: string;
  private localCount = 0;
  private remoteSeq = 0;
  private remoteCount = 0;
  private deletedCount = 0;
  private readonly replaceRemote: Database.Statement;
  private readonly insertLocal: Database.Statement;
  private readonly insertRemote: Database.Statement;
  private readonly insertDeleted: Database.Statement;

  constructor() {
    this.dir = makeScratchDir();
    try {
      const file = join(this.dir, 'sides.db');
      // Created here, owner-only: SQLite would create it 0644, readable by anyone who can enter the directory.
      writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
      this.db = new Database(file);
    } catch (error) {
      rmSync(this.dir, { recursive: true, force: true });
      throw scratchError(error);
    }
    try {
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma(`cache_size = -${CACHE_KIB}`);
      this.db.exec(SCHEMA);
    } catch (error) {
      this.db.close();
      rmSync(this.dir, { recursive: true, force: true });
      throw scratchError(error);
    }
    this.insertLocal = this.db.prepare('INSERT INTO local (seq, idl, id, email, name, verified, role) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const remoteColumns = '(seq, idl, id, email, name, verified, role, banned) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
    this.insertRemote = this.db.prepare(`INSERT OR IGNORE INTO remote ${remoteColumns}`);
    // A user listed twice (page mode shifts when users are created or deleted between pages) is kept once,
    // as its last listing: the in-memory classifier's id map kept the last copy too.
    this.replaceRemote = this.db.prepare(`INSERT OR REPLACE INTO remote ${remoteColumns}`);
    this.insertDeleted = this.db.prepare('INSERT OR IGNORE INTO deleted (idl) VALUES (?)');
  }

  /** Rows of the users table, in the order the table was read (that order is the classification's). */
  addLocal(records: readonly IdentityRecord[]): void {
    this.write(() => {
      for (const r of records) this.insertLocal.run(++this.localCount, r.id.toLowerCase(), r.id, r.email, r.name, r.emailVerified ? 1 : 0, r.role);
    });
  }

  /** Live Supabase users, in listing order. */
  addRemote(records: readonly IdentityRecord[]): void {
    this.write(() => {
      for (const r of records) {
        const values = [++this.remoteSeq, r.id.toLowerCase(), r.id, r.email, r.name, r.emailVerified ? 1 : 0, r.role, r.banned ? 1 : 0];
        if (this.insertRemote.run(values).changes === 1) this.remoteCount++;
        else this.replaceRemote.run(values);
      }
    });
  }

  /** Ids of soft-deleted Supabase users (their ids stay taken). */
  addDeleted(ids: readonly string[]): void {
    this.write(() => {
      for (const id of ids) this.deletedCount += this.insertDeleted.run(id.toLowerCase()).changes;
    });
  }

  /** One transaction of writes; a full or failing scratch disk is said plainly (the check then fails, nothing published). */
  private write(work: () => void): void {
    try {
      this.db.transaction(work)();
    } catch (error) {
      throw scratchError(error);
    }
  }

  /** Rows of the users table. */
  get localRows(): number {
    return this.localCount;
  }

  /** Distinct live Supabase users. */
  get remoteUsers(): number {
    return this.remoteCount;
  }

  /** Distinct soft-deleted Supabase users. */
  get deletedUsers(): number {
    return this.deletedCount;
  }

  /** Highest listing position used (positions of users listed twice are gaps). */
  get remoteSpan(): number {
    return this.remoteSeq;
  }

  /** The sync table's finished chunks, kept in the scratch file until the check publishes them. */
  spool(): ChunkSpool {
    const append = this.db.prepare('INSERT INTO snapshot (chunk, rows) VALUES (?, ?)');
    const take = this.db.prepare('SELECT rows FROM snapshot WHERE chunk = ? ORDER BY seq').pluck();
    return {
      append: (index, rows) => this.write(() => void append.run(index, JSON.stringify(rows))),
      take: (index) => (take.all(index) as string[]).flatMap((json) => JSON.parse(json) as EncodedRow[]),
    };
  }

  /**
   * Closes the file and removes its directory. The removal runs on libuv's
   * thread pool: unlinking the half-gigabyte file of a million-user check
   * took 200 ms (strace), the longest stall of the whole check when it ran
   * on the event loop.
   */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
