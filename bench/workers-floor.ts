import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncwarden } from '../core/app/app';
import { EnvSecretStore } from '../core/secrets/env.secret-store';
import { eachLimited, measure } from './harness';
import { databaseCounters } from './workers-figures';
import { addTeamConnections } from './workers-team';
import type { WorkersRound, WorkersWorld } from './workers-world';

/**
 * The same per-user jobs without the queue: one process runs the engine
 * through its run manager directly, `concurrency` users at a time, against
 * the same emulator and a fresh copy of the product database. What a worker
 * slot spends per job beyond this is what the queue costs (fetch, complete,
 * claiming the run, idle polling).
 */
export interface FloorFigures {
  jobs: number;
  succeeded: number;
  wallSeconds: number;
  jobsPerSecond: number;
  /** Wall time × concurrency / jobs: what one slot spends per job. */
  slotMsPerJob: number;
  /** Mean run duration (store timestamps). */
  runMsMean: number;
  cpuMsPerJob: number;
  peakRssMb: number;
  /** New product-database sessions per job (the engine's connection churn). */
  productSessionsPerJob: number;
}

export async function runFloor(world: WorkersWorld, round: WorkersRound, jobs: number, concurrency: number): Promise<FloorFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-workers-floor-'));
  const app = await createSyncwarden({ dataDir, host: 'browser', secrets: new EnvSecretStore({ ...process.env, ...world.env }) });
  try {
    await addTeamConnections(app, world, round);
    let succeeded = 0;
    let runMs = 0;
    const measured = await measure(() =>
      eachLimited(Array.from({ length: jobs }, (_, i) => i), concurrency, async (i) => {
        const run = await app.runs.waitFor((await app.runs.start('mail-import', { mode: 'import', user: `u${i}` }, 'schedule')).runId);
        if (run?.state === 'succeeded') succeeded++;
        if (run?.startedAt && run.finishedAt) runMs += Date.parse(run.finishedAt) - Date.parse(run.startedAt);
      }),
    );
    const round1 = (value: number) => Math.round(value * 10) / 10;
    const product = await databaseCounters(world.pg.url(), new URL(round.productAdminUrl).pathname.slice(1));
    return {
      jobs,
      succeeded,
      wallSeconds: measured.wallSeconds,
      jobsPerSecond: round1(jobs / measured.wallSeconds),
      slotMsPerJob: round1((measured.wallSeconds * 1000 * concurrency) / jobs),
      runMsMean: round1(runMs / jobs),
      cpuMsPerJob: round1((measured.cpuSeconds * 1000) / jobs),
      peakRssMb: measured.peakRssMb,
      productSessionsPerJob: Math.round((product.sessions / jobs) * 100) / 100,
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
