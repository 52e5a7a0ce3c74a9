import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createSyncwarden } from '../core/app/app';
import { MemorySecretStore } from '../core/secrets/memory.secret-store';

/**
 * Identity check of 100,000 users on each side with 5 % drift: the real
 * engine, supabase-js against the GoTrue emulator (in a child process) and a
 * SQLite users table. Prints API calls vs the floor, classification time,
 * peak RSS and the worst event-loop delay of this (the console's) process.
 */
export async function identityBenchmark(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const usersFlag = args.indexOf('--users');
  const users = usersFlag >= 0 ? Number(args[usersFlag + 1]) : 100_000;
  const drift = 0.05;

  const dataDir = mkdtempSync(join(tmpdir(), 'syncwarden-identity-bench-'));
  const appDbPath = join(dataDir, 'product.db');
  const childArgs = ['--import', 'tsx', join(__dirname, 'identity-emulator.child.ts'), String(users), String(drift), appDbPath];
  const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  const { url, remoteUsers, localUsers } = await new Promise<{ url: string; remoteUsers: number; localUsers: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code})`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as { url: string; remoteUsers: number; localUsers: number }));
  });

  const app = createSyncwarden({ dataDir, host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: appDbPath }, secrets: {} });
  await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url }, secrets: { serviceRoleKey: 'bench-service-key' } });

  const rssStartMb = process.memoryUsage.rss() / 2 ** 20;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 25);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const startedAt = performance.now();
  const run = await app.runs.waitFor(app.runs.start('identity', { mode: 'check' }, 'cli').runId);
  const wallSeconds = (performance.now() - startedAt) / 1000;
  delay.disable();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  await app.close();
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });

  const result = run?.result ?? {};
  const figures = {
    users,
    apiCalls: run?.apiCalls.supabase ?? 0,
    floorCalls: Math.ceil(remoteUsers / 1000),
    classifySeconds: Number(result.classifySeconds ?? NaN),
    peakRssMb: Math.round((peakRss / 2 ** 20) * 10) / 10,
    eventLoopDelayMaxMs: Math.round((delay.max / 1e6) * 10) / 10,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
  };
  const lines = [
    `identity benchmark: ${users.toLocaleString('en')} users per side (${localUsers.toLocaleString('en')} rows, ${remoteUsers.toLocaleString('en')} Supabase users), ${drift * 100} % drift; run ${run?.id} ${run?.state}${run?.error ? `: ${run.error.message}` : ''}`,
    `  admin API calls              ${figures.apiCalls} (floor ceil(users / 1,000) = ${figures.floorCalls}; target <= floor + 1)`,
    `  classification after fetch   ${figures.classifySeconds} s (target < 1 s)`,
    `  RSS at start / peak          ${rssStartMb.toFixed(1)} MB / ${figures.peakRssMb} MB (target < 300 MB)`,
    `  event-loop delay, max        ${figures.eventLoopDelayMaxMs} ms (target < 50 ms; p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms)`,
    `  wall time                    ${figures.wallSeconds} s`,
    `  found                        in sync ${String(result.inSync)}, local only ${String(result.localOnly)}, remote only ${String(result.remoteOnly)}, inconsistent ${String(result.inconsistent)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (run?.state !== 'succeeded') process.exitCode = 1;
}
