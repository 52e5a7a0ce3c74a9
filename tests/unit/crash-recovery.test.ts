import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncwarden } from '../../core/app/app';
import { isProcessAlive } from '../../core/runs/recovery';
import { REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

describe('crash recovery', () => {
  const dir = makeTempDir();
  afterEach(() => dir.remove());

  it('a run whose process was SIGKILLed shows interrupted, never running, when the store opens again', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/helpers/crash-child.ts'), dir.path], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const runId = await new Promise<number>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('child never reported a running run')), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /RUNNING (\d+)/.exec(chunk.toString());
        if (match) {
          clearTimeout(timeout);
          resolve(Number(match[1]));
        }
      });
    });
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    expect(isProcessAlive(child.pid as number)).toBe(false);

    const app = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true });
    try {
      expect(app.recovered).toEqual([runId]);
      const run = await app.store.runs.get(runId);
      expect(run?.state).toBe('interrupted');
      expect(run?.finishedAt).not.toBeNull();
      expect(run?.progress?.counters.done).toBeGreaterThanOrEqual(0);
      expect((await app.store.runEvents.list(runId)).at(-1)?.message).toMatch(/interrupted/);
      // The scope is free again: a new run can start.
      expect((await app.runs.start('demo', { items: 1 }, 'cli')).alreadyRunning).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('a run owned by a live process with a fresh heartbeat is left alone', async () => {
    const owner = await createSyncwarden({ dataDir: dir.path, host: 'electron', withDemoEngine: true });
    const { runId } = await owner.runs.start('demo', { items: 10_000_000, delayMsPerPage: 20 }, 'manual');
    const second = await createSyncwarden({ dataDir: dir.path, host: 'cli', withDemoEngine: true });
    try {
      expect(second.recovered).toEqual([]);
      expect(['queued', 'running']).toContain((await second.store.runs.get(runId))?.state);
    } finally {
      await second.close();
      await owner.close();
    }
  });
});
