import { initCanonicalSchema } from '../core/appdb/ddl';
import { openSqliteAppDb } from '../core/appdb/sqlite.adapter';
import { startSupabaseEmulator } from '../tests/emulators/supabase/supabase.emulator';
import { benchLocalRow, benchRemoteUser, oneSidedCount } from './identity-fixture';

/**
 * The world of the identity benchmark, built in its own process: the Supabase
 * emulator with its users, and the product's SQLite users table. Neither the
 * emulator's 100,000 users nor the seeding count in the console's RSS or its
 * event-loop delay (on a real project they live on other servers).
 * Prints one JSON line when ready, then serves until killed.
 */
async function main(): Promise<void> {
  const [, , usersArg, driftArg, appDbPath] = process.argv;
  const users = Number(usersArg ?? 100_000);
  const drift = Number(driftArg ?? 0.05);
  const emulator = await startSupabaseEmulator({ serviceRoleKey: 'bench-service-key', anonKey: 'bench-anon-key', users: [] });
  const remoteOnly = oneSidedCount(users, drift);
  for (let i = 0; i < users + remoteOnly; i++) {
    const user = benchRemoteUser(i, drift, users);
    if (user) emulator.addUser(user);
  }
  const remoteUsers = emulator.listUsers().length; // also sorts once, before the first page is asked for

  const db = openSqliteAppDb({ path: appDbPath as string, create: true });
  await initCanonicalSchema(db);
  let localUsers = 0;
  for (let start = 0; start < users; start += 10_000) {
    const rows: NonNullable<ReturnType<typeof benchLocalRow>>[] = [];
    for (let i = start; i < Math.min(users, start + 10_000); i++) {
      const row = benchLocalRow(i, drift);
      if (row) rows.push(row);
    }
    localUsers += rows.length;
    await db.transaction((tx) => tx.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', rows));
  }
  await db.close();
  process.stdout.write(`${JSON.stringify({ url: emulator.url, remoteUsers, localUsers })}\n`);
}

void main();
