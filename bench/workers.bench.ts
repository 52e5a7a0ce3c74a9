import { runFloor, type FloorFigures } from './workers-floor';
import { runQueueFloor, type QueueFloorFigures } from './workers-queue-floor';
import { runRound, type RoundFigures } from './workers-round';
import { openTeam } from './workers-team';
import { startWorkersWorld } from './workers-world';

/**
 * Team mode's scale-out (issue 20): N per-user mail-import jobs (default
 * 10,000; `--jobs` to shrink) through the job queue on PostgreSQL, taken by
 * 1, 2 and 4 `syncwarden worker` processes, against the Gmail emulator with
 * a network latency per call (default 30 ms), so jobs wait on the network as
 * real ones do rather than on this machine's CPU. Each round starts from a
 * fresh store and product database. Before the rounds, two floors: the same
 * engine without the queue (one process, same concurrency), and the queue
 * without the engine (one worker process, an empty executor): what a slot
 * spends per job there is `queueOverheadMsPerJob`.
 * Figures come from the databases and the kernel, not from the workers:
 * runs in the store, rows in the product (duplicates by SQL), VmHWM per worker.
 */
export async function workersBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const jobs = flag('--jobs', 10_000);
  const perUser = flag('--messages', 3);
  const latencyMs = flag('--latency', 30);
  const concurrency = flag('--concurrency', 4);
  const floorJobs = Math.min(jobs, flag('--floor-jobs', 1000));
  const counts = (args.includes('--workers') ? String(args[args.indexOf('--workers') + 1]) : '1,2,4').split(',').map(Number);
  for (const value of [jobs, perUser, concurrency, floorJobs, ...counts]) if (!Number.isInteger(value) || value <= 0) throw new Error(`workers bench: counts must be positive integers (got ${value})`);
  const note = (text: string) => process.stderr.write(`${text}\n`);

  const world = await startWorkersWorld(jobs, perUser, latencyMs);
  const rounds: RoundFigures[] = [];
  let floor: FloorFigures | undefined;
  let queueFloor: QueueFloorFigures | undefined;
  try {
    note(`floor: ${floorJobs} jobs in one process without the queue…`);
    floor = await runFloor(world, await world.round('floor'), floorJobs, concurrency);
    note(`queue floor: ${floorJobs} jobs through pg-boss into one worker with an empty executor…`);
    queueFloor = await runQueueFloor(world.pg, 'q', floorJobs, concurrency);
    for (const workers of counts) {
      const round = await world.round(`w${workers}`);
      const team = await openTeam(world, round);
      try {
        const enqueueStart = performance.now();
        await team.enqueue(jobs);
        note(`${workers} worker(s): ${jobs} jobs enqueued in ${Math.round(performance.now() - enqueueStart)} ms`);
        let shown = 0;
        rounds.push(
          await runRound(world, round, team, {
            workers,
            jobs,
            concurrency,
            stallSeconds: flag('--stall-seconds', 90),
            onProgress: (done) => {
              if (done - shown >= jobs / 10 || done === jobs) note(`  ${workers} worker(s): ${(shown = done)} / ${jobs}`);
            },
          }),
        );
        // A long run's rounds are on record as they end, so an interrupted run still tells what it measured.
        note(`  ${workers} worker(s) done: ${JSON.stringify(rounds.at(-1))}`);
      } finally {
        await team.close();
      }
    }
  } finally {
    await world.close();
  }
  if (!floor || !queueFloor) throw new Error('workers bench: a floor did not run');
  printFigures({ jobs, perUser, latencyMs, concurrency, floor, queueFloor, rounds, json });
}

interface Printed {
  jobs: number;
  perUser: number;
  latencyMs: number;
  concurrency: number;
  floor: FloorFigures;
  queueFloor: QueueFloorFigures;
  rounds: RoundFigures[];
  json: boolean;
}

function printFigures({ jobs, perUser, latencyMs, concurrency, floor, queueFloor, rounds, json }: Printed): void {
  const by = (workers: number) => rounds.find((r) => r.workers === workers);
  const rate = (workers: number) => by(workers)?.jobsPerSecond ?? 0;
  const one = by(1);
  const figures = {
    jobs,
    jobsPerSecond1: rate(1),
    jobsPerSecond2: rate(2),
    jobsPerSecond4: rate(4),
    scaling: rate(1) ? Math.round((rate(2) / rate(1)) * 100) / 100 : 0,
    lostJobs: Math.max(0, ...rounds.map((r) => r.lostJobs)),
    duplicateRows: Math.max(0, ...rounds.map((r) => r.duplicateRows)),
    queueOverheadMsPerJob: queueFloor.steadySlotMsPerJob,
    peakRssMbPerWorker: Math.max(0, ...rounds.flatMap((r) => r.peakRssMbPerWorker)),
  };
  const lines = [
    `workers benchmark: ${jobs.toLocaleString('en')} per-user mail-import jobs (${perUser} messages each, first pass), Gmail emulator latency ${latencyMs} ms per call, concurrency ${concurrency} per syncwarden worker`,
    `  floor (no queue, 1 process)  ${floor.jobs} jobs: ${floor.jobsPerSecond} jobs/s; slot ${floor.slotMsPerJob} ms/job, run ${floor.runMsMean} ms/job, CPU ${floor.cpuMsPerJob} ms/job, peak RSS ${floor.peakRssMb} MB; product DB sessions ${floor.productSessionsPerJob}/job`,
    `  queue floor (empty executor) ${queueFloor.jobs} jobs: ${queueFloor.jobsPerSecond} jobs/s; slot ${queueFloor.slotMsPerJob} ms/job, ${queueFloor.steadySlotMsPerJob} through the backlog (pg-boss holds a job ${queueFloor.heldMsMean} ms); worker CPU ${queueFloor.workerCpuMsPerJob} ms/job, peak RSS ${queueFloor.workerPeakRssMb} MB; enqueue ${queueFloor.enqueuePerSecond} jobs/s`,
    ...rounds.map(
      (r) =>
        `  ${r.workers} worker(s)                  ${r.jobsPerSecond} jobs/s over ${r.windowSeconds} s (${r.steadyJobsPerSecond} through the backlog); run ${r.runMsMean} ms/job; slot overhead ${r.slotOverheadMsPerJob} ms/job; CPU ${r.cpuMsPerJob} ms/job (workers); ` +
        `per job: store ${r.storeCommitsPerJob} commits / ${r.storeSessionsPerJob} sessions, product ${r.productCommitsPerJob} commits / ${r.productSessionsPerJob} sessions; ` +
        `finished ${r.finished}/${r.jobs}, lost ${r.lostJobs}, ran twice ${r.ranTwice}, rows ${r.rows} (duplicates ${r.duplicateRows}); peak RSS ${r.peakRssMbPerWorker.join(' / ')} MB; states ${JSON.stringify(r.states)}`,
    ),
    ...(one ? [`  queue cost vs floor           ${Math.round((1000 / one.jobsPerSecond) * concurrency - floor.slotMsPerJob)} ms per job slot (1 worker's slot time per job minus the floor's)`] : []),
    ...rounds.filter((r) => r.lostRuns).map((r) => `  ${r.workers} worker(s) lost runs: ${r.lostRuns?.join('\n    ')}`),
    ...rounds.filter((r) => r.stderrTail).map((r) => `  ${r.workers} worker(s) stderr tail: ${r.stderrTail?.join(' | ')}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (figures.lostJobs > 0 || figures.duplicateRows > 0) process.exitCode = 1;
}
