import type { Syncwarden } from '../app/app';
import type { AppDbAdapter } from '../appdb/adapter';
import { quoteIdent, quoteTable } from '../appdb/identifiers';
import type { ResolvedMapping } from '../appdb/mapping';
import { ProductDbUnavailable } from '../appdb/product-db';
import type { EngineCliUser } from '../engines/engine-policies';
import { EXIT } from './exit-codes';
import { CliError } from './unwrap';

/** A row of the product database's users table, as `--user` found it. */
export interface ProductUser {
  id: string;
  email: string | null;
}

/**
 * `--user` means one thing for every engine: a user id, or an email in any
 * case (DESIGN §4.8), of the product database's users table. It is resolved
 * here, once, and handed to the engine in the form its params want (its cli
 * part says which). A value that names no user is a usage error naming it,
 * unless the engine also knows users the table does not (`foreignEmails`).
 * Without a single product database there is nothing to resolve against: the
 * value is handed over as given and the engine's run says what is missing.
 */
export async function resolveUser(app: Pick<Syncwarden, 'store' | 'connections'>, value: string, wanted: EngineCliUser): Promise<string> {
  let found: ProductUser | 'ambiguous' | 'id-and-email' | undefined;
  try {
    found = await app.connections.withAppDb(({ db, mapping }) => findUser(db, mapping, value));
  } catch (error) {
    if (error instanceof ProductDbUnavailable) return value;
    throw new CliError({ code: 'unavailable', message: `cannot look up --user "${value}" in the product database: ${error instanceof Error ? error.message : String(error)}` }, EXIT.error);
  }
  if (found === 'id-and-email') throw usage(`--user "${value}" is one user's id and another user's email: give the other user's id`);
  if (found === 'ambiguous') throw usage(`--user "${value}" is the email of several users (spelt in other cases): give the user id`);
  if (found && wanted.as === 'id') return found.id;
  if (found) {
    if (found.email === null) throw usage(`user "${value}" has no email in the product database`);
    return found.email;
  }
  if (wanted.foreignEmails && isEmail(value)) return value;
  throw usage(`no user "${value}" in the product database (--user takes a user id or an email of its users table)`);
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
  const wanted = value.trim().toLowerCase();
  // SQLite's lower() folds ASCII only: emails with any other character (or a space) are read too and compared here.
  const unusual = db.dialect === 'sqlite' ? `${email} GLOB '*[^!-~]*'` : `${email} ~ '[^!-~]'`;
  const rows = isEmail(value)
    ? await db.query<{ id: unknown; email: unknown }>(`${select} WHERE lower(${email}) = ? OR ${unusual}`, [wanted])
    : await db.query<{ id: unknown; email: unknown }>(`${select} WHERE CAST(${id} AS TEXT) = ?`, [value]);
  const found = rows
    .map((row) => ({ id: String(row.id), email: row.email === null || row.email === undefined ? null : String(row.email) }))
    .filter((user) => !isEmail(value) || user.email?.trim().toLowerCase() === wanted);
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

const usage = (message: string) => new CliError({ code: 'invalid-input', message }, EXIT.usage);
