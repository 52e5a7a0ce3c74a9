import { catalogOf, type AppDbAdapter, type Row, type SqlExecutor, type SqlValue } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import { streamStored } from '../../appdb/keyset';
import type { ResolvedEntity } from '../../appdb/mapping';
import { captureSelect, imageMismatch, imageOf, insertFromImage, pinValueSession, type RowImage } from '../../appdb/row-image';
import { liveColumns, referencingKeys } from '../../appdb/table-columns';
import { yieldToEventLoop } from '../../base/cooperative';
import { LastingRefusal } from './identity-blocks';
import { DEFAULT_ROLE, idKey, normaliseBool, normaliseEmail, normaliseName, UUID, type IdentityField, type IdentityRecord } from './identity-model';

type UsersEntity = ResolvedEntity<'users'>;

/** Ids per `IN (...)`: well under SQLite's and PostgreSQL's bound-parameter limits. */
const GET_MANY_BATCH = 500;

/**
 * The users table through the connection's mapping: every name comes from
 * `mapping.users` and is quoted; values are always bound parameters.
 */
export class LocalUsers {
  private readonly table: string;
  private readonly c: UsersEntity['columns'];

  constructor(
    private readonly db: AppDbAdapter,
    private readonly entity: UsersEntity,
  ) {
    this.table = quoteTable(entity.table);
    this.c = entity.columns;
  }

  /** Streams the table in chunks (constant memory per chunk), in the order it is stored, not by id (streamStored). */
  async *stream(chunkSize = 2000): AsyncGenerator<IdentityRecord[]> {
    const columns = [this.c.id, this.c.email, this.c.name, this.c.emailVerified, this.c.role];
    for await (const rows of streamStored(this.db, { table: this.entity.table, key: this.entity.key, columns, chunkSize })) {
      yield rows.map((row) => this.toRecord(row));
    }
  }

  async get(id: string, executor: SqlExecutor = this.db): Promise<IdentityRecord | null> {
    const [row] = await executor.query(`SELECT ${this.selectList()} FROM ${this.table} WHERE ${quoteIdent(this.c.id)} = ?`, [id]);
    return row ? this.toRecord(row) : null;
  }

  /**
   * Every row whose id pairs with `id` as the check pairs ids (idKey: a UUID in any letter case), ordered by id.
   * Only a UUID pairs so (a Supabase id always is one); any other id is looked up exactly, as `get`. A UUID's
   * letters are ASCII hex, which SQL's lower() folds exactly as JavaScript does on SQLite and PostgreSQL (no other
   * character lower-cases into a-f), and the CAST reads a PostgreSQL uuid column as its text. Like findByEmail it
   * scans the table: it runs once per user a repair acts on, before a ban or a delete.
   */
  async findByIdKey(id: string, executor: SqlExecutor = this.db): Promise<IdentityRecord[]> {
    if (!UUID.test(id)) {
      const exact = await this.get(id, executor);
      return exact ? [exact] : [];
    }
    const column = quoteIdent(this.c.id);
    const rows = await executor.query(`SELECT ${this.selectList()} FROM ${this.table} WHERE lower(CAST(${column} AS TEXT)) = ? ORDER BY ${column}`, [idKey(id)]);
    return rows.map((row) => this.toRecord(row)).filter((record) => idKey(record.id) === idKey(id));
  }

  /**
   * The rows of these ids (exact ids, as `get`), a few hundred ids a query, one query a turn of the event loop:
   * the embedded SQLite adapter answers synchronously, and 10,000 ids in one go held the loop 90 ms (issue 19).
   */
  async getMany(ids: readonly string[], executor: SqlExecutor = this.db): Promise<IdentityRecord[]> {
    const found: IdentityRecord[] = [];
    for (let at = 0; at < ids.length; at += GET_MANY_BATCH) {
      if (at > 0) await yieldToEventLoop();
      const batch = ids.slice(at, at + GET_MANY_BATCH);
      const rows = await executor.query(`SELECT ${this.selectList()} FROM ${this.table} WHERE ${quoteIdent(this.c.id)} IN (${batch.map(() => '?').join(', ')})`, batch);
      found.push(...rows.map((row) => this.toRecord(row)));
    }
    return found;
  }

  /**
   * Every row whose email equals `email` as the check compares them (normaliseEmail: trimmed,
   * lower-cased by JavaScript). SQL's lower() folds only ASCII in SQLite (and in PostgreSQL under
   * the C locale) and keeps spaces, so rows holding anything but printable ASCII are fetched too
   * and compared here: the re-read before a ban must find every row the check would pair.
   */
  async findByEmail(email: string, executor: SqlExecutor = this.db): Promise<IdentityRecord[]> {
    const wanted = normaliseEmail(email);
    if (wanted === null) return [];
    const column = quoteIdent(this.c.email);
    const unusual = this.db.dialect === 'sqlite' ? `${column} GLOB '*[^!-~]*'` : `${column} ~ '[^!-~]'`;
    const rows = await executor.query(`SELECT ${this.selectList()} FROM ${this.table} WHERE lower(${column}) = ? OR ${unusual}`, [wanted]);
    return rows.map((row) => this.toRecord(row)).filter((record) => record.email === wanted);
  }

  /**
   * Gives a row a new id (a re-signup relinked to the Supabase user's new id).
   * Refuses when the new id is already a row (in any letter case: the check would pair both with the user):
   * two rows never merge silently.
   */
  async relink(fromId: string, toId: string, executor: SqlExecutor): Promise<void> {
    await this.refuseTakenId(toId, executor);
    await executor.execute(`UPDATE ${this.table} SET ${quoteIdent(this.c.id)} = ? WHERE ${quoteIdent(this.c.id)} = ?`, [toId, fromId]);
  }

  /** Refuses a relink to an id that is already a row (in any letter case): checked before any product row moves. */
  async refuseTakenId(toId: string, executor: SqlExecutor): Promise<void> {
    if ((await this.findByIdKey(toId, executor)).length) throw new Error(`the users table already has a row with id ${toId}; merge the two rows by hand`);
  }

  /** Inserts a user, or does nothing when the id is already there (a second repair). */
  async insert(user: IdentityRecord, executor: SqlExecutor): Promise<void> {
    const columns = [this.c.id, this.c.email, this.c.name, this.c.emailVerified, this.c.role].map(quoteIdent).join(', ');
    await executor.execute(
      `INSERT INTO ${this.table} (${columns}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (${quoteIdent(this.c.id)}) DO NOTHING`,
      [user.id, user.email, user.name, this.bool(user.emailVerified), user.role],
    );
  }

  /** Sets the given fields of one row (never its id: product rows are referenced by it). */
  async update(id: string, values: Partial<Record<Exclude<IdentityField, 'id'>, SqlValue>>, executor: SqlExecutor): Promise<void> {
    const entries = Object.entries(values).filter(([, value]) => value !== undefined) as [Exclude<IdentityField, 'id'>, SqlValue][];
    if (entries.length === 0) return;
    const sets = entries.map(([field]) => `${quoteIdent(this.c[field])} = ?`).join(', ');
    const params = entries.map(([field, value]) => (field === 'emailVerified' ? this.bool(value === true) : value));
    await executor.execute(`UPDATE ${this.table} SET ${sets} WHERE ${quoteIdent(this.c.id)} = ?`, [...params, id]);
  }

  async delete(id: string, executor: SqlExecutor): Promise<void> {
    await executor.execute(`DELETE FROM ${this.table} WHERE ${quoteIdent(this.c.id)} = ?`, [id]);
  }

  /**
   * Deletes one row and returns it whole: every column of the live table, not only the five
   * the engine compares (DESIGN §4.3), so a revert puts it back as it was. Refused when another
   * table's foreign key would cascade (or set null/default): those product rows would change with
   * it and no revert of the users row could bring them back.
   */
  async deleteWhole(id: string): Promise<RowImage | null> {
    const table = this.entity.table;
    const touching = (await referencingKeys(this.db, table)).filter((k) => k.onDelete !== 'restrict' && k.onDelete !== 'no action');
    if (touching.length) {
      const where = touching.map((k) => `${k.table} (on delete ${k.onDelete})`).join(', ');
      throw new LastingRefusal('referenced-row', `deleting the users row would also change rows of ${where}; move or remove them by hand first`);
    }
    return this.db.transaction(async (tx) => {
      // The columns as this transaction meets them: one the product added a moment ago is kept in the image too.
      const columns = await liveColumns(catalogOf(tx, this.db.dialect), table);
      await pinValueSession(tx, this.db.dialect);
      const [row] = await tx.query(`SELECT ${captureSelect(this.db.dialect, columns)} FROM ${this.table} WHERE ${quoteIdent(this.c.id)} = ?`, [id]);
      await this.delete(id, tx);
      return row ? imageOf(this.db.dialect, columns, row) : null;
    });
  }

  /** Puts back a row taken by deleteWhole, every column as it was; says why when the table changed so it cannot. */
  async insertWhole(image: RowImage): Promise<void> {
    const columns = await liveColumns(this.db, this.entity.table);
    const mismatch = imageMismatch(image, columns, this.db.dialect, this.entity.table);
    if (mismatch) throw new Error(`The users row cannot be put back: ${mismatch}.`);
    const { sql, params } = insertFromImage(this.db.dialect, this.entity.table, image, columns);
    await this.db.transaction(async (tx) => {
      await pinValueSession(tx, this.db.dialect);
      await tx.execute(sql, params);
    });
  }

  private selectList(): string {
    return [this.c.id, this.c.email, this.c.name, this.c.emailVerified, this.c.role].map(quoteIdent).join(', ');
  }

  private bool(value: boolean): SqlValue {
    return this.db.dialect === 'sqlite' ? (value ? 1 : 0) : value;
  }

  private toRecord(row: Row): IdentityRecord {
    const role = row[this.c.role];
    return {
      id: String(row[this.c.id]),
      email: normaliseEmail(row[this.c.email]),
      name: normaliseName(row[this.c.name]),
      emailVerified: normaliseBool(row[this.c.emailVerified]),
      role: typeof role === 'string' && role !== '' ? role : DEFAULT_ROLE,
    };
  }
}
