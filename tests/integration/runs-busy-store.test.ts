import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runManagerStarter } from '../../core/scheduler/run-starter';
import { Scheduler } from '../../core/scheduler/scheduler';
import { systemTimers, type TimerSource } from '../../core/base/timers';
import { STORE_FILE_NAME } from '../../core/store/store';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { until } from '../helpers/wait';

/**
 * Another process (a CLI sharing the store, a backup tool) may hold the store's
 * write lock for longer than SQLite's 5 s busy timeout. The host's run writes
 * then throw SQLITE_BUSY, from a progress timer as well as from the run itself.
 * That must cost at most the run, never the host: no uncaught exception or
 * unhandled rejection (either fails this file); once the store is free again the
 * run can still be cancelled and its scope started again.
 */
let app: TestApp | undefined;

afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

/** A separate process that takes the write lock and holds it for `holdMs`; resolves once it holds it. */
function holdWriteLock(file: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 10000');
    db.prepare('BEGIN IMMEDIATE').run();
    process.stdout.write('LOCKED\\n');
    setTimeout(() => { db.prepare('COMMIT').run(); db.close(); process.exit(0); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, file, String(holdMs)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('LOCKED')) resolve({ released });
    });
    child.once('error', reject);
  });
}

describe('a store busy beyond the busy timeout', () => {
  it('keeps the host alive; afterwards the run can be cancelled and the scope started again', { timeout: 60_000 }, async () => {
    const dir = makeTempDir();
    app = await createTestApp({ dataDir: dir.path, heartbeatMs: 200, leaseMs: 1_200 });
    const { runId } = await app.runs.start('demo', { items: 10_000_000, pageSize: 100, delayMsPerPage: 5 }, 'manual');
    await until(async () => (await app?.store.runs.get(runId))?.state === 'running', 10_000, 'the run is running');

    const lock = await holdWriteLock(join(dir.path, STORE_FILE_NAME), 12_000);
    await lock.released;

    // Once the store is free the host still manages the run: it is still running (progress is advisory, a
    // skipped snapshot costs nothing) or over; a cancel ends it, and the scope can start again.
    await app.runs.cancel(runId);
    const ended = await app.runs.waitFor(runId);
    expect(['cancelled', 'failed', 'interrupted']).toContain(ended?.state);
    const again = await app.runs.start('demo', { items: 10 }, 'manual');
    expect(again.alreadyRunning).toBe(false);
    expect((await app.runs.waitFor(again.runId))?.state).toBe('succeeded');
    dir.remove();
  });
});

describe('a store busy beyond the busy timeout, under the scheduler', () => {
  it('a tick whose store write throws neither escapes its timer nor leaves the scheduler unarmed', { timeout: 60_000 }, async () => {
    const dir = makeTempDir();
    app = await createTestApp({ dataDir: dir.path });
    let armed = 0;
    const timers: TimerSource = {
      setTimeout: (callback, ms) => {
        armed += 1;
        return systemTimers.setTimeout(callback, ms);
      },
      clearTimeout: (handle) => systemTimers.clearTimeout(handle),
    };
    // The real scheduler over the real store; only its longest sleep is short, so the first tick (which
    // prunes old firings, a write) comes while another process holds the store.
    const scheduler = new Scheduler({ store: app.store, runs: runManagerStarter(app.runs, app.events), engines: app.engines, clock: app.clock, log: app.log, timers, options: { maxTimerMs: 200 } });
    const lock = await holdWriteLock(join(dir.path, STORE_FILE_NAME), 7_000);
    scheduler.start();
    await lock.released;
    const armedAfterLock = armed;
    await until(() => armed > armedAfterLock + 2, 5_000, 'the scheduler keeps arming its timer');
    expect(scheduler.isStarted).toBe(true);
    await scheduler.stop();
    dir.remove();
  });
});
