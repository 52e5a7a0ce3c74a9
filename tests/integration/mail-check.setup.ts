import { expect } from 'vitest';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { MailCheckResult } from '../../core/engines/mail-import/mail-check-result';
import type { MailWorld } from './mail-import.setup';

/**
 * Helpers of the mail-import `check` tests: run a check (its result must parse
 * with the exported schema), take a byte-level picture of the product
 * database, and list the emulator routes a run touched.
 */
export async function runCheck(world: MailWorld, params: Record<string, unknown> = {}): Promise<{ run: Run; result: MailCheckResult }> {
  const run = await world.app.runs.waitFor((await world.app.runs.start('mail-import', { mode: 'check', ...params }, 'manual')).runId);
  if (!run) throw new Error('run vanished');
  if (run.state === 'failed') return { run, result: undefined as unknown as MailCheckResult };
  const { findings: _findings, ...result } = run.result ?? {};
  const parsed = MailCheckResult.strict().safeParse(result);
  expect(parsed.error?.issues, 'the check result parses with MailCheckResult').toBeUndefined();
  return { run, result: parsed.data as MailCheckResult };
}

/** Every row of every table of the product database, in rowid order: equal pictures mean nothing was written. */
export async function productDbPicture(db: AppDbAdapter): Promise<string> {
  const tables = await db.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
  const picture: Record<string, unknown[]> = {};
  for (const { name } of tables) picture[name] = await db.query(`SELECT * FROM "${name}" ORDER BY rowid`);
  return JSON.stringify(picture);
}

/** Routes a check may call: Gmail reads and the token endpoint (the emulator has no Gmail route that writes, and none may be added unseen). */
export const READ_ROUTES = new Set(['gmail.messages.list', 'gmail.messages.get', 'gmail.history.list', 'gmail.profile.get', 'oauth.token']);

export function routesCalled(world: MailWorld): string[] {
  return Object.entries(world.emulator.counts())
    .filter(([, n]) => n > 0)
    .map(([route]) => route)
    .sort();
}

/** The Gmail ids a user has in the product database. */
export async function importedIds(world: MailWorld, userId: string): Promise<Set<string>> {
  return new Set((await world.emails(userId)).map((e) => e.gmail_message_id));
}
