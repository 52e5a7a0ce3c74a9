import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createSyncwarden } from '../core/app/app';
import { MemorySecretStore } from '../core/secrets/memory.secret-store';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';

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

  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-mail-bench-'));
  const appDbPath = join(dataDir, 'product.db');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'mail-import-emulator.child.ts'), String(users), String(perUser), appDbPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const world = await new Promise<{ url: string; rootUrl: string; tokenUrl: string; emulatorRssMb: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code})`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as { url: string; rootUrl: string; tokenUrl: string; emulatorRssMb: number }));
  });

  const app = createSyncwarden({ dataDir, host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: appDbPath }, secrets: {} });
  await app.connections.create({
    kind: 'google',
    name: 'Google',
    config: { clientId: TEST_CLIENT.clientId, rootUrl: world.rootUrl, tokenUrl: world.tokenUrl },
    secrets: { clientSecret: TEST_CLIENT.clientSecret },
  });

  const rssStartMb = process.memoryUsage.rss() / 2 ** 20;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 25);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const startedAt = performance.now();
  const run = await app.runs.waitFor(app.runs.start('mail-import', { mode: 'import' }, 'cli').runId);
  const wallSeconds = (performance.now() - startedAt) / 1000;
  delay.disable();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
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
    messagesPerSecond: Math.round(imported / wallSeconds),
    peakRssMb: Math.round((peakRss / 2 ** 20) * 10) / 10,
    eventLoopDelayMaxMs: Math.round((delay.max / 1e6) * 10) / 10,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
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
    `  RSS at start / peak          ${rssStartMb.toFixed(1)} MB / ${figures.peakRssMb} MB (emulator process, not counted: ${world.emulatorRssMb} MB after seeding)`,
    `  event-loop delay, max        ${figures.eventLoopDelayMaxMs} ms (target < 50 ms; p50 ${(delay.percentile(50) / 1e6).toFixed(1)}, p99 ${(delay.percentile(99) / 1e6).toFixed(1)}, p99.9 ${(delay.percentile(99.9) / 1e6).toFixed(1)} ms; ${delay.count} samples)`,
    `  wall time                    ${figures.wallSeconds} s`,
    `  outcomes                     ${JSON.stringify(result.outcomes ?? {})}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (run?.state !== 'succeeded' || imported !== users * perUser) process.exitCode = 1;
}
