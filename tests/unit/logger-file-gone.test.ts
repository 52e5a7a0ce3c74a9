import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createFileLogger } from '../../core/logging/logger';

/*
 * A log file that cannot be written (its folder removed under a running process, a full or read-only disk) loses
 * its lines, never the process: CI saw the file stream's 'error' as an uncaught exception when a test removed a
 * CLI's data dir while its log file was still being opened.
 */
const uncaught: unknown[] = [];
const record = (error: unknown) => void uncaught.push(error);
beforeEach(() => {
  uncaught.length = 0;
  process.on('uncaughtException', record);
});
afterEach(() => {
  process.off('uncaughtException', record);
  vi.restoreAllMocks();
});

it('the data dir removed under a file logger: its writes fail quietly (one line on stderr), the process goes on', async () => {
  const errors: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (errors.push(String(chunk)), true));
  for (let i = 0; i < 5; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'sw-log-gone-'));
    const log = await createFileLogger({ dataDir, maxSize: '1k' });
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 10 }); // the log file may appear meanwhile
    // Past the size: pino-roll rolls to a new file in the folder that is gone.
    for (let line = 0; line < 50; line++) log.info({ line, pad: 'x'.repeat(100) }, 'a line');
    // The stream fails when it next writes or rolls: wait for its one line (bounded; under load it comes later).
    for (let waited = 0; errors.length <= i && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    await log.close().catch(() => undefined);
  }
  expect(uncaught).toEqual([]);
  expect(errors.length).toBeGreaterThan(0);
  for (const line of errors) expect(line).toMatch(/cannot write its log/);
});

it('a line logged after close() is dropped, never thrown: a late connection error in a closed CLI (CI of session 15)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-log-closed-'));
  try {
    const log = await createFileLogger({ dataDir });
    log.info('before close');
    await log.close();
    // Before: SonicBoom threw 'SonicBoom destroyed' from inside pino into the caller (a pg-boss 'error' listener).
    expect(() => log.warn({ err: new Error('Connection terminated unexpectedly') }, 'job queue connection error (it reconnects)')).not.toThrow();
    await log.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(uncaught).toEqual([]);
    const files = readdirSync(join(dataDir, 'logs'));
    const text = files.map((name) => readFileSync(join(dataDir, 'logs', name), 'utf8')).join('');
    expect(text).toContain('before close');
    expect(text).not.toContain('job queue connection error');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
