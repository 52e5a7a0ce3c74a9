import { initCanonicalSchema } from '../core/appdb/ddl';
import { openSqliteAppDb } from '../core/appdb/sqlite.adapter';
import { startGoogleEmulator } from '../tests/emulators/google';
import type { GoogleAccountSeed, MessageSeed } from '../tests/emulators/google/fixture';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';

/**
 * The world of the mail-import benchmark, built in its own process: the
 * Google emulator with N mailboxes of M messages each (all inside the 30-day
 * window), and the product's SQLite database with N users, their enabled
 * mail settings and Google storage accounts. Neither the emulator's million
 * messages nor the seeding count in the console's RSS or event-loop delay.
 * Messages share their header objects and id strings across mailboxes (ids
 * are unique per mailbox, which is all the import keys on), so the emulator
 * holds a million messages in a few hundred MB.
 * Prints one JSON line when ready, then serves until killed.
 */
async function main(): Promise<void> {
  const [, , usersArg, messagesArg, appDbPath] = process.argv;
  const users = Number(usersArg ?? 1000);
  const perUser = Number(messagesArg ?? 1000);
  const now = Date.now();
  const labels = ['INBOX'];
  // One message every 30 minutes backwards: 1,000 messages span about 21 days.
  const shared: MessageSeed[] = Array.from({ length: perUser }, (_, j) => {
    const at = now - (j + 1) * 30 * 60_000;
    return {
      id: `m${j.toString(16).padStart(8, '0')}`,
      labelIds: labels,
      internalDate: at,
      headers: { Subject: `Bench message ${j}`, From: `Sender ${j % 50} <sender${j % 50}@vendor.test>`, Date: new Date(at).toUTCString() },
      snippet: `snippet ${j}`,
    };
  });
  const accounts: GoogleAccountSeed[] = Array.from({ length: users }, (_, i) => ({
    id: `user${i}`,
    email: `user${i}@example.com`,
    refreshTokens: [`1//refresh-user${i}`],
    mailbox: { historyId: 5000, messages: shared },
  }));
  const emulator = await startGoogleEmulator({ clients: [TEST_CLIENT], accounts });

  const db = openSqliteAppDb({ path: appDbPath as string, create: true });
  await initCanonicalSchema(db);
  const ids = Array.from({ length: users }, (_, i) => i);
  await db.transaction(async (tx) => {
    await tx.executeMany('INSERT INTO users (id, email) VALUES (?, ?)', ids.map((i) => [`u${i}`, `user${i}@example.com`]));
    await tx.executeMany('INSERT INTO mail_settings (user_id, enabled, interval_minutes) VALUES (?, 1, 30)', ids.map((i) => [`u${i}`]));
    await tx.executeMany(`INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES (?, ?, 'google', ?)`, ids.map((i) => [`sa${i}`, `u${i}`, `1//refresh-user${i}`]));
  });
  await db.close();
  process.stdout.write(`${JSON.stringify({ url: emulator.url, rootUrl: emulator.rootUrl, tokenUrl: emulator.tokenUrl, emulatorRssMb: Math.round(process.memoryUsage.rss() / 2 ** 20) })}\n`);
}

void main();
