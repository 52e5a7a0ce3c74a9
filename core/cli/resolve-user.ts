import type { Syncwarden } from '../app/app';
import { findUser, type ProductUser } from '../appdb/find-user';
import { ProductDbUnavailable } from '../appdb/product-db';
import type { EngineCliUser } from '../engines/engine-policies';
import { EXIT } from './exit-codes';
import { CliError } from './unwrap';

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

const isEmail = (value: string) => value.includes('@');

const usage = (message: string) => new CliError({ code: 'invalid-input', message }, EXIT.usage);
