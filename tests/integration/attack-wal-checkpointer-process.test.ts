import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const NOW = '2026-12-03T10:00:00.000Z';
const STORE_TS = JSON.stringify(join(REPO_ROOT, 'core/store/store.ts'));

/** A child script that opens the store, writes, and reports whether the checkpointer's worker runs. */
function childScript(dataDir: string): string {
  return `
    import { openStore } from ${STORE_TS};
    const store = await openStore(${JSON.stringify(dataDir)});
    await store.engineState.set('identity', 'k', 'v', '${NOW}');
    // Answered once the worker has opened its connection (or at once if it failed).
    await store.db.checkpointer.checkpoint();
    await new Promise((resolve) => setTimeout(resolve, 300));
    console.log('written running=' + store.db.checkpointer.running);
  `;
}

describe('attack: the WAL checkpointer in a whole process', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => dir.remove());

  it('a script (not -e) that never closes its store exits, with the checkpointer running', () => {
    // The shipped test runs its child with --input-type=module -e, where the worker dies at start (next test), so
    // it passes without a worker. Here the worker runs, and the process does not exit: worker.unref() is called
    // before worker.on('message', …), and adding that listener refs the worker's message port again.
    const script = join(dir.path, 'never-closes.mts');
    writeFileSync(script, childScript(join(dir.path, 'data')));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 15_000 });
    expect(child.stdout.trim()).toBe('written running=true');
    expect({ error: child.error?.message, signal: child.signal, status: child.status }).toEqual({ error: undefined, signal: null, status: 0 });
  });

  it('the checkpointer runs in a process started with --input-type=module (the shipped exit test)', () => {
    // The worker inherits the parent's execArgv; with --input-type=module its eval'd CommonJS source fails
    // ("require is not defined in ES module scope"), so the store silently runs without it.
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', childScript(join(dir.path, 'data'))], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('written running=true');
  });

  it('the store still opens where worker threads are not allowed (permission model without --allow-worker)', () => {
    // Before the change the store opened here; startWalCheckpointer's new Worker() now throws ERR_ACCESS_DENIED out of
    // openStore (and the host connection it opened is never closed), instead of falling back to SQLite's checkpoint.
    const script = `
      import { openStore } from ${STORE_TS};
      try {
        const store = await openStore(${JSON.stringify(join(dir.path, 'data'))});
        await store.engineState.set('identity', 'k', 'v', '${NOW}');
        console.log('value=' + (await store.engineState.get('identity', 'k')));
        await store.close();
      } catch (error) {
        console.log('failed: ' + error.code + ' ' + error.message);
      }
    `;
    const child = spawnSync(
      process.execPath,
      ['--permission', '--allow-fs-read=*', '--allow-fs-write=*', '--allow-addons', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 },
    );
    expect(child.stdout.trim()).toBe('value=v');
  });
});
