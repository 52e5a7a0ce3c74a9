import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger } from '../../core/logging/logger';
import { STORE_FILE_NAME, openStore } from '../../core/store/store';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp } from '../helpers/test-app';

/** The data dir holds run history, audit before-images and logs: 0700, and every file in it 0600. */
const modeOf = (path: string) => statSync(path).mode & 0o777;
const temps: { remove(): void }[] = [];
function temp() {
  const dir = makeTempDir('syncwarden-perm-');
  temps.push(dir);
  return dir.path;
}

describe.skipIf(process.platform === 'win32')('data dir permissions', () => {
  afterEach(() => {
    for (const dir of temps.splice(0)) dir.remove();
  });

  it('a new data dir is created 0700, the store and its -wal and -shm 0600', async () => {
    const dataDir = join(temp(), 'nested', 'Syncwarden');
    const app = await createTestApp({ dataDir });
    try {
      await app.store.runs.list({ limit: 1, offset: 0 });
      expect(modeOf(dataDir)).toBe(0o700);
      const file = join(dataDir, STORE_FILE_NAME);
      expect(modeOf(file)).toBe(0o600);
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
    } finally {
      await app.close();
    }
  });

  it('an existing 0755 data dir and 0644 store files are tightened when opened', async () => {
    const dataDir = temp();
    const first = await openStore(dataDir);
    await first.close();
    const file = join(dataDir, STORE_FILE_NAME);
    chmodSync(dataDir, 0o755);
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    const store = await openStore(dataDir);
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('logs: a new folder is 0700 and a new log file 0600', async () => {
    const dataDir = join(temp(), 'fresh');
    const logger = await createFileLogger({ dataDir });
    logger.info('hello');
    await logger.close();
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
    const files = readdirSync(join(dataDir, 'logs'));
    expect(files.length).toBe(1);
    expect(modeOf(join(dataDir, 'logs', files[0] as string))).toBe(0o600);
  });

  it('logs: an existing 0755 folder and 0644 files are tightened', async () => {
    const dataDir = temp();
    mkdirSync(join(dataDir, 'logs'));
    chmodSync(join(dataDir, 'logs'), 0o755);
    for (const name of ['syncwarden.1.log', 'syncwarden.2.log']) writeFileSync(join(dataDir, 'logs', name), '{}\n', { mode: 0o644 });
    const logger = await createFileLogger({ dataDir });
    logger.info('hello');
    await logger.close();
    expect(modeOf(join(dataDir, 'logs'))).toBe(0o700);
    for (const name of readdirSync(join(dataDir, 'logs'))) expect([name, modeOf(join(dataDir, 'logs', name))]).toEqual([name, 0o600]);
  });
});
