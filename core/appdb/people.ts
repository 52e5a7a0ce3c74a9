import type { Person } from '../api/users';
import { SQLITE_UNICODE_LOWER, type AppDbAdapter, type Row, type SqlValue } from './adapter';
import { unusualEmail } from './find-user';
import { quoteIdent, quoteTable } from './identifiers';
import type { ResolvedMapping } from './mapping';

/**
 * The people of the product's users table, read for display: runs, findings
 * and schedules name a user by id or by email, the console shows email and
 * name. Read-only; ids are compared as text (integer or uuid ids are asked
 * without a type error), emails case-insensitively (DESIGN §4.8).
 */

function selectPeople(mapping: ResolvedMapping): string {
  const c = mapping.users.columns;
  return `SELECT ${quoteIdent(c.id)} AS id, ${quoteIdent(c.email)} AS email, ${quoteIdent(c.name)} AS name FROM ${quoteTable(mapping.users.table)}`;
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const person = (row: Row): Person => ({ id: String(row.id), email: text(row.email), name: text(row.name) });

/**
 * Which user each key names: an id, else an email. A key that names no user,
 * or whose email several users share (spelt in other cases), is left out:
 * the console then shows the key as given. One query for the whole batch.
 */
export async function lookupPeople(db: AppDbAdapter, mapping: ResolvedMapping, keys: readonly string[]): Promise<{ key: string; user: Person }[]> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return [];
  const c = mapping.users.columns;
  const emails = [...new Set(unique.filter((k) => k.includes('@')).map((k) => k.trim().toLowerCase()))];
  const list = (values: readonly string[]) => values.map(() => '?').join(', ');
  // Emails lower() may not fold as JS does ("ÉLODIE@…" in SQLite, stray spaces) are read too and compared below, as findUser does.
  const emailWhere = emails.length ? ` OR lower(${quoteIdent(c.email)}) IN (${list(emails)}) OR ${unusualEmail(db, quoteIdent(c.email))}` : '';
  const rows = await db.query(`${selectPeople(mapping)} WHERE CAST(${quoteIdent(c.id)} AS TEXT) IN (${list(unique)})${emailWhere}`, [...unique, ...emails] as SqlValue[]);
  const people = rows.map(person);
  const found: { key: string; user: Person }[] = [];
  for (const key of unique) {
    const byId = people.find((p) => p.id === key);
    const byEmail = key.includes('@') ? people.filter((p) => p.email?.trim().toLowerCase() === key.trim().toLowerCase()) : [];
    const exact = byEmail.find((p) => p.email === key);
    const user = byId ?? (byEmail.length === 1 ? byEmail[0] : exact);
    if (user) found.push({ key, user });
  }
  return found;
}

/** `%`, `_` and the escape itself are matched literally in what the admin typed. */
const likePattern = (query: string) => `%${query.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * Users whose email, name or id contains the query (case-insensitive), by
 * email, at most `limit`: the schedule form's user picker. An empty query
 * lists the first users by email.
 */
export async function searchPeople(db: AppDbAdapter, mapping: ResolvedMapping, query: string, limit: number): Promise<Person[]> {
  const c = mapping.users.columns;
  // SQLite's own lower() folds ASCII only: "élodie" never found "Élodie" there.
  const lower = db.dialect === 'sqlite' ? SQLITE_UNICODE_LOWER : 'lower';
  const order = ` ORDER BY ${lower}(${quoteIdent(c.email)}), CAST(${quoteIdent(c.id)} AS TEXT) LIMIT ${Math.max(1, Math.floor(limit))}`;
  if (query === '') return (await db.query(`${selectPeople(mapping)}${order}`)).map(person);
  const like = likePattern(query);
  const match = [c.email, c.name].map((col) => `${lower}(${quoteIdent(col)}) LIKE ? ESCAPE '\\'`).concat(`${lower}(CAST(${quoteIdent(c.id)} AS TEXT)) LIKE ? ESCAPE '\\'`);
  return (await db.query(`${selectPeople(mapping)} WHERE ${match.join(' OR ')}${order}`, [like, like, like])).map(person);
}

/** The product database has no users table (a product that keeps only settings): there is nobody to look up. */
export class NoUsersTable extends Error {
  constructor(readonly table: string) {
    super(`The product database has no users table "${table}" (see the schema mapping of its connection).`);
    this.name = 'NoUsersTable';
  }
}

/**
 * Runs a read of the users table; when it fails because the table does not
 * exist, throws NoUsersTable instead (asked only after a failure, so the
 * usual read costs one query).
 */
export async function readUsersTable<T>(db: AppDbAdapter, mapping: ResolvedMapping, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const table = mapping.users.table;
    const exists = await db.describeTables([table]).then((found) => found.has(table), () => true);
    throw exists ? error : new NoUsersTable(table);
  }
}
