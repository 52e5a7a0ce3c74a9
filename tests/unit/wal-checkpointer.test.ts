import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../core/store/database';
import { PACE_BYTES } from '../../core/store/sqlite-store-db';
import { openStore, STORE_FILE_NAME, type Store } from '../../core/store/store';
import { BACKSTOP_PAGES, startWalCheckpointer } from '../../core/store/wal-checkpointer';
import { REPO_ROOT } from '../helpers/paths';
import { rawSqlite } from '../helpers/sqlite-store';
import { makeTempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

const NOW = '2026-12-03T10:00:00.000Z';
/** A value about the size of one chunk of identity's sync table (2,000 rows). */
const CHUNK = 'x'.repeat(300 * 1024);

describe('the console store checkpoints its WAL on a worker thread', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: Store;
  beforeEach(async () => {
    dir = makeTempDir();
    store = await openStore(dir.path);
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  const walBytes = () => statSync(join(dir.path, `${STORE_FILE_NAME}-wal`)).size;

  it('keeps the WAL bounded under a sustained stream of large writes, without the host connection checkpointing', async () => {
    // The host's own automatic checkpoint is only the 64 MB backstop: a bounded WAL below it is the worker's doing.
    expect(rawSqlite(store).pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
    let largest = 0;
    const written = 160; // 48 MB, six pacing intervals
    for (let i = 0; i < written; i++) {
      await store.engineState.set('identity', `chunk:${i}`, CHUNK, NOW);
      largest = Math.max(largest, walBytes());
    }
    expect(written * CHUNK.length).toBeGreaterThan(5 * PACE_BYTES);
    // The WAL starts over after each paced checkpoint: at most one pacing interval plus what SQLite adds.
    expect(largest).toBeLessThan(2 * PACE_BYTES);
    expect(largest).toBeLessThan(BACKSTOP_PAGES * 4096);
    for (const i of [0, 80, written - 1]) expect(await store.engineState.get('identity', `chunk:${i}`)).toBe(CHUNK);
  });

  it('keeps the order of writes made while a paced checkpoint is awaited', async () => {
    // Fire-and-forget writes across several pacing points: each later write must land after the earlier ones.
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 80; i++) {
      pending.push(store.engineState.set('identity', 'same-key', `${i}:${CHUNK}`, NOW));
      if (i % 7 === 3) pending.push(store.engineState.delete('identity', 'same-key'));
    }
    pending.push(store.engineState.set('identity', 'same-key', 'last', NOW));
    await Promise.all(pending);
    expect(await store.engineState.get('identity', 'same-key')).toBe('last');
  });

  it('paces transactions too, and a paced transaction commits whole', async () => {
    for (let round = 0; round < 120; round++) {
      await store.transaction(async (tx) => {
        await tx.engineState.set('identity', `a:${round}`, CHUNK, NOW);
        await tx.engineState.set('identity', `b:${round}`, CHUNK, NOW);
      });
    }
    expect(walBytes()).toBeLessThan(2 * PACE_BYTES);
    expect(await store.engineState.get('identity', 'b:119')).toBe(CHUNK);
  });

  it('removes the WAL on close (the worker closes the last connection) and reopens with everything written', async () => {
    for (let i = 0; i < 40; i++) await store.engineState.set('identity', `chunk:${i}`, CHUNK, NOW);
    await store.close();
    expect(existsSync(join(dir.path, `${STORE_FILE_NAME}-wal`))).toBe(false);
    store = await openStore(dir.path);
    expect(await store.engineState.get('identity', 'chunk:39')).toBe(CHUNK);
  });
});

describe('when the checkpointer cannot run', () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => dir.remove());

  it('gives the host connection back SQLite’s automatic checkpoint, and checkpoint() does not wait', async () => {
    const file = join(dir.path, 'store.db');
    const db = openDatabase(file);
    const notABinding = join(dir.path, 'not-a-binding.node');
    writeFileSync(notABinding, 'not an addon');
    const checkpointer = startWalCheckpointer(db, file, { nativeBinding: notABinding });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
    await until(() => !checkpointer.running, 10_000, 'the failed worker noticed');
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.checkpoint();
    await checkpointer.stop();
    db.close();
  });
});

describe('a process whose last act is a paced write', () => {
  it('stays alive until the write has committed (the worker is referenced while a checkpoint is awaited)', async () => {
    const dir = makeTempDir();
    try {
      // One value past PACE_BYTES: the write itself waits for a checkpoint, with nothing else keeping the process up.
      const script = `
        import { openStore } from ${JSON.stringify(join(REPO_ROOT, 'core/store/store.ts'))};
        const store = await openStore(${JSON.stringify(dir.path)});
        // The worker up and idle first (a starting worker keeps a process alive by itself).
        await store.engineState.set('identity', 'small', 'v', '${NOW}');
        await new Promise((resolve) => setTimeout(resolve, 500));
        await store.engineState.set('identity', 'big', 'z'.repeat(${PACE_BYTES + 1024}), '${NOW}');
        console.log('written');
      `;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
      expect({ status: child.status, stdout: child.stdout.trim() }).toEqual({ status: 0, stdout: 'written' });
      const store = await openStore(dir.path);
      try {
        expect((await store.engineState.get<string>('identity', 'big'))?.length).toBe(PACE_BYTES + 1024);
      } finally {
        await store.close();
      }
    } finally {
      dir.remove();
    }
  });
});

describe('a process that never closes its store', () => {
  it('still exits: the worker never keeps it alive', () => {
    const dir = makeTempDir();
    try {
      const script = `
        import { openStore } from ${JSON.stringify(join(REPO_ROOT, 'core/store/store.ts'))};
        const store = await openStore(${JSON.stringify(dir.path)});
        await store.engineState.set('identity', 'k', 'v', '${NOW}');
        console.log('written');
      `;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(child.error).toBeUndefined();
      expect(child.stdout.trim()).toBe('written');
      expect(child.status).toBe(0);
    } finally {
      dir.remove();
    }
  });
});
