import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressSnapshot } from '../core/api/models';
import { createSyncwarden } from '../core/app/app';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';
import { measure, startChild } from './harness';

/**
 * First mail import of N users × M messages (default 1,000 × 1,000): the real
 * engine, googleapis against the Google emulator (in a child process) and a
 * SQLite product database. Prints list and get calls vs the floor, messages
 * imported per second, peak RSS and the worst event-loop delay of this (the
 * console's) process.
 * Floor: per user ceil(M / 500) messages.list calls + one messages.get per
 * message (googleapis has no batch support, api-facts §4). Above the floor
 * the engine also spends, per user, one getProfile (the history cursor, read
 * before the listing so nothing arriving meanwhile is lost) and one token
 * refresh (the stored rows hold refresh tokens only); both are counted.
 */
export async function mailImportBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const users = flag('--users', 1000);
  const perUser = flag('--messages', 1000);
  // Investigation aid: a memory line on stderr every N ms (0: off), to tell growth per user from a plateau.
  const sampleMs = flag('--sample-ms', 0);

  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-mail-bench-'));
  const appDbPath = join(dataDir, 'product.db');
  const { ready: world, child } = await startChild<{ url: string; rootUrl: string; tokenUrl: string; emulatorRssMb: number }>(join(__dirname, 'mail-import-emulator.child.ts'), [String(users), String(perUser), appDbPath]);

  const app = createSyncwarden({ dataDir, host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: appDbPath }, secrets: {} });
  await app.connections.create({
    kind: 'google',
    name: 'Google',
    config: { clientId: TEST_CLIENT.clientId, rootUrl: world.rootUrl, tokenUrl: world.tokenUrl },
    secrets: { clientSecret: TEST_CLIENT.clientSecret },
  });

  const startedAt = performance.now();
  const sampling = sampleMs > 0 ? startMemoryTrace(app, sampleMs, startedAt) : undefined;
  const measured = await measure(() => app.runs.waitFor(app.runs.start('mail-import', { mode: 'import' }, 'cli').runId));
  sampling?.();
  const run = measured.value;
  const counts = (await (await fetch(`${world.url}/__emulator/counts`)).json()) as Record<string, number>;
  await app.close();
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });

  const result = run?.result ?? {};
  const imported = Number(result.imported ?? 0);
  const list = counts['gmail.messages.list'] ?? 0;
  const get = counts['gmail.messages.get'] ?? 0;
  const figures = {
    users,
    messages: users * perUser,
    apiCalls: run?.apiCalls.gmail ?? 0,
    floorCalls: users * (Math.ceil(perUser / 500) + perUser),
    messagesPerSecond: Math.round(imported / measured.wallSeconds),
    peakRssMb: measured.peakRssMb,
    eventLoopDelayMaxMs: measured.eventLoopDelayMaxMs,
    wallSeconds: measured.wallSeconds,
  };
  const ratio = figures.floorCalls ? (figures.apiCalls / figures.floorCalls).toFixed(4) : 'n/a';
  const n = (value: number) => value.toLocaleString('en');
  const lines = [
    `mail-import benchmark: ${n(users)} users × ${n(perUser)} messages (first pass, 30-day window); run ${run?.id} ${run?.state}${run?.error ? `: ${run.error.message}` : ''}`,
    `  floor                        per user ceil(messages / 500) messages.list + one messages.get per message = ${n(figures.floorCalls)}`,
    `  messages.list / get          ${n(list)} (floor ${n(users * Math.ceil(perUser / 500))}) / ${n(get)} (floor ${n(users * perUser)})`,
    `  also sent                    getProfile ${n(counts['gmail.profile.get'] ?? 0)}, history.list ${n(counts['gmail.history.list'] ?? 0)}, token refreshes ${n(counts['oauth.token'] ?? 0)}`,
    `  API calls, all               ${n(figures.apiCalls)} = ${ratio}× the floor (target <= 1.1×)`,
    `  imported                     ${n(imported)} messages, ${n(figures.messagesPerSecond)} per second`,
    `  RSS at start / peak          ${measured.rssStartMb} MB / ${figures.peakRssMb} MB (emulator process, not counted: ${world.emulatorRssMb} MB after seeding)`,
    `  event-loop delay, max        ${figures.eventLoopDelayMaxMs} ms (target < 50 ms; p50 ${measured.eventLoopDelayP50Ms}, p99 ${measured.eventLoopDelayP99Ms}, p99.9 ${measured.eventLoopDelayP999Ms} ms)`,
    `  wall time                    ${figures.wallSeconds} s`,
    `  outcomes                     ${JSON.stringify(result.outcomes ?? {})}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (run?.state !== 'succeeded' || imported !== users * perUser) process.exitCode = 1;
}

/** Prints `t users-done rss heapUsed external arrayBuffers` (MB) to stderr every `everyMs`; returns the stop function. */
function startMemoryTrace(app: ReturnType<typeof createSyncwarden>, everyMs: number, startedAt: number): () => void {
  let usersDone = 0;
  const unsubscribe = app.events.subscribe((event, payload) => {
    if (event === 'run.progress') usersDone = (payload as ProgressSnapshot).counters.done ?? usersDone;
  });
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const timer = setInterval(() => {
    // Under --expose-gc, collect first: the line then shows what is retained, not the garbage of the moment.
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.stderr.write(`mem t=${((performance.now() - startedAt) / 1000).toFixed(1)}s users=${usersDone} rss=${mb(m.rss)} heap=${mb(m.heapUsed)}/${mb(m.heapTotal)} ext=${mb(m.external)} ab=${mb(m.arrayBuffers)}\n`);
  }, everyMs);
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
