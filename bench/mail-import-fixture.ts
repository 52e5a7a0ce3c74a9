import type { AppDbAdapter } from '../core/appdb/adapter';
import type { GoogleAccountSeed, MessageSeed } from '../tests/emulators/google/fixture';

/**
 * The mail-import benchmarks' world, one definition for both: N Gmail
 * accounts of M messages each (all inside the 30-day window), and the
 * product database's N users with enabled mail settings and Google storage
 * accounts holding refresh tokens only. User i is `u<i>` in the product and
 * `user<i>` in the emulator. Messages share their header objects and id
 * strings across mailboxes (ids are unique per mailbox, which is all the
 * import keys on), so the emulator holds a million messages in a few hundred MB.
 */
export function mailboxSeeds(users: number, perUser: number, now = Date.now()): GoogleAccountSeed[] {
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
  return Array.from({ length: users }, (_, i) => ({
    id: `user${i}`,
    email: `user${i}@example.com`,
    refreshTokens: [`1//refresh-user${i}`],
    mailbox: { historyId: 5000, messages: shared },
  }));
}

/** The product rows (canonical schema already created), in one transaction; SQLite and PostgreSQL alike. */
export async function seedMailProduct(db: AppDbAdapter, users: number): Promise<void> {
  const ids = Array.from({ length: users }, (_, i) => i);
  await db.transaction(async (tx) => {
    await tx.executeMany('INSERT INTO users (id, email) VALUES (?, ?)', ids.map((i) => [`u${i}`, `user${i}@example.com`]));
    await tx.executeMany('INSERT INTO mail_settings (user_id, enabled, interval_minutes) VALUES (?, TRUE, 30)', ids.map((i) => [`u${i}`]));
    await tx.executeMany(`INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES (?, ?, 'google', ?)`, ids.map((i) => [`sa${i}`, `u${i}`, `1//refresh-user${i}`]));
  });
}
