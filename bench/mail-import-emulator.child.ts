import { initCanonicalSchema } from '../core/appdb/ddl';
import { openSqliteAppDb } from '../core/appdb/sqlite.adapter';
import { startGoogleEmulator } from '../tests/emulators/google';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';
import { mailboxSeeds, seedMailProduct } from './mail-import-fixture';

/**
 * The world of the mail-import benchmarks, built in its own process: the
 * Google emulator with N mailboxes of M messages each (mail-import-fixture.ts)
 * and, when a path is given (not `-`), the product's SQLite database with the
 * N users. Neither the emulator's million messages nor the seeding count in
 * the console's RSS or event-loop delay. An optional fourth argument is the
 * emulator's network latency per call in ms (the workers benchmark's 30).
 * Prints one JSON line when ready, then serves until killed.
 */
async function main(): Promise<void> {
  const [, , usersArg, messagesArg, appDbPath, latencyArg] = process.argv;
  const users = Number(usersArg ?? 1000);
  const perUser = Number(messagesArg ?? 1000);
  const emulator = await startGoogleEmulator({ clients: [TEST_CLIENT], accounts: mailboxSeeds(users, perUser) }, { latencyMs: Number(latencyArg ?? 0) });

  if (appDbPath && appDbPath !== '-') {
    const db = openSqliteAppDb({ path: appDbPath, create: true });
    await initCanonicalSchema(db);
    await seedMailProduct(db, users);
    await db.close();
  }
  process.stdout.write(`${JSON.stringify({ url: emulator.url, rootUrl: emulator.rootUrl, tokenUrl: emulator.tokenUrl, emulatorRssMb: Math.round(process.memoryUsage.rss() / 2 ** 20) })}\n`);
}

void main();
