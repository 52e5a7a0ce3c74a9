import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../core/cli/program';
import { openStore } from '../../core/store/store';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

/** Runs the CLI in this process and captures what it prints. */
async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  try {
    const code = await runCli(['--data-dir', dataDir, '--with-demo-engine', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.exitCode = undefined;
    out.mockRestore();
    err.mockRestore();
  }
}

describe('syncwarden schedules', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => dir.remove());

  it('add refuses an invalid trigger with a clear message and exit code 2', async () => {
    const bad = await cli(dir.path, 'schedules', 'add', '--engine', 'demo', '--cron', '0 25 * * *');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('syncwarden: Invalid schedule: Invalid cron expression "0 25 * * *": hour: 25 is not a valid expression for hour.\n');
    const both = await cli(dir.path, '--json', 'schedules', 'add', '--engine', 'demo', '--every', '5', '--cron', '* * * * *');
    expect(both.code).toBe(2);
    expect(JSON.parse(both.stderr)).toEqual({ error: { code: 'invalid-input', message: 'give exactly one of --every <minutes> or --cron <expression>' } });
    expect((await cli(dir.path, 'schedules', 'add', '--engine', 'demo', '--every', '0')).code).toBe(2);
    expect((await cli(dir.path, 'schedules', 'rm', 'abc')).code).toBe(2);
    expect(JSON.parse((await cli(dir.path, '--json', 'schedules', 'list')).stdout)).toMatchObject({ schedules: [] });
  });

  it('add, list, disable, enable, run (marked scheduled) and rm', async () => {
    const added = await cli(dir.path, 'schedules', 'add', '--engine', 'demo', '--every', '30', '--tz', 'UTC', '--params', '{"items":1000}');
    expect(added).toMatchObject({ code: 0, stdout: 'Added schedule 1: demo all, every 30 minutes (UTC).\n' });
    await cli(dir.path, 'schedules', 'add', '--engine', 'storage-orphans', '--cron', '0 2 * * *', '--tz', 'Europe/Paris', '--user', 'u1', '--provider', 'drive', '--auto-repair');

    const listed = await cli(dir.path, 'schedules', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/ID +ENGINE +SCOPE +WHEN/);
    expect(listed.stdout).toMatch(/1 +demo +all +every 30 minutes +UTC +yes/);
    expect(listed.stdout).toMatch(/2 +storage-orphans +user u1 \(drive\) +at 02:00 every day +Europe\/Paris +yes/);
    expect(listed.stdout).toMatch(/2 of 2 schedule\(s\)/);
    expect((await cli(dir.path, 'schedules', 'list', '--search', 'storage', '--limit', '5')).stdout).toMatch(/^(?![\s\S]*\bdemo\b)[\s\S]*1 of 1 schedule/);
    const json = JSON.parse((await cli(dir.path, '--json', 'schedules', 'list')).stdout) as { schedules: { id: number; scope: unknown; autoRepair: boolean; updatedBy: string }[] };
    expect(json.schedules.find((s) => s.id === 2)).toMatchObject({ scope: { kind: 'provider', userId: 'u1', provider: 'google' }, autoRepair: true, updatedBy: 'cli' });

    expect(await cli(dir.path, 'schedules', 'disable', '1')).toMatchObject({ code: 0, stdout: 'Schedule 1 is off.\n' });
    expect(await cli(dir.path, 'schedules', 'enable', '1')).toMatchObject({ code: 0, stdout: 'Schedule 1 is on.\n' });

    const run = await cli(dir.path, '--json', 'schedules', 'run', '1');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ engine: 'demo', trigger: 'schedule', state: 'succeeded', params: { items: 1000 } });

    expect(await cli(dir.path, 'schedules', 'rm', '1')).toMatchObject({ code: 0, stdout: 'Removed schedule 1.\n' });
    expect(await cli(dir.path, 'schedules', 'run', '1')).toMatchObject({ code: 2, stderr: 'syncwarden: There is no schedule 1.\n' });
  });
});

describe('syncwarden daemon (built bundle)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    assertBuilt();
    dir = makeTempDir();
  });
  afterEach(() => dir.remove());

  /** A schedule whose slot passed an hour ago while nothing ran: the daemon's start must catch it up once. */
  const seedOverdueSchedule = async () => {
    const store = await openStore(dir.path);
    const hourAgo = new Date(Date.now() - 60 * 60_000).toISOString();
    await store.schedules.insert({ engine: 'demo', scope: { kind: 'all' }, trigger: { kind: 'interval', minutes: 30 }, timeZone: 'UTC', enabled: true, autoRepair: false, params: { items: 500 } }, 'cli', hourAgo);
    await store.close();
  };

  const startDaemon = () => {
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dir.path, '--with-demo-engine', '--json', 'daemon'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = async (event: string, state?: string) => {
      const deadline = Date.now() + 15_000;
      const match = () => lines.find((l) => l.event === event && (state === undefined || (l.run as { state?: string } | undefined)?.state === state));
      while (!match()) {
        if (Date.now() > deadline) throw new Error(`daemon never printed ${event} ${state ?? ''}: ${JSON.stringify(lines)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return match() as Record<string, unknown>;
    };
    return { child, lines, exited, waitFor };
  };

  it('runs a missed schedule once at start, then stops cleanly on SIGTERM with exit code 0', async () => {
    await seedOverdueSchedule();
    const daemon = startDaemon();
    await daemon.waitFor('daemon.started');
    const finished = await daemon.waitFor('run.finished', 'succeeded');
    expect(finished.run).toMatchObject({ engine: 'demo', scope: 'all' });
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(daemon.lines.filter((l) => l.event === 'run.started')).toHaveLength(1);
    expect(daemon.lines.at(-1)).toEqual({ event: 'daemon.stopped', signal: 'SIGTERM' });

    const store = await openStore(dir.path);
    try {
      const runs = (await store.runs.list({ limit: 10, offset: 0 })).items;
      expect(runs.map((r) => [r.trigger, r.state])).toEqual([['schedule', 'succeeded']]);
      expect((await store.schedules.firings(1)).map((f) => f.outcome)).toEqual(['started']);
    } finally {
      await store.close();
    }
  });

  it('Ctrl-C (SIGINT) stops it with exit code 130', async () => {
    const daemon = startDaemon();
    const started = await daemon.waitFor('daemon.started');
    expect(started.status).toMatchObject({ state: 'idle', nextRun: null });
    daemon.child.kill('SIGINT');
    expect(await daemon.exited).toBe(130);
  });
});
