import { spawn, type ChildProcess } from 'node:child_process';
import { countFinished, databaseCounters, describeLostRuns, processFigures, readProductRows, readRoundRuns } from './workers-figures';
import type { TeamConsole } from './workers-team';
import type { WorkersRound, WorkersWorld } from './workers-world';

/**
 * One round: `workers` processes of `syncwarden worker` take the round's
 * per-user jobs (already enqueued) until every job has ended or nothing has
 * ended for `stallSeconds`; then each worker's kernel figures are read and it
 * is stopped with SIGTERM (a drain: it has nothing left to finish).
 */
export interface RoundFigures {
  workers: number;
  jobs: number;
  finished: number;
  succeeded: number;
  lostJobs: number;
  ranTwice: number;
  duplicateRows: number;
  rows: number;
  /** Store timestamps: first run start to last run end. */
  windowSeconds: number;
  jobsPerSecond: number;
  steadyJobsPerSecond: number;
  runMsMean: number;
  /** Slot time not spent in a run, per job: workers × concurrency × window − Σ run time, over jobs. */
  slotOverheadMsPerJob: number;
  peakRssMbPerWorker: number[];
  cpuMsPerJob: number;
  /** Transactions committed per job in the store database (run bookkeeping and pg-boss) and in the product database. */
  storeCommitsPerJob: number;
  productCommitsPerJob: number;
  /** New PostgreSQL sessions per job: connection churn (the engine opens a product pool per run). */
  storeSessionsPerJob: number;
  productSessionsPerJob: number;
  states: Record<string, number>;
  /** When the round lost jobs: the lost runs' history in the store, and the last lines workers wrote to stderr. */
  lostRuns?: string[];
  stderrTail?: string[];
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export async function runRound(world: WorkersWorld, round: WorkersRound, team: TeamConsole, options: { workers: number; jobs: number; concurrency: number; stallSeconds: number; onProgress?: (done: number) => void }): Promise<RoundFigures> {
  const { workers, jobs, concurrency } = options;
  const stderr: string[] = [];
  const children: ChildProcess[] = Array.from({ length: workers }, () => {
    const child = spawn(process.execPath, team.workerCommand(concurrency), { env: { ...process.env, ...world.env, ...team.workerEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => stderr.push(...text.split('\n').filter(Boolean).slice(-20)));
    return child;
  });
  try {
    let finished = 0;
    let lastChange = performance.now();
    while (finished < jobs && performance.now() - lastChange < options.stallSeconds * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = await countFinished(round.storeUrl);
      if (now !== finished) {
        finished = now;
        lastChange = performance.now();
        options.onProgress?.(finished);
      }
      if (children.every((child) => child.exitCode !== null)) break;
    }
    const kernel = children.map((child) => (child.pid === undefined ? undefined : processFigures(child.pid)));
    const scopes = new Set(Array.from({ length: jobs }, (_, i) => `user:u${i}`));
    const runs = await readRoundRuns(round.storeUrl, scopes);
    const product = await readProductRows(round.productAdminUrl);
    const admin = world.pg.url();
    const store = await databaseCounters(admin, new URL(round.storeUrl).pathname.slice(1));
    const productDb = await databaseCounters(admin, new URL(round.productAdminUrl).pathname.slice(1));
    const perJob = (value: number) => Math.round((value / Math.max(1, runs.finished)) * 100) / 100;
    const cpuSeconds = kernel.reduce((sum, k) => sum + (k?.cpuSeconds ?? 0), 0);
    const lostJobs = jobs - runs.finished;
    return {
      workers,
      jobs,
      finished: runs.finished,
      succeeded: runs.succeeded,
      lostJobs,
      ranTwice: runs.ranTwice,
      duplicateRows: product.duplicateRows,
      rows: product.rows,
      windowSeconds: round1(runs.windowSeconds),
      jobsPerSecond: round1(runs.finished / Math.max(runs.windowSeconds, 0.001)),
      steadyJobsPerSecond: runs.steadyJobsPerSecond,
      runMsMean: round1(runs.runMsMean),
      slotOverheadMsPerJob: round1((workers * concurrency * runs.windowSeconds * 1000 - runs.runMsTotal) / Math.max(1, runs.finished)),
      peakRssMbPerWorker: kernel.map((k) => k?.peakRssMb ?? 0),
      cpuMsPerJob: round1((cpuSeconds * 1000) / Math.max(1, runs.finished)),
      storeCommitsPerJob: perJob(store.commits),
      productCommitsPerJob: perJob(productDb.commits),
      storeSessionsPerJob: perJob(store.sessions),
      productSessionsPerJob: perJob(productDb.sessions),
      states: runs.states,
      ...(lostJobs > 0 ? { lostRuns: await describeLostRuns(round.storeUrl, scopes).catch((error: unknown) => [String(error)]), stderrTail: stderr.slice(-20) } : {}),
    };
  } finally {
    await Promise.all(children.map((child) => stop(child)));
  }
}

/** SIGTERM (the worker drains), then SIGKILL if it has not exited within 30 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
