/**
 * The demo's outside world: the four service emulators seeded from
 * resources/demo, a fresh embedded app database, and five connections in the
 * console store pointing at them. The demo must not touch the OS keychain: it
 * marks the data dir as the demo's, so the console and the CLI both keep its
 * made-up secrets in the demo's 0600 file store (demo-file.secret-store.ts).
 * Prints one JSON line when ready, then serves until stopped.
 *
 * usage: node --import tsx scripts/demo/demo-services.ts <data-dir>
 */
import { mkdirSync } from 'node:fs';
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
import { seedDemoSchedules } from './demo-schedules';
import { cloudinarySeed, DEMO_CREDENTIALS, dropboxSeed, googleSeed, loadPeople, revokedDropboxTokens, supabaseSeed } from './demo-seeds';

async function main(): Promise<void> {
  const dataDir = resolve(process.argv[2] ?? join('.syncwarden', 'demo'));
  mkdirSync(dataDir, { recursive: true });
  const root = resolve(__dirname, '..', '..');
  const people = loadPeople(root);
  const [google, dropbox, cloudinary, supabase] = await Promise.all([
    startGoogleEmulator(googleSeed(people)),
    startDropboxEmulator(dropboxSeed(people)),
    startCloudinaryEmulator(cloudinarySeed(people)),
    startSupabaseEmulator(supabaseSeed(people)),
  ]);
  // A revoked grant is the token book's state, not the seed's: the app DB still holds the refresh token.
  for (const token of revokedDropboxTokens(people)) dropbox.revokeRefreshToken(token);
  const appDbPath = join(dataDir, 'product.db');
  await buildDemoAppDb(appDbPath, people, { cloudName: DEMO_CREDENTIALS.cloudinary.cloudName, deliveryBase: cloudinary.url });

  markDemoDataDir(dataDir);
  const secrets = new DemoFileSecretStore(dataDir);
  const store = openStore(dataDir);
  const connections = new ConnectionsService({ store, secrets, probes: defaultProbes(), clock: { now: () => new Date() }, log: createSilentLogger() });
  const wanted = demoConnections({ appDbPath, google: google.url, dropbox: dropbox.url, cloudinary: cloudinary.url, supabase: supabase.url });
  // The demo workspace is the demo's own: connections an older demo made (e.g. a second Google one) go.
  for (const stale of store.connections.list().filter((c) => !wanted.some((w) => w.name === c.name))) await connections.delete(stale.id);
  for (const connection of wanted) {
    const existing = store.connections.findByName(connection.name);
    if (existing) await connections.update({ id: existing.id, config: connection.config, secrets: connection.secrets });
    else await connections.create(connection);
  }
  // One sheet-import source: Ada's "Pricing plans" sheet, whose Business and Enterprise rows are malformed.
  const sheetSources = new SheetSourcesRepository(store.db);
  const pricing = SheetSourceSpecSchema.parse({
    name: 'Pricing plans',
    spreadsheetId: 'demo-pricing-sheet',
    sheet: 'Plans',
    connection: 'Google Workspace',
    storageAccountId: `google-${people[0]?.id ?? ''}`,
    targetTable: 'sheet_pricing_plans',
    columns: [
      { header: 'plan', column: 'plan', type: 'text', required: true },
      { header: 'price', column: 'price', type: 'number', required: true },
      { header: 'seats', column: 'seats', type: 'integer', required: true },
    ],
  });
  if (!sheetSources.list().some((source) => source.spec.name === pricing.name)) sheetSources.insert(pricing, new Date().toISOString());
  // Schedules for the Schedules page (first start only). No invented run history: every run, result and finding
  // the console shows comes from an engine that really ran against this world, so no page can contradict the data.
  const pricingId = sheetSources.list().find((source) => source.spec.name === pricing.name)?.id;
  if (pricingId !== undefined) seedDemoSchedules(store, { now: new Date(), sheetSourceId: pricingId });
  // "Already made and tested": each connection is tested against its emulator now, as the Test button would.
  for (const connection of store.connections.list()) {
    const result = await connections.test(connection.id);
    if (!result.ok) process.stderr.write(`demo: connection "${connection.name}" did not test ok: ${result.message}\n`);
  }
  store.close();

  process.stdout.write(`${JSON.stringify({ ready: true, env: {}, people: people.length })}\n`);

  const stop = async () => {
    await Promise.all([google.close(), dropbox.close(), cloudinary.close(), supabase.close()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`demo services failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
