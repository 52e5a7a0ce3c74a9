import { randomUUID } from 'node:crypto';
import type { AppDbAdapter, SqlExecutor, SqlValue } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import { foldEmail, unusualEmail } from '../../appdb/find-user';
import { streamKeyset } from '../../appdb/keyset';
import type { ResolvedMapping } from '../../appdb/mapping';
import { tableOf, type MediaAsset, type MediaKind } from './media-model';

export interface MediaRow {
  id: string;
  userId: string;
  publicId: string;
  secureUrl: string | null;
  durationSeconds: number | null;
  bytes: number | null;
}

/** Lookups stay under SQLite's and PostgreSQL's parameter limits and short enough to never stall the host. */
const LOOKUP_CHUNK = 500;

/**
 * The engine's only door to the product database: every table and column
 * name goes through the admin's mapping and is quoted; values are bound.
 */
export class MediaDb {
  private readonly userIds = new Map<string, { id: string; email: string } | null>();
  private readonly userEmails = new Map<string, string | null>();
  /** Emails that several users rows spell in other cases, none exactly so: no owner is guessed. */
  readonly ambiguous = new Set<string>();
  private unusual: Promise<{ id: unknown; email: unknown }[]> | undefined;

  constructor(
    readonly db: AppDbAdapter,
    private readonly mapping: ResolvedMapping,
  ) {}

  /**
   * Email → user id (null: no such user, or two users whose emails differ
   * only in case and neither is spelt exactly so), cached for the run.
   * Emails match as every engine compares them (foldEmail: trimmed, folded by
   * JavaScript, DESIGN §4.8): a folder keeps the case the product wrote, the
   * users row may hold another. The query is written `lower(email) IN (?, …)`
   * with folded values so the canonical `users_lower_email_idx` expression
   * index serves it. SQL's lower() folds only ASCII in SQLite (and under
   * PostgreSQL's C locale) and keeps spaces, so the rows whose email holds
   * anything else are read once per run (unusualEmail) and compared here too:
   * "Élodie@…" owns the folder "élodie@…" as identity pairs them (s26d).
   */
  async usersByEmail(emails: Iterable<string>): Promise<Map<string, string | null>> {
    const users = this.mapping.users;
    const email = quoteIdent(users.columns.email);
    const wanted = [...new Set(emails)].filter((e) => !this.userIds.has(e));
    const unusual = wanted.length ? await this.unusualEmailRows() : [];
    for (const chunk of chunks(wanted, LOOKUP_CHUNK)) {
      const rows = await this.db.query<{ id: unknown; email: unknown }>(
        `SELECT ${quoteIdent(users.columns.id)} AS id, ${email} AS email FROM ${quoteTable(users.table)} WHERE lower(${email}) IN (${chunk.map(() => '?').join(', ')})`,
        chunk.map(foldEmail),
      );
      const candidates = [...rows, ...unusual.filter((u) => !rows.some((r) => String(r.id) === String(u.id)))];
      for (const wantedEmail of chunk) {
        const picked = pickUser(wantedEmail, candidates);
        this.userIds.set(wantedEmail, picked === 'ambiguous' ? null : picked);
        if (picked === 'ambiguous') this.ambiguous.add(wantedEmail);
      }
    }
    return new Map([...new Set(emails)].map((e) => [e, this.userIds.get(e)?.id ?? null]));
  }

  /** Users rows whose email SQL's lower() may not fold as JavaScript does (non-ASCII, spaces): read once per run. */
  private unusualEmailRows(): Promise<{ id: unknown; email: unknown }[]> {
    const users = this.mapping.users;
    const email = quoteIdent(users.columns.email);
    this.unusual ??= this.db.query<{ id: unknown; email: unknown }>(`SELECT ${quoteIdent(users.columns.id)} AS id, ${email} AS email FROM ${quoteTable(users.table)} WHERE ${unusualEmail(this.db, email)}`);
    return this.unusual;
  }

  /** The user whose email matches `email` case-insensitively, with the email as the users row spells it. */
  async user(email: string): Promise<{ id: string; email: string } | null> {
    await this.usersByEmail([email]);
    return this.userIds.get(email) ?? null;
  }

  /** User id → email (null: no such user), cached for the run. */
  async emailsById(ids: Iterable<string>): Promise<Map<string, string | null>> {
    const users = this.mapping.users;
    const wanted = [...new Set(ids)].filter((id) => !this.userEmails.has(id));
    for (const chunk of chunks(wanted, LOOKUP_CHUNK)) {
      const rows = await this.db.query<{ id: unknown; email: unknown }>(
        `SELECT ${quoteIdent(users.columns.id)} AS id, ${quoteIdent(users.columns.email)} AS email FROM ${quoteTable(users.table)} WHERE ${quoteIdent(users.columns.id)} IN (${marks(chunk.length)})`,
        chunk,
      );
      const found = new Map(rows.map((r) => [String(r.id), String(r.email)]));
      for (const id of chunk) this.userEmails.set(id, found.get(id) ?? null);
    }
    return new Map([...new Set(ids)].map((id) => [id, this.userEmails.get(id) ?? null]));
  }

  /** The rows of one kind whose public id is among `publicIds`. */
  async rowsByPublicId(kind: MediaKind, publicIds: readonly string[]): Promise<Map<string, MediaRow>> {
    const entity = this.mapping[tableOf(kind)];
    const c = entity.columns;
    const found = new Map<string, MediaRow>();
    for (const chunk of chunks([...new Set(publicIds)], LOOKUP_CHUNK)) {
      const rows = await this.db.query(
        `SELECT ${quoteIdent(c.id)} AS id, ${quoteIdent(c.userId)} AS user_id, ${quoteIdent(c.publicId)} AS public_id, ${quoteIdent(c.secureUrl)} AS secure_url, ${quoteIdent(c.durationSeconds)} AS duration, ${quoteIdent(c.bytes)} AS bytes FROM ${quoteTable(entity.table)} WHERE ${quoteIdent(c.publicId)} IN (${marks(chunk.length)})`,
        chunk,
      );
      for (const r of rows) {
        found.set(String(r.public_id), {
          id: String(r.id),
          userId: String(r.user_id),
          publicId: String(r.public_id),
          secureUrl: r.secure_url == null ? null : String(r.secure_url),
          durationSeconds: r.duration == null ? null : Number(r.duration),
          bytes: r.bytes == null ? null : Number(r.bytes),
        });
      }
    }
    return found;
  }

  /** Every row of one kind (of one user), keyset-paged: constant memory at any table size. */
  async *streamRows(kind: MediaKind, userId?: string): AsyncGenerator<{ id: string; userId: string; publicId: string }[]> {
    const entity = this.mapping[tableOf(kind)];
    const c = entity.columns;
    const where = userId === undefined ? {} : { where: { sql: `${quoteIdent(c.userId)} = ?`, params: [userId] } };
    for await (const rows of streamKeyset(this.db, { table: entity.table, key: entity.key, columns: [c.userId, c.publicId], chunkSize: 2000, ...where })) {
      yield rows.map((r) => ({ id: String(r[entity.key]), userId: String(r[c.userId]), publicId: String(r[c.publicId]) }));
    }
  }

  /**
   * Inserts rows in one statement prepared once. `ON CONFLICT (public_id) DO
   * NOTHING` makes it idempotent: a second run, or a run after a crash,
   * inserts nothing it already inserted. Returns how many rows were new.
   */
  async insert(tx: SqlExecutor, kind: MediaKind, rows: readonly { asset: MediaAsset; userId: string; videoId?: string | null }[]): Promise<number> {
    if (rows.length === 0) return 0;
    const entity = this.mapping[tableOf(kind)];
    const c = entity.columns;
    const names = [c.id, c.userId, c.publicId, c.title, c.secureUrl, c.thumbnailUrl, c.durationSeconds, c.bytes, c.createdAt];
    if (kind === 'clip') names.push(this.mapping.clips.columns.videoId);
    const sql = `INSERT INTO ${quoteTable(entity.table)} (${names.map(quoteIdent).join(', ')}) VALUES (${marks(names.length)}) ON CONFLICT (${quoteIdent(c.publicId)}) DO NOTHING`;
    const values = rows.map(({ asset: a, userId, videoId }): SqlValue[] => {
      const row: SqlValue[] = [randomUUID(), userId, a.publicId, a.title, a.secureUrl, a.thumbnailUrl, a.durationSeconds, a.bytes, a.createdAt];
      if (kind === 'clip') row.push(videoId ?? null);
      return row;
    });
    return (await tx.executeMany(sql, values)).changes;
  }
}

/** The row for `email`: the only case-insensitive match, or else the exactly spelt one; null when none or ambiguous. */
function pickUser(email: string, rows: readonly { id: unknown; email: unknown }[]): { id: string; email: string } | 'ambiguous' | null {
  const folded = foldEmail(email);
  const matches = rows.filter((r) => r.email !== null && r.email !== undefined && foldEmail(String(r.email)) === folded);
  const row = matches.length === 1 ? matches[0] : matches.find((r) => String(r.email) === email);
  if (row) return { id: String(row.id), email: String(row.email) };
  return matches.length > 1 ? 'ambiguous' : null;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
