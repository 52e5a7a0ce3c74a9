import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { initCanonicalSchema } from '../core/appdb/ddl';
import { openSqliteAppDb } from '../core/appdb/sqlite.adapter';
import { createSyncwarden } from '../core/app/app';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';

/**
 * 50,000 Cloudinary assets over 500 users (50 videos and 50 clips each), 10 %
 * without a row: one check of all users, then one repair of all. The
 * emulator runs in a child process so its own CPU (it filters and sorts all
 * 50,000 assets per search call) is not charged to the host's event loop.
 */
const USERS = 500;
const PER_USER = 100;
const CLOUD = { cloudName: 'bench-cloud', apiKey: '123123123123123', apiSecret: 'bench-secret' };
const missing = (user: number, n: number) => (user * PER_USER + n) % 10 === 9;
const email = (user: number) => `user${String(user).padStart(3, '0')}@example.com`;
const publicId = (user: number, n: number) => `u${user}-${n < 50 ? 'v' : 'c'}${n}`;

export async function mediaImportBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const assets = USERS * PER_USER;
  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-media-bench-'));
  const emulator = await startEmulatorProcess();
  const dbPath = join(dataDir, 'product.db');
  await seedProductDb(dbPath);

  const app = createSyncwarden({ dataDir: join(dataDir, 'console'), host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
  await app.connections.create({ kind: 'cloudinary', name: 'Media', config: { cloudName: CLOUD.cloudName, apiKey: CLOUD.apiKey, rootFolder: 'media', apiBaseUrl: emulator.url }, secrets: { apiSecret: CLOUD.apiSecret } });

  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 25);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const startedAt = performance.now();
  const check = await app.runs.waitFor(app.runs.start('media-import', { budgetShare: 1 }, 'cli').runId);
  const checkSeconds = (performance.now() - startedAt) / 1000;
  const repairStart = performance.now();
  const repair = await app.runs.waitFor(app.runs.start('media-import', { mode: 'repair', all: true }, 'cli').runId);
  const repairSeconds = (performance.now() - repairStart) / 1000;
  const wallSeconds = (performance.now() - startedAt) / 1000;
  delay.disable();
  clearInterval(sampler);

  const inserted = Number(repair?.result?.inserted ?? 0);
  const insertMs = Number(repair?.result?.insertMs ?? 0);
  const figures = {
    assets,
    apiCalls: check?.apiCalls.cloudinary ?? 0,
    floorCalls: Math.ceil(assets / 500),
    rowsInsertedPerSecond: insertMs > 0 ? Math.round(inserted / (insertMs / 1000)) : 0,
    peakRssMb: Math.round((peakRss / 2 ** 20) * 10) / 10,
    eventLoopDelayMaxMs: Math.round((delay.max / 1e6) * 10) / 10,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
  };
  await app.close();
  emulator.child.kill();
  rmSync(dataDir, { recursive: true, force: true });

  const lines = [
    `media-import benchmark: ${assets.toLocaleString('en')} assets over ${USERS} users, 10 % without a row; check run ${check?.state}, repair run ${repair?.state}`,
    `  search calls                 ${figures.apiCalls} (floor ceil(${assets} / 500) = ${figures.floorCalls}; one prefix listing, no folder scanned separately)`,
    `  findings                     ${String(check?.result?.findings ?? 0)}; check ${checkSeconds.toFixed(2)} s (includes the emulator's own time)`,
    `  rows inserted                ${inserted.toLocaleString('en')} in ${insertMs.toFixed(1)} ms of insert transactions = ${figures.rowsInsertedPerSecond.toLocaleString('en')} rows/s (target >= 50,000)`,
    `  repair run, wall             ${repairSeconds.toFixed(2)} s (${Math.round(inserted / repairSeconds).toLocaleString('en')} rows/s including loading findings, audit and status updates)`,
    `  peak RSS                     ${figures.peakRssMb} MB (target < 300 MB)`,
    `  event-loop delay, max        ${figures.eventLoopDelayMaxMs} ms (target < 50 ms; p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms)`,
    `  wall time                    ${figures.wallSeconds} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (check?.state !== 'succeeded' || repair?.state !== 'succeeded') process.exitCode = 1;
}

async function seedProductDb(path: string): Promise<void> {
  const db = openSqliteAppDb({ path, create: true });
  await initCanonicalSchema(db);
  await db.transaction(async (tx) => {
    await tx.executeMany('INSERT INTO users (id, email) VALUES (?, ?)', Array.from({ length: USERS }, (_, u) => [`user-${u}`, email(u)]));
    const rows = (kind: 'v' | 'c') =>
      Array.from({ length: USERS }, (_, u) => Array.from({ length: PER_USER }, (_, n) => ({ u, n })))
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
async function startEmulatorProcess(): Promise<{ url: string; child: ChildProcess }> {
  const emulatorModule = resolve(__dirname, '../tests/emulators/cloudinary/cloudinary.emulator.ts');
  const script = `
    const loaded = await import(${JSON.stringify(emulatorModule)});
    const { startCloudinaryEmulator } = loaded.default ?? loaded; // the repo compiles to CommonJS
    const assets = [];
    for (let u = 0; u < ${USERS}; u++) for (let n = 0; n < ${PER_USER}; n++) {
      const email = 'user' + String(u).padStart(3, '0') + '@example.com', id = 'u' + u + '-' + (n < 50 ? 'v' : 'c') + n;
      assets.push({ folder: 'media/users/' + email + (n < 50 ? '/videos' : '/clips'), filename: id, publicId: id, duration: 10 + (n % 50), bytes: 1000000 + n,
        createdAt: new Date(Date.UTC(2025, 0, 1) + (u * ${PER_USER} + n) * 1000).toISOString(), ...(n < 50 ? {} : { context: { parent_video: 'u' + u + '-v' + (n - 50) } }) });
    }
    const emulator = await startCloudinaryEmulator({ clouds: [{ ...${JSON.stringify(CLOUD)}, hourlyBudget: 100000, assets }] });
    process.stdout.write(JSON.stringify({ url: emulator.url }) + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}
