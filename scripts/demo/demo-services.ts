/**
 * The demo's outside world: the four service emulators seeded from a demo
 * world (resources/demo/world.json; `--world FILE`; `--large`, generated: see
 * docs/demo-worlds.md), a fresh embedded app database, and five connections in a
 * fresh console store pointing at them (every start empties the data dir: demo-workspace.ts). The demo must not touch the OS keychain: it
 * marks the data dir as the demo's, so the console and the CLI both keep its
 * made-up secrets in the demo's 0600 file store (demo-file.secret-store.ts).
 * Prints one JSON line when ready, then serves until stopped.
 *
 * usage: node --import tsx scripts/demo/demo-services.ts <data-dir> [--world FILE | --large]
 */
import { join, resolve } from 'node:path';
import { ConnectionsService } from '../../core/connections/connections.service';
import { defaultProbes } from '../../core/connections/probes';
import { createSilentLogger } from '../../core/logging/logger';
import { DemoFileSecretStore, markDemoDataDir } from '../../core/secrets/demo-file.secret-store';
import { SheetSourceSpecSchema } from '../../core/api/sheets';
import { SheetSourcesRepository } from '../../core/store/sheet-sources.repo';
import { openStore } from '../../core/store/store';
import { startCloudinaryEmulator } from '../../tests/emulators/cloudinary/cloudinary.emulator';
import { startDropboxEmulator } from '../../tests/emulators/dropbox/dropbox.emulator';
import { startGoogleEmulator } from '../../tests/emulators/google';
import { startSupabaseEmulator } from '../../tests/emulators/supabase/supabase.emulator';
import { buildDemoAppDb } from './demo-app-db';
import { demoConnections } from './demo-connections';
import { DemoWorkspaceError, freshDemoWorkspace } from './demo-workspace';
import { seedDemoSchedules } from './demo-schedules';
import { cloudinarySeed, DEMO_CREDENTIALS, DEMO_WORLD_FILE, dropboxSeed, googleSeed, loadDemoWorld, revokedRefreshTokens, supabaseSeed } from './demo-seeds';
import { largeWorld } from './large-world';
import { applyWorldFaults } from './world-faults';
import { loadWorldFile, sourceSpecInput, WorldFileError, type World } from './world-schema';

/** The world the arguments ask for: `--world FILE`, `--large`, or the default resources/demo/world.json. */
function chooseWorld(args: string[], root: string): { world: World; source: string } {
  const at = args.indexOf('--world');
  if (at >= 0) {
    const file = args[at + 1];
    if (!file || file.startsWith('--')) throw new WorldFileError('(none)', ['--world needs a file: --world path/to/world.json']);
    return { world: loadWorldFile(resolve(file)), source: file };
  }
  return args.includes('--large') ? { world: largeWorld(), source: '--large' } : { world: loadDemoWorld(root), source: DEMO_WORLD_FILE };
}

async function main(): Promise<void> {
  const [dirArg, ...args] = process.argv.slice(2);
  const dataDir = resolve(dirArg ?? join('.syncwarden', 'demo'));
  const root = resolve(__dirname, '..', '..');
  const startedAt = Date.now();
  const { world, source } = chooseWorld(args, root);
  // After the world is known to be valid: a bad world file must not cost the last demo's workspace.
  const workspace = freshDemoWorkspace(dataDir, root);
  const [google, dropbox, cloudinary, supabase] = await Promise.all([
    startGoogleEmulator(googleSeed(world)),
    startDropboxEmulator(dropboxSeed(world)),
    startCloudinaryEmulator(cloudinarySeed(world)),
    startSupabaseEmulator(supabaseSeed(world)),
  ]);
  // A revoked grant is the token book's state, not the seed's: the app DB still holds the refresh token.
  const revoked = revokedRefreshTokens(world);
  for (const token of revoked.google) google.revokeRefreshToken(token);
  for (const token of revoked.dropbox) dropbox.revokeRefreshToken(token);
  applyWorldFaults(world.faults, { google, dropbox, cloudinary, supabase }, source);
  const appDbPath = join(dataDir, 'product.db');
  await buildDemoAppDb(appDbPath, world, { cloudName: DEMO_CREDENTIALS.cloudinary.cloudName, deliveryBase: cloudinary.url });

  markDemoDataDir(dataDir);
  const secrets = new DemoFileSecretStore(dataDir);
  const store = await openStore(dataDir);
  const connections = new ConnectionsService({ store, secrets, probes: defaultProbes(), clock: { now: () => new Date() }, log: createSilentLogger() });
  const wanted = demoConnections({ appDbPath, google: google.url, googleAuthUrl: google.authUrl, googleRevokeUrl: google.revokeUrl, dropbox: dropbox.url, cloudinary: cloudinary.url, supabase: supabase.url });
  for (const connection of wanted) await connections.create(connection);
  // The world's sheet-import sources (the default world: Ada's "Pricing plans" sheet, whose Business and Enterprise rows are malformed).
  const sheetSources = new SheetSourcesRepository(store.db);
  const owners = new Map(world.users.map((user) => [user.email, user]));
  const sourceIds: number[] = [];
  for (const sheet of world.sheets) {
    if (!sheet.source) continue;
    const spec = SheetSourceSpecSchema.parse(sourceSpecInput(sheet, `google-${owners.get(sheet.owner)?.id ?? ''}`));
    sourceIds.push(await sheetSources.insert(spec, new Date().toISOString()));
  }
  // Schedules for the Schedules page. No invented run history: every run, result and finding
  // the console shows comes from an engine that really ran against this world, so no page can contradict the data.
  const [firstSourceId] = sourceIds;
  if (firstSourceId !== undefined) await seedDemoSchedules(store, { now: new Date(), sheetSourceId: firstSourceId });
  // "Already made and tested": each connection is tested against its emulator now, as the Test button would.
  for (const connection of await store.connections.list()) {
    const result = await connections.test(connection.id);
    if (!result.ok) process.stderr.write(`demo: connection "${connection.name}" did not test ok: ${result.message}\n`);
  }
  await store.close();

  const files = world.files.google.length + world.files.dropbox.length;
  process.stdout.write(`${JSON.stringify({ ready: true, env: {}, cleared: workspace.cleared, people: world.users.length, files, startMs: Date.now() - startedAt })}\n`);

  const stop = async () => {
    await Promise.all([google.close(), dropbox.close(), cloudinary.close(), supabase.close()]);
    workspace.release();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  // A bad world file is the user's input: its message (one line per JSON path) is the whole story.
  process.stderr.write(error instanceof WorldFileError || error instanceof DemoWorkspaceError ? `demo: ${error.message}\n` : `demo services failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
