import { initCanonicalSchema } from '../core/appdb/ddl';
import { openSqliteAppDb } from '../core/appdb/sqlite.adapter';
import { startDropboxEmulator } from '../tests/emulators/dropbox/dropbox.emulator';
import { startGoogleEmulator } from '../tests/emulators/google';
import { accessToken, BENCH_DROPBOX_APP, BENCH_GOOGLE_CLIENT, driveId, dropboxId, hasExpiredToken, isGone, staleToken, userId } from './storage-orphans-fixture';

/**
 * The storage-orphans benchmark's world, built in its own process: the Drive
 * and Dropbox emulators with every user's cloud files, and the product's
 * SQLite files table. The emulators' memory and the seeding never count in
 * the console's RSS or its event-loop delay. Most accounts hold a valid
 * access token (in the emulator and in the product DB); every 10th user's
 * rows hold an expired one, so the run makes (and the bench counts) the
 * token refreshes a real product would need.
 * Prints one JSON line when ready, then serves until killed.
 */
async function main(): Promise<void> {
  const [, , usersArg, perAccountArg, appDbPath] = process.argv;
  const users = Number(usersArg);
  const perAccount = Number(perAccountArg);
  const live = (id: (u: number, n: number) => string, u: number) => Array.from({ length: perAccount }, (_, n) => n).filter((n) => !isGone(n)).map((n) => id(u, n));
  const range = Array.from({ length: users }, (_, u) => u);
  const google = await startGoogleEmulator({
    clients: [BENCH_GOOGLE_CLIENT],
    accounts: range.map((u) => ({
      id: userId(u),
      email: `${userId(u)}@bench.example`,
      refreshTokens: [`1//bench-${u}`],
      accessTokens: [{ token: accessToken('google', u), expiresInSec: 24 * 3600 }],
      files: live(driveId, u).map((id) => ({ id, name: `${id}.pdf`, mimeType: 'application/pdf', parents: ['root'], size: 1000 })),
    })),
  });
  const dropbox = await startDropboxEmulator({
    app: BENCH_DROPBOX_APP,
    accounts: range.map((u) => ({
      accountId: `dbid:bench${u}`,
      email: `${userId(u)}@bench.example`,
      displayName: userId(u),
      refreshTokens: [`rt-bench-${u}`],
      accessTokens: [{ token: accessToken('dropbox', u), expiresInSeconds: 24 * 3600 }],
      entries: live(dropboxId, u).map((id) => ({ path: `/Apps/Product/${id.slice(3)}.bin`, id, size: 1000 })),
    })),
  });

  const db = openSqliteAppDb({ path: appDbPath as string, create: true });
  await initCanonicalSchema(db);
  const expiry = Date.now() + 24 * 3600 * 1000;
  const token = (provider: 'google' | 'dropbox', u: number) => (hasExpiredToken(u) ? staleToken(provider, u) : accessToken(provider, u));
  const expiresAt = (u: number) => (hasExpiredToken(u) ? Date.now() - 3600 * 1000 : expiry);
  await db.transaction(async (tx) => {
    await tx.executeMany('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', range.map((u) => [userId(u), `${userId(u)}@bench.example`, `User ${u}`]));
    await tx.executeMany(
      'INSERT INTO storage_accounts (id, user_id, provider, access_token, refresh_token, token_expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      range.flatMap((u) => [
        [`google-${u}`, userId(u), 'google', token('google', u), `1//bench-${u}`, expiresAt(u)],
        [`dropbox-${u}`, userId(u), 'dropbox', token('dropbox', u), `rt-bench-${u}`, expiresAt(u)],
      ]),
    );
  });
  let rows = 0;
  for (let u = 0; u < users; u += 50) {
    const batch: (string | number)[][] = [];
    for (let v = u; v < Math.min(users, u + 50); v++) {
      for (let n = 0; n < perAccount; n++) {
        batch.push([`f-${v}-g-${n}`, userId(v), 'google', driveId(v, n), `${driveId(v, n)}.pdf`, 1000]);
        batch.push([`f-${v}-d-${n}`, userId(v), 'dropbox', dropboxId(v, n), `${dropboxId(v, n).slice(3)}.bin`, 1000]);
      }
    }
    rows += batch.length;
    await db.transaction((tx) => tx.executeMany('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, ?)', batch));
  }
  await db.close();
  process.stdout.write(`${JSON.stringify({ googleUrl: google.url, googleRoot: google.rootUrl, googleToken: google.tokenUrl, dropboxUrl: dropbox.url, rows, liveFiles: live(driveId, 0).length })}\n`);
}

void main();
