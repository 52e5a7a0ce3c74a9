import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { getHeapSpaceStatistics } from 'node:v8';
import type { ProgressSnapshot, Run } from '../core/api/models';
import { SheetSourceSpecSchema } from '../core/api/sheets';
import { createSyncwarden, type Syncwarden } from '../core/app/app';
import { initCanonicalSchema } from '../core/appdb/ddl';
import { openSqliteAppDb } from '../core/appdb/sqlite.adapter';
import { TARGET_WINDOW_BYTES } from '../core/engines/sheet-import';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';
import { engineFigures, engineLines, measure, sizeFlag, startLoopDelayMonitor, type Measured as HarnessMeasured } from './harness';
import { yieldCpuToMeasured } from './emulator-child';
import { BENCH_COLUMNS } from './sheet-fixture';
import { sheetImportFloor } from './sheet-import-floor';

/**
 * sheet-import of a 1,000,000-row, 10-column sheet (about 100 MB) through the
 * Sheets API in row windows, end to end (googleapis windows, prefetched →
 * compiled validation on the host's thread → a writer thread's multi-row
 * INSERTs into the SQLite staging table → swap), then a smaller sheet through the
 * CSV export (which Drive caps at 10 MB, so a 100 MB sheet cannot take that
 * path). The emulator runs in a child process so its CPU and memory are not
 * the console's. Then, in the same process against the same emulator, the
 * bare floor (sheet-import-floor.ts: plain fetch of the same windows, JSON
 * parsed as the engine parses JSON, a bare multi-row insert). Figures: the
 * product against the floor (wall, CPU, calls), rows/s end to end, peak RSS,
 * progress events (count, most in any second, monotonic), event-loop delay
 * and stalls. `--size N` rows to shrink (default 1,000,000).
 */
const MANUAL = { actor: 'manual' } as const;

interface Measured {
  run: Run | undefined;
  seconds: number;
  cpuSeconds: number;
  rssStartMb: number;
  stallsOver50ms: number;
  eventLoopDelayP99Ms: number;
  peakRssMb: number;
  eventLoopDelayMaxMs: number;
  eventLoopDelayMaxOwnMs: number;
  progressEvents: number;
  progressEventsPerSecondMax: number;
  monotonic: boolean;
  /** Peak RSS (MB) while each phase ran: where the memory goes. */
  peakRssByPhase: Record<string, number>;
  /** The worst timer lateness (ms) seen in each phase, to tell which phase stalls the loop. */
  lagByPhase: Record<string, number>;
}

export async function sheetImportBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  // --memory: a breakdown of this process's memory every 250 ms on stderr (where RSS goes: heap spaces vs the rest).
  const memoryLog = args.includes('--memory');
  const itemsAt = args.indexOf('--items');
  const apiRows = itemsAt >= 0 ? Number(args[itemsAt + 1]) : sizeFlag(args, 1_000_000);
  const csvRows = Math.min(80_000, apiRows);
  const dir = mkdtempSync(join(tmpdir(), 'syncwarden-sheet-bench-'));
  const emulator = await startEmulatorProcess(apiRows, csvRows);
  const startedAt = performance.now();
  try {
    const app = await openApp(dir, emulator.urls);
    const rssBefore = process.memoryUsage.rss();
    const emulatorUrl = emulator.urls.rootUrl.replace(/\/$/, '');
    await fetch(`${emulatorUrl}/__emulator/reset`, { method: 'POST' });
    const api = await measureImport(app, 'bench-api', 'products_api', 'sheets-api', memoryLog);
    const apiCalls = Object.values((await (await fetch(`${emulatorUrl}/__emulator/counts`)).json()) as Record<string, number>).reduce((n, v) => n + v, 0);
    const check = await api.check();
    const csv = await measureImport(app, 'bench-csv', 'products_csv', 'csv-export', memoryLog);
    await app.close();
    const floor = await measure(() =>
      sheetImportFloor({ ...emulator.urls, client: TEST_CLIENT, refreshToken: '1//refresh-bench', spreadsheetId: 'bench-api', dbPath: join(dir, 'floor.db') }),
    );
    const wallSeconds = (performance.now() - startedAt) / 1000;

    const result = api.run?.result ?? {};
    const rows = Number(result.rows ?? 0);
    const bytes = Number(result.bytes ?? 0);
    const product: HarnessMeasured<unknown> = {
      value: api.run,
      wallSeconds: round(api.seconds, 2),
      cpuSeconds: api.cpuSeconds,
      rssStartMb: api.rssStartMb,
      peakRssMb: api.peakRssMb,
      eventLoopDelayMaxMs: api.eventLoopDelayMaxMs,
      eventLoopDelayMaxOwnMs: api.eventLoopDelayMaxOwnMs,
      stallsOver50ms: api.stallsOver50ms,
      eventLoopDelayP50Ms: 0,
      eventLoopDelayP99Ms: api.eventLoopDelayP99Ms,
      eventLoopDelayP999Ms: 0,
      // measureRun (the import's phases) does not read the main thread's or the emulator's CPU time: not printed.
      mainThreadCpuSeconds: undefined,
      mainThreadWaitSeconds: undefined,
      peerCpuSeconds: undefined,
    };
    // Both as the emulator counted them: a token refresh, spreadsheets.get, then values.get windows of ~2 MB.
    const common = engineFigures(product, floor, { apiCalls, floorCalls: floor.value.calls }, rows);
    const figures = {
      ...common,
      rows,
      bytes,
      floorRows: floor.value.rows,
      windowFloorCalls: 2 + Math.ceil(bytes / TARGET_WINDOW_BYTES),
      progressEvents: api.progressEvents,
      progressEventsPerSecondMax: api.progressEventsPerSecondMax,
      monotonic: api.monotonic,
      totalWallSeconds: round(wallSeconds, 2),
    };
    const csvResult = csv.run?.result ?? {};
    const csvRowsSaved = Number(csvResult.rows ?? 0);
    const lines = [
      `sheet-import benchmark: ${apiRows.toLocaleString('en')} rows × 10 columns through the Sheets API (run ${api.run?.state}), ${csvRows.toLocaleString('en')} rows through the CSV export (run ${csv.run?.state})`,
      `  rows                         ${rows.toLocaleString('en')} cached, ${String(result.rowsRejected ?? 0)} rejected`,
      `  bytes                        ${bytes.toLocaleString('en')} (${round(bytes / 2 ** 20, 1)} MB as CSV)`,
      ...engineLines(common, product, floor, 'fetch of the same windows + JSON parse + a bare multi-row insert'),
      `  floor rows                   ${figures.floorRows.toLocaleString('en')}; calls at 2 MB a window would be ${figures.windowFloorCalls}`,
      `  peak RSS                     ${figures.peakRssMb} MB (target < 300 MB; by phase: ${Object.entries(api.peakRssByPhase).map(([p, mb]) => `${p} ${mb}`).join(', ')}; ${round(rssBefore / 2 ** 20, 1)} MB before the first import)`,
      `  progress events              ${figures.progressEvents}, at most ${figures.progressEventsPerSecondMax} in any second (target <= 10), monotonic: ${figures.monotonic ? 'yes' : 'NO'}`,
      `  event-loop delay by phase    (worst timer lateness: ${Object.entries(api.lagByPhase).map(([p, ms]) => `${p} ${ms}`).join(', ')})`,
      `  CSV export run               ${csvRowsSaved.toLocaleString('en')} rows, ${Number(csvResult.bytes ?? 0).toLocaleString('en')} bytes in ${round(csv.seconds, 2)} s = ${Math.round(csvRowsSaved / csv.seconds).toLocaleString('en')} rows/s; peak RSS ${csv.peakRssMb} MB, event-loop delay max ${csv.eventLoopDelayMaxMs} ms, ${csv.progressEvents} progress events (monotonic: ${csv.monotonic ? 'yes' : 'NO'})`,
      `  check (mode check) run       ${describeCheck(check)}`,
      `  wall time, whole bench       ${figures.totalWallSeconds} s (both imports, the check and the floor; not the emulator's seeding)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
    if (api.run?.state !== 'succeeded' || csv.run?.state !== 'succeeded' || check.run?.state !== 'succeeded') {
      process.stderr.write(`import or check failed: ${JSON.stringify(api.run?.error ?? csv.run?.error ?? check.run?.error)}\n`);
      process.exitCode = 1;
    }
  } finally {
    emulator.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openApp(dir: string, urls: { rootUrl: string; tokenUrl: string }): Promise<Syncwarden> {
  const dbPath = join(dir, 'product.db');
  const db = openSqliteAppDb({ path: dbPath, create: true });
  await initCanonicalSchema(db);
  await db.execute(`INSERT INTO storage_accounts (id, user_id, provider, refresh_token) VALUES ('acct-bench', 'u1', 'google', '1//refresh-bench')`);
  await db.close();
  const app = await createSyncwarden({ dataDir: join(dir, 'console'), host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: dbPath }, secrets: {} });
  await app.connections.create({ kind: 'google', name: 'Google', config: { clientId: TEST_CLIENT.clientId, ...urls }, secrets: { clientSecret: TEST_CLIENT.clientSecret } });
  return app;
}

/** One import of one source, with RSS, event-loop delay and progress events measured while it runs. */
async function measureImport(app: Syncwarden, spreadsheetId: string, targetTable: string, method: 'sheets-api' | 'csv-export', memoryLog: boolean): Promise<Measured & { check: () => Promise<Measured> }> {
  const spec = SheetSourceSpecSchema.parse({ name: targetTable, spreadsheetId, storageAccountId: 'acct-bench', targetTable, method, columns: BENCH_COLUMNS });
  const { id } = (await app.handlers['sheets.sources.create'](spec, MANUAL)) as { id: number };
  const measured = await measureRun(app, () => app.handlers['sheets.import']({ id }, MANUAL), memoryLog);
  // A check of the same source against the cache the import just wrote: every row compared, nothing written.
  const check = () => measureRun(app, () => app.handlers['runs.start']({ engine: 'sheet-import', params: { sourceId: id, source: spec, mode: 'check' } }, MANUAL), memoryLog);
  return { ...measured, check };
}

/** One run, with RSS, event-loop delay and progress events measured while it runs. */
async function measureRun(app: Syncwarden, start: () => Promise<{ runId: number }> | { runId: number }, memoryLog: boolean): Promise<Measured> {
  const events: { at: number; percent: number }[] = [];
  const byPhase: Record<string, number> = {};
  let phase = 'starting';
  let runId = 0;
  const off = app.events.subscribe((event, payload) => {
    const snapshot = payload as ProgressSnapshot;
    if (event !== 'run.progress' || snapshot.runId !== runId) return;
    events.push({ at: performance.now(), percent: snapshot.percent });
    phase = snapshot.phase;
  });
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    peakRss = Math.max(peakRss, rss);
    byPhase[phase] = Math.max(byPhase[phase] ?? 0, round(rss / 2 ** 20, 1));
    if (memoryLog && ++samples % 10 === 0) logMemory(phase);
  }, 25);
  let samples = 0;
  const lagByPhase: Record<string, number> = {};
  let tick = performance.now();
  const lagTimer = setInterval(() => {
    const now = performance.now();
    lagByPhase[phase] = Math.max(lagByPhase[phase] ?? 0, round(now - tick - 5, 1));
    tick = now;
  }, 5);
  const rssStart = process.memoryUsage.rss();
  const delay = startLoopDelayMonitor();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  ({ runId } = await start());
  const run = await app.runs.waitFor(runId);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const loop = delay.stop();
  clearInterval(sampler);
  clearInterval(lagTimer);
  off();
  let perSecondMax = 0;
  for (let i = 0, j = 0; j < events.length; j++) {
    while ((events[j]?.at ?? 0) - (events[i]?.at ?? 0) >= 1000) i++;
    perSecondMax = Math.max(perSecondMax, j - i + 1);
  }
  return {
    run,
    seconds,
    cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
    rssStartMb: round(rssStart / 2 ** 20, 1),
    peakRssMb: round(peakRss / 2 ** 20, 1),
    eventLoopDelayMaxMs: loop.maxMs,
    eventLoopDelayMaxOwnMs: loop.maxOwnMs,
    stallsOver50ms: loop.stallsOver50ms,
    eventLoopDelayP99Ms: loop.p99Ms,
    progressEvents: events.length,
    progressEventsPerSecondMax: perSecondMax,
    monotonic: events.every((e, i) => i === 0 || e.percent >= (events[i - 1]?.percent ?? 0)),
    peakRssByPhase: byPhase,
    lagByPhase,
  };
}

function describeCheck(check: Measured): string {
  const counts = (check.run?.result as { counts?: Record<string, number> } | undefined)?.counts ?? {};
  const compared = (counts.unchanged ?? 0) + (counts.changed ?? 0) + (counts.added ?? 0);
  return (
    `${check.run?.state}: ${Object.entries(counts).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')} in ${round(check.seconds, 2)} s = ` +
    `${Math.round(compared / check.seconds).toLocaleString('en')} rows/s; peak RSS ${check.peakRssMb} MB (by phase: ${Object.entries(check.peakRssByPhase).map(([p, mb]) => `${p} ${mb}`).join(', ')}), ` +
    `event-loop delay max ${check.eventLoopDelayMaxMs} ms (by phase: ${Object.entries(check.lagByPhase).map(([p, ms]) => `${p} ${ms}`).join(', ')}), monotonic: ${check.monotonic ? 'yes' : 'NO'}`
  );
}

async function startEmulatorProcess(apiRows: number, csvRows: number): Promise<{ urls: { rootUrl: string; tokenUrl: string }; child: ChildProcess }> {
  const script = resolve(__dirname, 'sheet-emulator.child.ts');
  const child = spawn(process.execPath, ['--max-old-space-size=6144', '--import', 'tsx', script, String(apiRows), String(csvRows)], { stdio: ['ignore', 'pipe', 'inherit'] });
  yieldCpuToMeasured(child);
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
  });
  return { urls: JSON.parse(line) as { rootUrl: string; tokenUrl: string }, child };
}

function logMemory(phase: string): void {
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const m = process.memoryUsage();
  const spaces = getHeapSpaceStatistics()
    .filter((space) => space.space_size > 0)
    .map((space) => `${space.space_name.replace(/_space$/, '')} ${mb(space.space_used_size)}/${mb(space.space_size)}`);
  process.stderr.write(`memory (MB) ${phase}: rss ${mb(m.rss)}, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} [${spaces.join(', ')}], external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)}\n`);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
