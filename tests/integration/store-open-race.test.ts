import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Several processes starting on a new data directory at once (a cron line and a worker, two terminals) each
 * migrate the new store. Every one must start: one applies each migration, the others find it applied.
 */
const dir = makeTempDir();

function runsList(dataDir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, '--json', 'runs', 'list'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('a new console store opened by several processes at once', () => {
  beforeAll(() => assertBuilt());
  afterAll(() => dir.remove());

  it('every process starts (4 at once, 4 fresh directories)', async () => {
    for (let round = 0; round < 4; round++) {
      const dataDir = join(dir.path, `round-${round}`);
      const results = await Promise.all([0, 1, 2, 3].map(() => runsList(dataDir)));
      expect(results.map((r) => (r.code === 0 ? 'ok' : r.stderr.trim()))).toEqual(['ok', 'ok', 'ok', 'ok']);
    }
  }, 120_000);
});
