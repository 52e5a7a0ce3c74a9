import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import type { ProgressSnapshot } from '../core/api/models';
import { createSyncwarden } from '../core/app/app';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';
import { engineFigures, engineLines, measure, round2, sizeFlag } from './harness';
import { startChild } from './emulator-child';
import { identityFloor, listEveryUser } from './identity-floor';

/**
 * Identity check of 1,000,000 users on each side (`--size N` users, or the
 * older `--users N`, to shrink) with 5 % drift: the real engine, supabase-js
 * against the GoTrue emulator (in a child process) and a SQLite users table.
 * Then, in the same process against the same emulator and rows, the bare
 * floor (identity-floor.ts). Prints the product against the floor: wall and
 * CPU time, admin API calls as the emulator counted them, peak RSS,
 * event-loop delay and stalls, and what each found.
 * The bench reads only the engine's public face: the run's state and its
 * result's counts (inSync, localOnly, remoteOnly, inconsistent) and, if the
 * engine reports it, classifySeconds.
 */
export async function identityBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const usersFlag = args.indexOf('--users');
  const users = usersFlag >= 0 ? Number(args[usersFlag + 1]) : sizeFlag(args, 1_000_000);
  const drift = 0.05;
  // Investigation aid: a memory line on stderr every N ms (0: off), with the run's phase, to tell which phase grows.
  const sampleAt = args.indexOf('--sample-ms');
  const sampleMs = sampleAt >= 0 ? Number(args[sampleAt + 1]) : 0;

  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-identity-bench-'));
  const appDbPath = join(dataDir, 'product.db');
  const { ready: { url, remoteUsers, localUsers }, child } = await startChild<{ url: string; remoteUsers: number; localUsers: number }>(
    join(__dirname, 'identity-emulator.child.ts'),
    [String(users), String(drift), appDbPath],
    ['--max-old-space-size=8192'],
  );
  const serviceRoleKey = 'bench-service-key';
  const counts = async () => Object.values((await (await fetch(`${url}/__emulator/counts`)).json()) as Record<string, number>).reduce((n, v) => n + v, 0);

  const app = await createSyncwarden({ dataDir, host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: appDbPath }, secrets: {} });
  await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url }, secrets: { serviceRoleKey } });

  // Warm-up, not measured: one listing of every page, so the emulator's JIT and heap serve the product (measured
  // first) and the floor alike, as media-import's and storage-orphans' benches do (docs/performance.md, nineteenth pass).
  await listEveryUser({ url, serviceRoleKey }, { calls: 0 }, () => undefined);
  await fetch(`${url}/__emulator/reset`, { method: 'POST' });
  const stopTrace = sampleMs > 0 ? startPhaseTrace(app, sampleMs) : undefined;
  const product = await measure(async () => app.runs.waitFor((await app.runs.start('identity', { mode: 'check' }, 'cli')).runId), { peers: [child] });
  stopTrace?.();
  const run = product.value;
  const apiCalls = await counts();
  await app.close();
  await fetch(`${url}/__emulator/reset`, { method: 'POST' });
  const floor = await measure(() => identityFloor({ url, serviceRoleKey, dbPath: appDbPath }), { peers: [child] });
  await fetch(`${url}/__emulator/reset`, { method: 'POST' });
  // The same floor asking for each next page at the answer's head, as the engine does: how much of the ratio is the engine's own work.
  const floorAhead = await measure(() => identityFloor({ url, serviceRoleKey, dbPath: appDbPath, nextAtHead: true }), { peers: [child] });
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });

  const result = run?.result ?? {};
  const common = engineFigures(product, floor, { apiCalls, floorCalls: floor.value.calls }, localUsers + remoteUsers);
  const figures = {
    ...common,
    users,
    rssStartMb: product.rssStartMb,
    classifySeconds: Number(result.classifySeconds ?? NaN),
    found: { inSync: result.inSync, localOnly: result.localOnly, remoteOnly: result.remoteOnly, inconsistent: result.inconsistent },
    floorFound: { inSync: floor.value.inSync, localOnly: floor.value.localOnly, remoteOnly: floor.value.remoteOnly, inconsistent: floor.value.inconsistent },
    floorAheadWallSeconds: floorAhead.wallSeconds,
    wallRatioAhead: round2(product.wallSeconds / floorAhead.wallSeconds),
    floorAheadCalls: floorAhead.value.calls,
  };
  const lines = [
    `identity benchmark: ${users.toLocaleString('en')} users per side (${localUsers.toLocaleString('en')} rows, ${remoteUsers.toLocaleString('en')} Supabase users), ${drift * 100} % drift; run ${run?.id} ${run?.state}${run?.error ? `: ${run.error.message}` : ''}`,
    ...engineLines(common, product, floor, 'fetch paging of the admin listing + a bare better-sqlite3 diff; rows/s counts both sides'),
    `  floor, next page at the head ${floorAhead.wallSeconds} s (${floorAhead.value.calls.toLocaleString('en')} calls, asked as the engine asks); ratio ${figures.wallRatioAhead}`,
    `  classification after fetch   ${figures.classifySeconds} s`,
    `  found                        in sync ${String(result.inSync)}, local only ${String(result.localOnly)}, remote only ${String(result.remoteOnly)}, inconsistent ${String(result.inconsistent)}`,
    `  the floor found              in sync ${floor.value.inSync}, local only ${floor.value.localOnly}, remote only ${floor.value.remoteOnly}, inconsistent ${floor.value.inconsistent}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (run?.state !== 'succeeded') process.exitCode = 1;
}

/** Linux: the resident set by kind (anon = heaps and malloc, file = mapped binaries and files), else nothing. */
function residentKinds(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return `anon=${(kb('RssAnon') / 1024).toFixed(1)} file=${(kb('RssFile') / 1024).toFixed(1)}`;
  } catch {
    return '';
  }
}

/** Prints `t phase rss heapUsed/heapTotal external max` (MB; max: the process's RSS high-water mark) to stderr every `everyMs`; returns the stop function. */
function startPhaseTrace(app: Awaited<ReturnType<typeof createSyncwarden>>, everyMs: number): () => void {
  const startedAt = performance.now();
  let phase = '-';
  const unsubscribe = app.events.subscribe((event, payload) => {
    if (event === 'run.progress') phase = (payload as ProgressSnapshot).phase;
  });
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    // Committed size of V8's spaces (MB): new = the young generation's semi-spaces, lo = large objects.
    const spaces = getHeapSpaceStatistics()
      .filter((s) => s.space_size >= 2 ** 20)
      .map((s) => `${s.space_name.replace(/_space$/, '').replace('large_object', 'lo')}=${mb(s.space_size)}`)
      .join(' ');
    process.stderr.write(`mem t=${((performance.now() - startedAt) / 1000).toFixed(1)}s phase=${phase} rss=${mb(m.rss)} ${residentKinds()} heap=${mb(m.heapUsed)}/${mb(m.heapTotal)} ext=${mb(m.external)} max=${mb(process.resourceUsage().maxRSS * 1024)} ${spaces}\n`);
  }, everyMs);
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
