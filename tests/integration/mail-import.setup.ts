import { join } from 'node:path';
import type { Run } from '../../core/api/models';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import type { MessageSeed } from '../emulators/google/fixture';
import { account, seedWith, TEST_CLIENT } from '../emulators/google/test-support';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * One mail-import world: the Google emulator (real googleapis Gmail client
 * and OAuth token endpoint), a product database with users, their mail
 * settings and Google storage accounts (refresh tokens only: the first call
 * of each user refreshes), and a console app with the appdb and Google
 * connections.
 */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface MailUserSpec {
  /** Emulator account id; the user id is `u-<id>`, the email `<id>@example.com`. */
  id: string;
  messages: MessageSeed[];
  enabled?: boolean;
  /** No storage-accounts row (never connected Google). */
  noAccount?: boolean;
}

export interface ProductDbTarget {
  open(dir: string): AppDbAdapter;
  connection(dir: string): { config: Record<string, unknown>; secrets: Record<string, string> };
}

export const sqliteTarget: ProductDbTarget = {
  open: (dir) => openSqliteAppDb({ path: join(dir, 'product.db'), create: true }),
  connection: (dir) => ({ config: { driver: 'sqlite', path: join(dir, 'product.db') }, secrets: {} }),
};

export interface MailWorld {
  app: TestApp;
  emulator: GoogleEmulator;
  db: AppDbAdapter;
  run(params?: Record<string, unknown>): Promise<Run>;
  emails(userId: string): Promise<{ gmail_message_id: string; subject: string | null; from_address: string | null; received_at: string | null; thread_id: string | null; snippet: string | null }[]>;
  settings(userId: string): Promise<{ history_id: string | null; last_import_at: unknown } | undefined>;
  needsReconnect(userId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A message received `hoursAgo` hours ago. */
export function mail(id: string, hoursAgo: number, extra: Partial<MessageSeed> = {}): MessageSeed {
  const at = Date.now() - hoursAgo * HOUR;
  return {
    id,
    internalDate: at,
    headers: { Subject: `Subject ${id}`, From: `Sender <sender-${id}@vendor.test>`, To: 'someone@example.com', Date: new Date(at).toUTCString() },
    snippet: `snippet of ${id}`,
    ...extra,
  };
}

export function inbox(prefix: string, count: number, startHoursAgo = 1): MessageSeed[] {
  return Array.from({ length: count }, (_, i) => mail(`${prefix}-${i}`, startHoursAgo + i));
}

export async function openMailWorld(users: MailUserSpec[], target: ProductDbTarget = sqliteTarget): Promise<MailWorld> {
  const dir = makeTempDir('syncwarden-mail-');
  const emulator = await startGoogleEmulator(seedWith(...users.map((u) => account(u.id, { mailbox: { historyId: 1000, messages: u.messages } }))));
  const db = target.open(dir.path);
  await initCanonicalSchema(db);
  for (const u of users) {
    await db.execute('INSERT INTO users (id, email) VALUES (?, ?)', [`u-${u.id}`, `${u.id}@example.com`]);
    await db.execute('INSERT INTO mail_settings (user_id, enabled, interval_minutes) VALUES (?, ?, 30)', [`u-${u.id}`, u.enabled ?? true]);
    if (!u.noAccount) await db.execute(`INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES (?, ?, 'google', ?)`, [`sa-${u.id}`, `u-${u.id}`, `1//refresh-${u.id}`]);
  }
  const app = await createTestApp();
  await app.connections.create({ kind: 'appdb', name: 'Product', ...target.connection(dir.path) } as Parameters<typeof app.connections.create>[0]);
  await app.connections.create({
    kind: 'google',
    name: 'Google',
    config: { clientId: TEST_CLIENT.clientId, rootUrl: emulator.rootUrl, tokenUrl: emulator.tokenUrl },
    secrets: { clientSecret: TEST_CLIENT.clientSecret },
  });
  return {
    app,
    emulator,
    db,
    async run(params = {}) {
      const run = await app.runs.waitFor((await app.runs.start('mail-import', { mode: 'import', ...params }, 'manual')).runId);
      if (!run) throw new Error('run vanished');
      return run;
    },
    emails: (userId) => db.query('SELECT gmail_message_id, subject, from_address, received_at, thread_id, snippet FROM emails WHERE user_id = ? ORDER BY gmail_message_id', [userId]),
    async settings(userId) {
      const [row] = await db.query<{ history_id: string | null; last_import_at: unknown }>('SELECT history_id, last_import_at FROM mail_settings WHERE user_id = ?', [userId]);
      return row;
    },
    async needsReconnect(userId) {
      const [row] = await db.query<{ flag: unknown }>(`SELECT needs_reconnect AS flag FROM storage_accounts WHERE user_id = ? AND provider = 'google'`, [userId]);
      return row?.flag === true || row?.flag === 1;
    },
    async close() {
      await app.dispose();
      await db.close();
      await emulator.close();
      dir.remove();
    },
  };
}
