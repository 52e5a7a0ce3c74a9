import type { AppDbAdapter } from './adapter';
import { quoteIdent, quoteTable } from './identifiers';
import type { ResolvedMapping } from './mapping';

/** A row of the product database's users table, as a user id or email found it. */
export interface ProductUser {
  id: string;
  email: string | null;
}

/**
 * The user this value names: by email when it has an @ (case-insensitively and
 * trimmed, as the identity engine compares them; the row spelt exactly so wins
 * over rows differing in case only), else by id.
 * The id column is compared as text, so a product whose ids are integers or
 * uuids is asked without a type error (one lookup: a scan is fine).
 */
export async function findUser(db: AppDbAdapter, mapping: ResolvedMapping, value: string): Promise<ProductUser | 'ambiguous' | 'id-and-email' | undefined> {
  const users = mapping.users;
  const id = quoteIdent(users.columns.id);
  const email = quoteIdent(users.columns.email);
  const select = `SELECT ${id} AS id, ${email} AS email FROM ${quoteTable(users.table)}`;
  const wanted = foldEmail(value);
  const unusual = unusualEmail(db, email);
  const rows = isEmail(value)
    ? await db.query<{ id: unknown; email: unknown }>(`${select} WHERE lower(${email}) = ? OR ${unusual}`, [wanted])
    : await db.query<{ id: unknown; email: unknown }>(`${select} WHERE CAST(${id} AS TEXT) = ?`, [value]);
  const found = rows
    .map((row) => ({ id: String(row.id), email: row.email === null || row.email === undefined ? null : String(row.email) }))
    .filter((user) => !isEmail(value) || (user.email !== null && foldEmail(user.email) === wanted));
  if (isEmail(value)) {
    // An id may look like an email: a value that is one user's id and another user's email names neither for sure.
    const byId = await db.query<{ id: unknown; email: unknown }>(`${select} WHERE CAST(${id} AS TEXT) = ?`, [value]);
    const other = byId.find((row) => !found.some((user) => user.id === String(row.id)));
    if (other) return found.length === 0 ? { id: String(other.id), email: other.email === null || other.email === undefined ? null : String(other.email) } : 'id-and-email';
  }
  if (found.length <= 1) return found[0];
  return found.find((user) => user.email === value) ?? 'ambiguous';
}

const isEmail = (value: string) => value.includes('@');

/** An email as every engine compares them (DESIGN §4.8): trimmed and lower-cased by JavaScript, so beyond ASCII. */
export function foldEmail(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * SQL that holds for emails lower() may not fold as JS does: SQLite's lower() folds ASCII only, so emails
 * with any other character (or a space) are read too and compared in JS. users.lookup uses it as well, so
 * a label finds whoever a schedule's save found.
 */
export function unusualEmail(db: Pick<AppDbAdapter, 'dialect'>, quotedColumn: string): string {
  return db.dialect === 'sqlite' ? `${quotedColumn} GLOB '*[^!-~]*'` : `${quotedColumn} ~ '[^!-~]'`;
}
