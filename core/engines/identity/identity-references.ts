import { catalogOf, type AppDbAdapter, type SqlExecutor, type SqlValue } from '../../appdb/adapter';
import { ENTITY_NAMES } from '../../appdb/canonical-schema';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';
import { liveColumns, primaryKeyColumns, referencingColumns } from '../../appdb/table-columns';
import { yieldToEventLoop } from '../../base/cooperative';
import { LastingRefusal } from './identity-blocks';
import { idKey, UUID } from './identity-model';

/** Rows of one table a relink moved to the new id, by key as they are after it: what its revert moves back, no other row. */
export interface MovedRows {
  table: string;
  column: string;
  key: string;
  keys: (string | number)[];
  /**
   * What each of those rows held before the move, exactly as spelt (parallel to `keys`): a UUID held in another
   * letter case than the users row's (`auth.uid()` writes lower case) goes back as it was, not as the users row spells
   * it (s26j). Absent in entries written before it: their revert writes the users row's id.
   */
  was?: string[];
}

/** One column that holds a user by the users row's id. */
interface Target {
  table: string;
  column: string;
  key: string;
  /** ON UPDATE CASCADE: the database moves these rows with the users row itself (and back on a revert, all of them). */
  byDatabase: boolean;
}

/** Keys per `IN (...)`: well under both databases' bound-parameter limits. */
const BATCH = 500;

type Catalog = ReturnType<typeof catalogOf>;

/**
 * The product's rows that hold a user by the users row's id, moved with it when a relink changes that id
 * (issue 15, s26e: a relink left files, mail and storage accounts pointing at an id no row had). Which columns:
 * the user column (`userId`) of every table of the resolved mapping the database has, and every foreign key
 * that references the users table's id column. Each table needs a key (the mapping's, else a one-column
 * primary key) so exactly the rows moved are recorded and a revert moves only those back; a table without one,
 * or a foreign key that cannot let the users row and its rows change in one transaction, refuses the relink
 * with its name.
 */
export class UserReferences {
  constructor(
    private readonly db: AppDbAdapter,
    private readonly mapping: ResolvedMapping,
  ) {}

  /**
   * Moves the rows holding `fromId` to `toId`, inside `tx` and before the users row itself changes (the caller
   * changes it next, in the same transaction). `only`: a revert moves back just these rows (the after-image's).
   */
  async move(tx: SqlExecutor, fromId: string, toId: string, only?: readonly MovedRows[]): Promise<MovedRows[]> {
    const catalog = catalogOf(tx, this.db.dialect);
    const { targets, deferred } = await this.targets(catalog);
    // The rows point at an id the users table gets only at the end of this transaction: the checks wait for the commit.
    if (this.db.dialect === 'sqlite') await tx.execute('PRAGMA defer_foreign_keys = ON');
    else for (const name of deferred) await tx.execute(`SET CONSTRAINTS ${quoteIdent(name)} DEFERRED`);
    const moved: MovedRows[] = [];
    for (const target of targets) {
      const recorded = only?.find((m) => this.same(m.table, target.table) && this.same(m.column, target.column));
      if (only && !recorded && !target.byDatabase) continue;
      const held = await this.keysHolding(tx, target, fromId, recorded?.keys);
      if (held.length === 0) continue;
      const keys = held.map((h) => h.key);
      // Each row's new value: the new id, or on a revert what it held before the relink, as it was spelt.
      const before = recorded?.was ? new Map(recorded.keys.map((k, i) => [String(k), recorded.was?.[i]])) : undefined;
      const newValueOf = (key: string | number) => before?.get(String(key)) ?? toId;
      if (!target.byDatabase) {
        const byValue = new Map<string, (string | number)[]>();
        for (const key of keys) {
          const value = newValueOf(key);
          const group = byValue.get(value);
          if (group) group.push(key);
          else byValue.set(value, [key]);
        }
        const holding = holds(target.column, fromId);
        for (const [value, group] of byValue) {
          for (let at = 0; at < group.length; at += BATCH) {
            await yieldToEventLoop();
            const batch = group.slice(at, at + BATCH);
            await tx.execute(`UPDATE ${quoteTable(target.table)} SET ${quoteIdent(target.column)} = ? WHERE ${holding.sql} AND ${quoteIdent(target.key)} IN (${batch.map(() => '?').join(', ')})`, [value, holding.param, ...batch]);
          }
        }
      }
      // As the rows are keyed after the move: a table keyed by the user column itself is keyed by its new value.
      const after = this.same(target.key, target.column) ? keys.map(newValueOf) : keys;
      moved.push({ table: target.table, column: target.column, key: target.key, keys: after, was: held.map((h) => h.value) });
    }
    return moved;
  }

  /** How many rows hold this id, per table: what a relink's dialog and item log say follow the row. */
  async count(fromId: string): Promise<number> {
    const { targets } = await this.targets(catalogOf(this.db, this.db.dialect));
    let total = 0;
    for (const t of targets) {
      const holding = holds(t.column, fromId);
      total += Number((await this.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${quoteTable(t.table)} WHERE ${holding.sql}`, [holding.param]))[0]?.n ?? 0);
    }
    return total;
  }

  /** The rows (key, and the id as the row spells it) of `target` holding this id, among these keys when given. */
  private async keysHolding(tx: SqlExecutor, target: Target, id: string, among: readonly (string | number)[] | undefined): Promise<{ key: string | number; value: string }[]> {
    const holding = holds(target.column, id);
    const select = `SELECT ${quoteIdent(target.key)} AS k, CAST(${quoteIdent(target.column)} AS TEXT) AS v FROM ${quoteTable(target.table)} WHERE ${holding.sql}`;
    const read = (rows: { k: SqlValue; v: SqlValue }[]) => rows.map((r) => ({ key: plain(r.k), value: String(r.v) }));
    if (among === undefined) return read(await tx.query<{ k: SqlValue; v: SqlValue }>(select, [holding.param]));
    const found: { key: string | number; value: string }[] = [];
    for (let at = 0; at < among.length; at += BATCH) {
      const batch = among.slice(at, at + BATCH);
      found.push(...read(await tx.query<{ k: SqlValue; v: SqlValue }>(`${select} AND ${quoteIdent(target.key)} IN (${batch.map(() => '?').join(', ')})`, [holding.param, ...batch])));
    }
    return found;
  }

  /** Every column holding a user by id, and the PostgreSQL constraints to defer; refuses what cannot be moved safely. */
  private async targets(catalog: Catalog): Promise<{ targets: Target[]; deferred: string[] }> {
    const users = this.mapping.users;
    const targets: Target[] = [];
    const deferred: string[] = [];
    const refuse = (what: string): never => {
      throw new LastingRefusal('referenced-row', `relinking would leave rows of ${what} pointing at the old id; move them by hand, then relink`);
    };
    for (const fk of await referencingColumns(catalog, users.table)) {
      const referenced = fk.referenced.length ? fk.referenced : await primaryKeyColumns(catalog, users.table);
      if (!referenced.some((c) => this.same(c, users.columns.id))) continue;
      if (fk.columns.length !== 1) refuse(`${fk.table} (its foreign key ${fk.columns.join(', ')} holds the users id with other columns)`);
      const column = fk.columns[0] as string;
      const key = await this.keyOf(catalog, fk.table);
      if (key === null) return refuse(`${fk.table} (no key to record which rows moved: it needs a one-column primary key)`);
      const byDatabase = fk.onUpdate === 'cascade';
      if (!byDatabase && this.db.dialect === 'postgres') {
        if (!fk.deferrable) refuse(`${fk.table} (its foreign key ${fk.name} is ON UPDATE ${fk.onUpdate.toUpperCase()} and not DEFERRABLE, so the rows and the users row cannot change in one transaction)`);
        deferred.push(fk.name);
      }
      targets.push({ table: fk.table, column, key, byDatabase });
    }
    for (const entity of ENTITY_NAMES) {
      const resolved = this.mapping[entity];
      const column = (resolved.columns as Record<string, string | undefined>).userId;
      if (entity === 'users' || column === undefined) continue;
      if (targets.some((t) => this.same(t.table, resolved.table) && this.same(t.column, column))) continue;
      const live = await liveColumns(catalog, resolved.table);
      // A product without this table, or whose table holds no user column, has no rows of it to move.
      if (!live.some((c) => this.same(c.name, column))) continue;
      if (!live.some((c) => this.same(c.name, resolved.key))) refuse(`${resolved.table} (its key column ${resolved.key} is missing)`);
      targets.push({ table: resolved.table, column, key: resolved.key, byDatabase: false });
    }
    return { targets, deferred };
  }

  /** The mapping's key of a mapped table, else a one-column primary key, else none. */
  private async keyOf(catalog: Catalog, table: string): Promise<string | null> {
    const mapped = ENTITY_NAMES.map((e) => this.mapping[e]).find((e) => this.same(e.table, table));
    if (mapped) return mapped.key;
    const primary = await primaryKeyColumns(catalog, table);
    return primary.length === 1 ? (primary[0] as string) : null;
  }

  /** SQLite names are case-insensitive (ASCII); PostgreSQL's catalog gives them as stored. */
  private same(a: string, b: string): boolean {
    return this.db.dialect === 'sqlite' ? a.toLowerCase() === b.toLowerCase() : a === b;
  }
}

/** A key as JSON keeps it for the audit image (a bigint or other value as its text). */
function plain(value: SqlValue): string | number {
  return typeof value === 'number' || typeof value === 'string' ? value : String(value);
}

/**
 * Rows that hold this user id as the engine pairs ids (idKey): a UUID in any letter case (the product may keep the
 * users row's id upper-cased while its other rows hold `auth.uid()` as GoTrue writes it, s26h), any other id exactly.
 */
function holds(column: string, id: string): { sql: string; param: string } {
  return UUID.test(id) ? { sql: `lower(CAST(${quoteIdent(column)} AS TEXT)) = ?`, param: idKey(id) } : { sql: `${quoteIdent(column)} = ?`, param: id };
}
