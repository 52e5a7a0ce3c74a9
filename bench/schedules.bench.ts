import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { canonicalDdl } from '../core/appdb/ddl';
import { openSqliteAppDb } from '../core/appdb/sqlite.adapter';
import { createSilentLogger } from '../core/logging/logger';
import { ConnectionsService } from '../core/connections/connections.service';
import { defaultProbes } from '../core/connections/probes';
import { EngineRegistry } from '../core/engines/engine';
import { mailImportEngine } from '../core/engines/mail-import';
import { appDbScheduleSource } from '../core/scheduler/app-db-schedules';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';
import { ManualClock } from '../tests/helpers/manual-clock';
import type { RunStarter } from '../core/scheduler/run-starter';
import { Scheduler, type DerivedScheduleSource } from '../core/scheduler/scheduler';
import { openStore } from '../core/store/store';

/**
 * 10,000 per-user mail-import schedules on a 30-minute interval, read from a
 * real SQLite product database (re-read once a simulated minute, as in
 * production), written to a real console store, driven by a manual clock.
 * Runs are fakes that finish at once, so engines do not count: the CPU
 * measured is the scheduler's own (timer ticks, the due queue, firing
 * records, the per-minute product-database read and compare).
 *
 * Why simulated time is honest here: the scheduler does the same work per
 * simulated minute as per real minute (the same ticks, firings and reads);
 * only the idle waiting between them is skipped.
 */
export async function schedulesBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const users = flag('--users', 10_000);
  const interval = flag('--interval', 30);
  const minutes = flag('--minutes', 60);
  const fullReadsFlag = args.includes('--full-reads');

  const dir = mkdtempSync(join(tmpdir(), 'syncwarden-bench-schedules-'));
  const productPath = join(dir, 'product.db');
  await seedProductDb(productPath, users, interval);

  const store = await openStore(join(dir, 'console'));
  const clock = new ManualClock(Date.parse('2026-03-02T00:00:00Z'));
  const runs = new FinishingRuns(clock);
  // The production source (connection kept open, SQLite data_version), counting real re-reads of the rows.
  const connections = new ConnectionsService({ store, secrets: new MemorySecretStore(), probes: defaultProbes(), clock, log: createSilentLogger() });
  await connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productPath }, secrets: {} });
  // Only mail import: its schedule policy derives the per-user schedules measured here.
  const engines = new EngineRegistry([mailImportEngine]);
  const source = appDbScheduleSource(connections, engines);
  let reads = 0;
  let fullReads = 0;
  let previous: unknown = null;
  const appDb: DerivedScheduleSource = {
    async read() {
      reads++;
      // --full-reads: a product change every minute (or PostgreSQL, which has no data_version): every read is a full one.
      if (fullReadsFlag) await touchProductDb(productPath, reads);
      const schedules = await source.read();
      if (schedules !== previous) fullReads++;
      previous = schedules;
      return schedules;
    },
    close: () => source.close?.() ?? Promise.resolve(),
  };
  const scheduler = new Scheduler({ store, runs, engines, clock, timers: clock, log: createSilentLogger(), appDb });

  let peakRss = process.memoryUsage.rss();
  const setupStart = performance.now();
  // The first load (10,000 rows read, written and queued) is paged with yields: the host must stay responsive.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  scheduler.start();
  await scheduler.refreshAppDb();
  loop.disable();
  const setupMs = performance.now() - setupStart;
  // Warm-up: one whole interval, so the JIT and SQLite caches are as in a long-running host.
  await clock.advance(interval * 60_000);
  runs.starts.length = 0;
  const readsBefore = reads;
  const fullReadsBefore = fullReads;

  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let m = 0; m < minutes; m++) {
    await clock.advance(60_000);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  await scheduler.stop();
  await scheduler.settled();

  const perSecond = new Map<number, number>();
  for (const at of runs.starts) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  const figures = {
    schedules: (await store.schedules.list()).length,
    cpuMsPerMinute: Math.round(((cpu.user + cpu.system) / 1000 / minutes) * 100) / 100,
    maxFiringsPerSecond: [...perSecond.values()].reduce((max, n) => Math.max(max, n), 0),
    peakRssMb: Math.round((peakRss / 2 ** 20) * 10) / 10,
  };
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const lines = [
    `schedules benchmark: ${figures.schedules.toLocaleString('en')} per-user schedules every ${interval} minutes (real SQLite product DB and console store, fake runs)`,
    `  measured window             ${minutes} simulated minutes after a ${interval}-minute warm-up, manual clock (${(wallMs / 1000).toFixed(2)} s of wall time)`,
    `  scheduler CPU per minute    ${figures.cpuMsPerMinute} ms (process.cpuUsage over the window / ${minutes}, the manual clock's own turns included; target < 50 ms)`,
    `  firings in the window       ${runs.starts.length.toLocaleString('en')} (${(runs.starts.length / minutes).toFixed(1)} per minute)`,
    `  most firings in one second  ${figures.maxFiringsPerSecond} (target <= 10)`,
    `  product DB re-reads         ${reads - readsBefore} in ${minutes} minutes, ${fullReads - fullReadsBefore} of them reading every row${fullReadsFlag ? ' (--full-reads: one setting changes every minute)' : ' (SQLite data_version unchanged: one pragma each; try --full-reads)'}`,
    `  first load of the schedules ${setupMs.toFixed(0)} ms (start + first product DB read; not in the per-minute figure), event-loop delay max ${(loop.max / 1e6).toFixed(1)} ms`,
    `  peak RSS                    ${figures.peakRssMb} MB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
}

async function seedProductDb(path: string, users: number, interval: number): Promise<void> {
  const db = openSqliteAppDb({ path, create: true });
  try {
    for (const sql of canonicalDdl('sqlite')) await db.execute(sql);
    const rows = Array.from({ length: users }, (_, i) => [`user-${i}`, `user-${i}@example.com`] as const);
    await db.transaction(async (tx) => {
      await tx.executeMany(`INSERT INTO users (id, email) VALUES (?, ?)`, rows);
      await tx.executeMany(`INSERT INTO mail_settings (user_id, enabled, interval_minutes) VALUES (?, 1, ?)`, rows.map(([id]) => [id, interval]));
    });
  } finally {
    await db.close();
  }
}

/** Another process changes one user's setting (a real commit, so data_version moves). */
async function touchProductDb(path: string, n: number): Promise<void> {
  const db = openSqliteAppDb({ path });
  try {
    await db.execute(`UPDATE mail_settings SET last_import_at = ? WHERE user_id = 'user-0'`, [String(n)]);
  } finally {
    await db.close();
  }
}

/** Runs that finish at once (succeeded): what the scheduler sees of a run, nothing more. */
class FinishingRuns implements RunStarter {
  readonly starts: number[] = [];
  private readonly listeners = new Set<(run: { id: number; state: 'succeeded' }) => void>();
  private nextId = 1;

  constructor(private readonly clock: ManualClock) {}

  start(): Promise<{ runId: number; alreadyRunning: boolean }> {
    const runId = this.nextId++;
    this.starts.push(this.clock.now().getTime());
    // After start() has returned to its caller (its await resumes first), as the RunManager's runs do.
    queueMicrotask(() => queueMicrotask(() => this.listeners.forEach((listener) => listener({ id: runId, state: 'succeeded' }))));
    return Promise.resolve({ runId, alreadyRunning: false });
  }

  activeRuns(): number {
    return 0;
  }

  onFinished(listener: (run: { id: number; state: 'succeeded' }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
