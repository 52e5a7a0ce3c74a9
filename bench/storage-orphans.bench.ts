import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncwarden } from '../core/app/app';
import { streamKeyset } from '../core/appdb/keyset';
import { openSqliteAppDb } from '../core/appdb/sqlite.adapter';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';
import { measure, startChild } from './harness';
import { BENCH_DROPBOX_APP, BENCH_GOOGLE_CLIENT, isGone } from './storage-orphans-fixture';

/**
 * Storage-orphans check of 1,000 users × 2 providers × 500 file rows
 * (1,000,000 rows, 1 % orphans): the real engine, googleapis and dropbox
 * against the emulators (in a child process), a SQLite product DB. Prints
 * API calls vs the floor (sum of ceil(files / max page size) over accounts),
 * the calls a per-file probe would make, local diff speed vs a bare keyset
 * scan of the same table, peak RSS and the worst event-loop delay.
 */
export async function storageOrphansBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const users = flag('--users', 1000);
  const perAccount = flag('--files-per-account', 500);

  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-storage-bench-'));
  const appDbPath = join(dataDir, 'product.db');
  const { ready: world, child } = await startChild<{ googleRoot: string; googleToken: string; dropboxUrl: string; rows: number }>(join(__dirname, 'storage-orphans-emulator.child.ts'), [String(users), String(perAccount), appDbPath]);

  const app = createSyncwarden({ dataDir, host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: appDbPath }, secrets: {} });
  await app.connections.create({ kind: 'google', name: 'Google', config: { clientId: BENCH_GOOGLE_CLIENT.clientId, rootUrl: world.googleRoot, tokenUrl: world.googleToken }, secrets: { clientSecret: BENCH_GOOGLE_CLIENT.clientSecret } });
  await app.connections.create({ kind: 'dropbox', name: 'Dropbox', config: { appKey: BENCH_DROPBOX_APP.key, baseUrl: world.dropboxUrl }, secrets: { appSecret: BENCH_DROPBOX_APP.secret } });

  const measured = await measure(() => app.runs.waitFor(app.runs.start('storage-orphans', { mode: 'check' }, 'cli').runId));
  const run = measured.value;
  await app.close();
  child.kill();

  // The local floor: the same rows and columns (row id, cloud id) read by a bare keyset scan of the files table, nothing compared.
  const reader = openSqliteAppDb({ path: appDbPath });
  const scanStart = performance.now();
  let scanned = 0;
  for await (const chunk of streamKeyset(reader, { table: 'files', columns: ['id', 'provider_file_id'], key: 'id', chunkSize: 2000 })) scanned += chunk.length;
  const bareScanRowsPerSecond = Math.round(scanned / ((performance.now() - scanStart) / 1000));
  await reader.close();
  rmSync(dataDir, { recursive: true, force: true });

  const result = (run?.result ?? {}) as { orphans?: number; filesChecked?: number; localDiff?: { rows: number; ms: number } };
  const liveFiles = Array.from({ length: perAccount }, (_, n) => n).filter((n) => !isGone(n)).length;
  const floorCalls = users * (Math.ceil(liveFiles / 1000) + Math.ceil(liveFiles / 2000));
  const apiCalls = Object.values(run?.apiCalls ?? {}).reduce((n, v) => n + v, 0);
  const diff = result.localDiff ?? { rows: 0, ms: NaN };
  const figures = {
    users,
    rows: world.rows,
    apiCalls,
    floorCalls,
    perFileCalls: world.rows,
    rowsDiffedPerSecond: Math.round(diff.rows / (diff.ms / 1000)),
    bareScanRowsPerSecond,
    peakRssMb: measured.peakRssMb,
    eventLoopDelayMaxMs: measured.eventLoopDelayMaxMs,
    wallSeconds: measured.wallSeconds,
  };
  const lines = [
    `storage-orphans benchmark: ${users.toLocaleString('en')} users × 2 providers × ${perAccount} rows = ${world.rows.toLocaleString('en')} file rows, 1 % orphans; run ${run?.id} ${run?.state}${run?.error ? `: ${run.error.message}` : ''}`,
    `  API calls                    ${apiCalls} (${JSON.stringify(run?.apiCalls ?? {})}); floor ${floorCalls}; ratio ${(apiCalls / floorCalls).toFixed(3)} (target <= 1.1)`,
    `  a per-file probe would make  ${figures.perFileCalls.toLocaleString('en')} calls`,
    `  rows diffed per second       ${figures.rowsDiffedPerSecond.toLocaleString('en')} (${diff.rows.toLocaleString('en')} rows in ${diff.ms} ms of local diff; target >= 500,000 and >= 1/3 of the bare scan)`,
    `  bare keyset scan rows/s      ${bareScanRowsPerSecond.toLocaleString('en')} (ratio ${(figures.rowsDiffedPerSecond / bareScanRowsPerSecond).toFixed(2)})`,
    `  RSS at start / peak          ${measured.rssStartMb} MB / ${figures.peakRssMb} MB (target < 400 MB)`,
    `  event-loop delay, max        ${figures.eventLoopDelayMaxMs} ms (target < 50 ms; p99 ${measured.eventLoopDelayP99Ms} ms)`,
    `  wall time                    ${figures.wallSeconds} s`,
    `  found                        ${String(result.orphans)} orphans in ${String(result.filesChecked)} rows checked (expected ${users * 2 * (perAccount - liveFiles)})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (run?.state !== 'succeeded') process.exitCode = 1;
}
