import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncwarden } from '../core/app/app';
import { MemorySecretStore } from '../tests/helpers/memory.secret-store';
import { measure, startChild } from './harness';

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
  const { ready: { url, remoteUsers, localUsers }, child } = await startChild<{ url: string; remoteUsers: number; localUsers: number }>(join(__dirname, 'identity-emulator.child.ts'), [String(users), String(drift), appDbPath]);

  const app = createSyncwarden({ dataDir, host: 'browser', secrets: new MemorySecretStore() });
  await app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: appDbPath }, secrets: {} });
  await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url }, secrets: { serviceRoleKey: 'bench-service-key' } });

  const measured = await measure(() => app.runs.waitFor(app.runs.start('identity', { mode: 'check' }, 'cli').runId));
  const run = measured.value;
  await app.close();
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });

  const result = run?.result ?? {};
  const figures = {
    users,
    apiCalls: run?.apiCalls.supabase ?? 0,
    floorCalls: Math.ceil(remoteUsers / 1000),
    classifySeconds: Number(result.classifySeconds ?? NaN),
    peakRssMb: measured.peakRssMb,
    eventLoopDelayMaxMs: measured.eventLoopDelayMaxMs,
    wallSeconds: measured.wallSeconds,
  };
  const lines = [
    `identity benchmark: ${users.toLocaleString('en')} users per side (${localUsers.toLocaleString('en')} rows, ${remoteUsers.toLocaleString('en')} Supabase users), ${drift * 100} % drift; run ${run?.id} ${run?.state}${run?.error ? `: ${run.error.message}` : ''}`,
    `  admin API calls              ${figures.apiCalls} (floor ceil(users / 1,000) = ${figures.floorCalls}; target <= floor + 1)`,
    `  classification after fetch   ${figures.classifySeconds} s (target < 1 s)`,
    `  RSS at start / peak          ${measured.rssStartMb} MB / ${figures.peakRssMb} MB (target < 300 MB)`,
    `  event-loop delay, max        ${figures.eventLoopDelayMaxMs} ms (target < 50 ms; p99 ${measured.eventLoopDelayP99Ms} ms)`,
    `  wall time                    ${figures.wallSeconds} s`,
    `  found                        in sync ${String(result.inSync)}, local only ${String(result.localOnly)}, remote only ${String(result.remoteOnly)}, inconsistent ${String(result.inconsistent)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (run?.state !== 'succeeded') process.exitCode = 1;
}
