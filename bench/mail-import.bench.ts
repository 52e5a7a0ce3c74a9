import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressSnapshot } from '../core/api/models';
import { createSyncwarden } from '../core/app/app';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';
import { engineFigures, engineLines, measure, sizeFlag } from './harness';
import { startChild } from './emulator-child';
import { mailImportFloor } from './mail-import-floor';

/**
 * First mail import of N users × M messages (default 1,000 × 1,000; `--size`
 * total messages, 1,000 a user, to shrink): the real engine, googleapis
 * against the Google emulator (in a child process) and a SQLite product
 * database. Then, in the same process against the same emulator and a copy
 * of the same seeded rows, the bare floor (mail-import-floor.ts).
 * Floor of calls, per user: one token refresh (the stored rows hold refresh
 * tokens only), one getProfile (the history cursor, read before the listing
 * so nothing arriving meanwhile is lost: the start-token call), ceil(M / 500)
 * messages.list calls and one messages.get per message (googleapis has no
 * batch support, api-facts §4). Calls are counted by the emulator.
 */
export async function mailImportBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const perUser = flag('--messages', 1000);
  const users = flag('--users', Math.max(1, Math.round(sizeFlag(args, 1_000_000) / perUser)));
  // Investigation aid: a memory line on stderr every N ms (0: off), to tell growth per user from a plateau.
  const sampleMs = flag('--sample-ms', 0);

  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-mail-bench-'));
  const appDbPath = join(dataDir, 'product.db');
  const { ready: world, child } = await startChild<{ url: string; rootUrl: string; tokenUrl: string; emulatorRssMb: number }>(join(__dirname, 'mail-import-emulator.child.ts'), [String(users), String(perUser), appDbPath]);

  const app = await createSyncwarden({ dataDir, host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: appDbPath }, secrets: {} });
  await app.connections.create({
    kind: 'google',
    name: 'Google',
    config: { clientId: TEST_CLIENT.clientId, rootUrl: world.rootUrl, tokenUrl: world.tokenUrl },
    secrets: { clientSecret: TEST_CLIENT.clientSecret },
  });

  const floorDbPath = join(dataDir, 'floor.db');
  copyFileSync(appDbPath, floorDbPath);
  const startedAt = performance.now();
  const sampling = sampleMs > 0 ? startMemoryTrace(app, sampleMs, startedAt) : undefined;
  const measured = await measure(async () => app.runs.waitFor((await app.runs.start('mail-import', { mode: 'import' }, 'cli')).runId), { peers: [child] });
  sampling?.();
  const run = measured.value;
  const counts = (await (await fetch(`${world.url}/__emulator/counts`)).json()) as Record<string, number>;
  await app.close();
  await fetch(`${world.url}/__emulator/reset`, { method: 'POST' });
  const floor = await measure(() => mailImportFloor({ rootUrl: world.rootUrl, tokenUrl: world.tokenUrl, dbPath: floorDbPath, users }), { peers: [child] });
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });

  const result = run?.result ?? {};
  const imported = Number(result.imported ?? 0);
  const list = counts['gmail.messages.list'] ?? 0;
  const get = counts['gmail.messages.get'] ?? 0;
  const apiCalls = Object.values(counts).reduce((sum, v) => sum + v, 0);
  const common = engineFigures(measured, floor, { apiCalls, floorCalls: floor.value.calls }, imported);
  const figures = { ...common, users, messages: users * perUser, floorInserted: floor.value.inserted };
  const n = (value: number) => value.toLocaleString('en');
  const lines = [
    `mail-import benchmark: ${n(users)} users × ${n(perUser)} messages (first pass, 30-day window); run ${run?.id} ${run?.state}${run?.error ? `: ${run.error.message}` : ''}`,
    ...engineLines(common, measured, floor, 'fetch: token + getProfile + list + one get per message, bare better-sqlite3 insert; same concurrency'),
    `  engine calls by route        messages.list ${n(list)} / get ${n(get)} / getProfile ${n(counts['gmail.profile.get'] ?? 0)} / history.list ${n(counts['gmail.history.list'] ?? 0)} / token ${n(counts['oauth.token'] ?? 0)}`,
    `  imported                     ${n(imported)} messages (floor ${n(floor.value.inserted)})`,
    `  emulator process             ${world.emulatorRssMb} MB after seeding (not counted)`,
    `  outcomes                     ${JSON.stringify(result.outcomes ?? {})}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (run?.state !== 'succeeded' || imported !== users * perUser || floor.value.inserted !== imported) process.exitCode = 1;
}

/** Prints `t users-done rss heapUsed external arrayBuffers` (MB) to stderr every `everyMs`; returns the stop function. */
function startMemoryTrace(app: Awaited<ReturnType<typeof createSyncwarden>>, everyMs: number, startedAt: number): () => void {
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
