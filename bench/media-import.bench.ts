import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { initCanonicalSchema } from '../core/appdb/ddl';
import { openSqliteAppDb } from '../core/appdb/sqlite.adapter';
import { createSyncwarden } from '../core/app/app';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';
import { engineFigures, engineLines, measure, sizeFlag } from './harness';
import { yieldCpuToMeasured } from './emulator-child';
import { floorSearchAll, mediaImportFloor } from './media-import-floor';

/**
 * 50,000 Cloudinary assets over 500 users (50 videos and 50 clips each; `--size
 * N` assets to shrink), 10 % without a row, end to end: one check of all
 * users, then one repair of all, measured as one. Then, in the same process
 * against the same emulator and a copy of the same seeded rows, the bare
 * floor (media-import-floor.ts). The emulator runs in a child process so its
 * own CPU (it filters and sorts all assets per search call) is not charged
 * to the host's event loop.
 */
const PER_USER = 100;
const CLOUD = { cloudName: 'bench-cloud', apiKey: '123123123123123', apiSecret: 'bench-secret' };
const missing = (user: number, n: number) => (user * PER_USER + n) % 10 === 9;
const email = (user: number) => `user${String(user).padStart(3, '0')}@example.com`;
const publicId = (user: number, n: number) => `u${user}-${n < 50 ? 'v' : 'c'}${n}`;

export async function mediaImportBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const users = Math.max(1, Math.round(sizeFlag(args, 50_000) / PER_USER));
  const assets = users * PER_USER;
  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-media-bench-'));
  const emulator = await startEmulatorProcess(users);
  const dbPath = join(dataDir, 'product.db');
  await seedProductDb(dbPath, users);
  const floorDbPath = join(dataDir, 'floor.db');
  copyFileSync(dbPath, floorDbPath);
  const counts = async () => Object.values((await (await fetch(`${emulator.url}/__emulator/counts`)).json()) as Record<string, number>).reduce((n, v) => n + v, 0);

  const app = await createSyncwarden({ dataDir: join(dataDir, 'console'), host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
  await app.connections.create({ kind: 'cloudinary', name: 'Media', config: { cloudName: CLOUD.cloudName, apiKey: CLOUD.apiKey, rootFolder: 'media', apiBaseUrl: emulator.url }, secrets: { apiSecret: CLOUD.apiSecret } });

  // Warm the emulator (its JIT and heap) with one untimed listing: the product runs first, and
  // without this it alone paid for a cold emulator, which once made its searches look 2-3x slower.
  await floorSearchAll({ url: emulator.url, cloud: CLOUD }, { calls: 0 });
  await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' });
  let checkSeconds = 0;
  const product = await measure(async () => {
    const startedAt = performance.now();
    const check = await app.runs.waitFor((await app.runs.start('media-import', { budgetShare: 1 }, 'cli')).runId);
    checkSeconds = (performance.now() - startedAt) / 1000;
    const repair = await app.runs.waitFor((await app.runs.start('media-import', { mode: 'repair', all: true }, 'cli')).runId);
    return { check, repair };
  }, { peers: [emulator.child] });
  const { check, repair } = product.value;
  const apiCalls = await counts();
  await app.close();
  await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' });
  const floor = await measure(() => mediaImportFloor({ url: emulator.url, cloud: CLOUD, dbPath: floorDbPath }), { peers: [emulator.child] });
  emulator.child.kill();
  rmSync(dataDir, { recursive: true, force: true });

  const inserted = Number(repair?.result?.inserted ?? 0);
  const insertMs = Number(repair?.result?.insertMs ?? 0);
  const common = engineFigures(product, floor, { apiCalls, floorCalls: floor.value.calls }, inserted);
  const figures = {
    ...common,
    assets,
    inserted,
    floorInserted: floor.value.inserted,
    assetsPerSecond: Math.round(assets / Math.max(product.wallSeconds, 0.001)),
    insertTransactionRowsPerSecond: insertMs > 0 ? Math.round(inserted / (insertMs / 1000)) : 0,
  };
  const n = (value: number) => value.toLocaleString('en');
  const lines = [
    `media-import benchmark: ${n(assets)} assets over ${users} users, 10 % without a row; check run ${check?.state}, repair run ${repair?.state} (measured together, end to end)`,
    ...engineLines(common, product, floor, 'fetch paging of the same search + a bare better-sqlite3 diff and insert of the missing rows'),
    `  rows inserted                ${n(inserted)} (floor ${n(floor.value.inserted)}); rows/s above counts inserted rows over the whole check + repair`,
    `  assets per second            ${n(figures.assetsPerSecond)} listed and compared end to end; check ${checkSeconds.toFixed(2)} s, repair ${(product.wallSeconds - checkSeconds).toFixed(2)} s`,
    `  insert transactions alone    ${n(figures.insertTransactionRowsPerSecond)} rows/s (${insertMs.toFixed(1)} ms: a sub-phase, not the end-to-end figure)`,
    `  findings                     ${String(check?.result?.findings ?? 0)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (check?.state !== 'succeeded' || repair?.state !== 'succeeded' || inserted !== floor.value.inserted) process.exitCode = 1;
}

async function seedProductDb(path: string, users: number): Promise<void> {
  const db = openSqliteAppDb({ path, create: true });
  await initCanonicalSchema(db);
  await db.transaction(async (tx) => {
    await tx.executeMany('INSERT INTO users (id, email) VALUES (?, ?)', Array.from({ length: users }, (_, u) => [`user-${u}`, email(u)]));
    const rows = (kind: 'v' | 'c') =>
      Array.from({ length: users }, (_, u) => Array.from({ length: PER_USER }, (_, n) => ({ u, n })))
        .flat()
        .filter(({ u, n }) => !missing(u, n) && (n < 50) === (kind === 'v'))
        .map(({ u, n }) => [`row-${publicId(u, n)}`, `user-${u}`, publicId(u, n), 10 + (n % 50), 1_000_000 + n]);
    const columns = '(id, user_id, public_id, duration_seconds, bytes) VALUES (?, ?, ?, ?, ?)';
    await tx.executeMany(`INSERT INTO videos ${columns}`, rows('v'));
    await tx.executeMany(`INSERT INTO clips ${columns}`, rows('c'));
  });
  await db.close();
}

/** The emulator in a child process (tsx loads its TypeScript); it prints its URL when ready. */
async function startEmulatorProcess(users: number): Promise<{ url: string; child: ChildProcess }> {
  const emulatorModule = resolve(__dirname, '../tests/emulators/cloudinary/cloudinary.emulator.ts');
  const script = `
    const loaded = await import(${JSON.stringify(emulatorModule)});
    const { startCloudinaryEmulator } = loaded.default ?? loaded; // the repo compiles to CommonJS
    const assets = [];
    for (let u = 0; u < ${users}; u++) for (let n = 0; n < ${PER_USER}; n++) {
      const email = 'user' + String(u).padStart(3, '0') + '@example.com', id = 'u' + u + '-' + (n < 50 ? 'v' : 'c') + n;
      assets.push({ folder: 'media/users/' + email + (n < 50 ? '/videos' : '/clips'), filename: id, publicId: id, duration: 10 + (n % 50), bytes: 1000000 + n,
        createdAt: new Date(Date.UTC(2025, 0, 1) + (u * ${PER_USER} + n) * 1000).toISOString(), ...(n < 50 ? {} : { context: { parent_video: 'u' + u + '-v' + (n - 50) } }) });
    }
    const emulator = await startCloudinaryEmulator({ clouds: [{ ...${JSON.stringify(CLOUD)}, hourlyBudget: 100000, assets }] });
    process.stdout.write(JSON.stringify({ url: emulator.url }) + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  yieldCpuToMeasured(child);
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}
