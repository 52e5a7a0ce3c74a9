import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncwarden } from '../core/app/app';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';
import { engineFigures, engineLines, measure, sizeFlag } from './harness';
import { startChild } from './emulator-child';
import { BENCH_DROPBOX_APP, BENCH_GOOGLE_CLIENT } from './storage-orphans-fixture';
import { storageOrphansFloor } from './storage-orphans-floor';

/**
 * Storage-orphans check of 1,000 users × 2 providers × 500 file rows
 * (1,000,000 rows, 1 % orphans; `--size N` rows to shrink): the real engine,
 * googleapis and dropbox against the emulators (in a child process), a
 * SQLite product DB, every 10th user's tokens expired. Then, in the same
 * process against the same emulators and rows, the bare floor
 * (storage-orphans-floor.ts). Prints the product against the floor: wall and
 * CPU time, API calls as counted by the emulators, peak RSS, event-loop delay
 * and stalls; and the calls a per-file probe would make.
 */
export async function storageOrphansBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const perAccount = flag('--files-per-account', 500);
  const users = flag('--users', Math.max(1, Math.round(sizeFlag(args, 1_000_000) / (2 * perAccount))));

  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-storage-bench-'));
  const appDbPath = join(dataDir, 'product.db');
  const { ready: world, child } = await startChild<{ googleUrl: string; googleRoot: string; googleToken: string; dropboxUrl: string; rows: number; liveFiles: number }>(
    join(__dirname, 'storage-orphans-emulator.child.ts'),
    [String(users), String(perAccount), appDbPath],
    ['--max-old-space-size=4096'],
  );
  const counts = async () => {
    let sum = 0;
    for (const url of [world.googleUrl, world.dropboxUrl]) sum += Object.values((await (await fetch(`${url}/__emulator/counts`)).json()) as Record<string, number>).reduce((n, v) => n + v, 0);
    return sum;
  };
  const resetCounts = async () => {
    for (const url of [world.googleUrl, world.dropboxUrl]) await fetch(`${url}/__emulator/reset`, { method: 'POST' });
  };
  const floorWorld = { googleRoot: world.googleRoot, googleToken: world.googleToken, dropboxUrl: world.dropboxUrl, appDbPath, users };

  const app = await createSyncwarden({ dataDir, host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: appDbPath }, secrets: {} });
  await app.connections.create({ kind: 'google', name: 'Google', config: { clientId: BENCH_GOOGLE_CLIENT.clientId, rootUrl: world.googleRoot, tokenUrl: world.googleToken }, secrets: { clientSecret: BENCH_GOOGLE_CLIENT.clientSecret } });
  await app.connections.create({ kind: 'dropbox', name: 'Dropbox', config: { appKey: BENCH_DROPBOX_APP.key, baseUrl: world.dropboxUrl }, secrets: { appSecret: BENCH_DROPBOX_APP.secret } });

  // Warm-up, not measured, over every account: the emulators' JIT, their state and the file's page cache then serve
  // the product and the floor alike. The emulator's first listing of an account costs it more than later ones (the
  // Dropbox emulator builds and keeps the account's entries at the cursor's position, stateAt). With 20 accounts
  // warmed, the product (measured first) paid that for the other 980: the emulators used 1.36-1.43 s of CPU in its
  // window against 1.02 s in the floor's, for answers identical byte for byte per route, on a 2-core machine where
  // that CPU is the product's. Warmed in full: 1.08 s against 1.00-1.05 s (docs/performance.md, nineteenth pass).
  await storageOrphansFloor(floorWorld);
  await resetCounts();
  const product = await measure(async () => app.runs.waitFor((await app.runs.start('storage-orphans', { mode: 'check' }, 'cli')).runId), { peers: [child] });
  const run = product.value;
  const apiCalls = await counts();
  await app.close();
  await resetCounts();
  const floor = await measure(() => storageOrphansFloor(floorWorld), { peers: [child] });
  const floorWire = await counts();
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });

  const result = (run?.result ?? {}) as { orphans?: number; filesChecked?: number; localDiff?: { rows: number; ms: number; onThread?: number } };
  const common = engineFigures(product, floor, { apiCalls, floorCalls: floor.value.calls }, world.rows);
  const diff = result.localDiff ?? { rows: 0, ms: NaN };
  const figures = {
    ...common,
    users,
    rows: world.rows,
    perFileCalls: world.rows,
    rowsDiffedPerSecond: Math.round(diff.rows / (diff.ms / 1000)),
    diffsOnThread: diff.onThread ?? 0,
    orphans: result.orphans ?? 0,
    floorMissing: floor.value.missing,
  };
  const expected = users * 2 * (perAccount - world.liveFiles);
  const lines = [
    `storage-orphans benchmark: ${users.toLocaleString('en')} users × 2 providers × ${perAccount} rows = ${world.rows.toLocaleString('en')} file rows, 1 % orphans, every 10th user's tokens expired; run ${run?.id} ${run?.state}${run?.error ? `: ${run.error.message}` : ''}`,
    ...engineLines(common, product, floor, 'fetch paging with minimal fields + token refreshes + a bare better-sqlite3 diff, 4 accounts at once'),
    `  engine API calls by service  ${JSON.stringify(run?.apiCalls ?? {})}; the floor's calls as the emulators counted them: ${floorWire}`,
    `  a per-file probe would make  ${figures.perFileCalls.toLocaleString('en')} calls`,
    `  rows diffed per second       ${figures.rowsDiffedPerSecond.toLocaleString('en')} (${diff.rows.toLocaleString('en')} rows in ${diff.ms} ms of local diff; ${figures.diffsOnThread.toLocaleString('en')} accounts diffed on the diff thread)`,
    `  found                        ${String(result.orphans)} orphans in ${String(result.filesChecked)} rows checked; the floor ${floor.value.missing} in ${floor.value.rows} (expected ${expected})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (run?.state !== 'succeeded' || result.orphans !== expected || floor.value.missing !== expected) process.exitCode = 1;
}
