import { EXIT } from './exit-codes';
import { CliError } from './unwrap';

export const STORE_ENV = 'SYNCWARDEN_STORE';

/**
 * The team store URL a team-only command (`worker`, `schedules tick|install-tick`) works on: its own
 * `--store`, else the global `--store` (commander hands a `--store` written after the command name to
 * the program's option), else $SYNCWARDEN_STORE. postgres:// only, with no password in it (PGPASSWORD
 * or the keychain gives it). `who` names the command in the messages ("a worker").
 */
export function teamStoreUrl(who: string, ...candidates: (string | undefined)[]): string {
  const url = (candidates.find((c) => c !== undefined && c.trim() !== '') ?? process.env[STORE_ENV] ?? '').trim();
  const usage = (message: string) => new CliError({ code: 'invalid-input', message }, EXIT.usage);
  if (!url) throw usage(`${who} needs the team store: --store postgres://user@host:5432/db or ${STORE_ENV}`);
  if (!/^postgres(ql)?:\/\//i.test(url)) throw usage(`${who} works on a PostgreSQL team store (postgres://…); a desktop store has no job queue`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usage('the store URL is not a valid postgres:// URL');
  }
  if (parsed.password) throw usage(`leave the password out of the store URL: ${who} takes it from the PGPASSWORD environment variable`);
  return url;
}
