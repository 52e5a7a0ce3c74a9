import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncwarden } from '../../core/app/app';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { connectionNameSecretKey } from '../../core/secrets/secret-store';
import { TEST_CLIENT } from '../emulators/google/test-support';
import { REPO_ROOT } from '../helpers/paths';
import { driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';

const ORPHANS = 30_000;
/**
 * A person's repair asks Drive again before it moves rows (repair-confirm.ts), so the killed process and the one
 * after it need the Google connection's client secret: from the environment, as a worker on another machine has it.
 */
const secretsEnv = { SYNCWARDEN_SECRETS: 'env', [EnvSecretStore.variableFor(connectionNameSecretKey('Google', 'clientSecret'))]: TEST_CLIENT.clientSecret };
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('storage-orphans repair and SIGKILL', () => {
  it('a repair killed mid-way, then run again, leaves every row untouched or quarantined exactly once', async () => {
    const gone = Array.from({ length: ORPHANS }, (_, i) => `gone-${String(i).padStart(5, '0')}`);
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: gone }]);
    const check = await world.run({ mode: 'check' });
    expect(check.result).toMatchObject({ orphans: ORPHANS });
    const dataDir = join(world.dir, 'console');
    await world.app.close();

    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/integration/storage-orphans.crash-child.ts'), dataDir], { cwd: REPO_ROOT, env: { ...process.env, ...secretsEnv }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const product = openSqliteAppDb({ path: world.dbPath });
    let seenMidway = 0;
    try {
      // Kill as soon as some rows (not all) are in quarantine: the repair is then in the middle of its batches.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const [row] = await product.query<{ n: number }>('SELECT COUNT(*) AS n FROM file_quarantine');
        seenMidway = row?.n ?? 0;
        if (seenMidway > 0) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      child.kill('SIGKILL');
      await exited;
      expect(seenMidway).toBeGreaterThan(0);
      const [{ q }] = (await product.query('SELECT COUNT(*) AS q FROM file_quarantine')) as [{ q: number }];
      expect(q).toBeLessThan(ORPHANS); // it really was cut short
      await expectEachRowOnce(product, gone, 3);
    } finally {
      await product.close();
    }

    // Start again: the killed run is recovered as interrupted, a new repair finishes the job.
    const app = await createSyncwarden({ dataDir, host: 'cli', secrets: new EnvSecretStore(secretsEnv) });
    try {
      expect(app.recovered).toHaveLength(1);
      expect((await app.store.runs.get(app.recovered[0] as number))?.state).toBe('interrupted');
      const rerun = await app.runs.waitFor((await app.runs.start('storage-orphans', { mode: 'repair', all: true }, 'cli')).runId);
      expect(rerun?.state).toBe('succeeded');
      const reader = openSqliteAppDb({ path: world.dbPath });
      try {
        await expectEachRowOnce(reader, gone, 3);
        expect(await reader.query('SELECT COUNT(*) AS n FROM file_quarantine')).toEqual([{ n: ORPHANS }]);
      } finally {
        await reader.close();
      }
      // The audit names every moved row. The move and the audit live in two databases: a kill after a batch's
      // move and before its findings were marked is audited again by the re-run, flagged as a recovery (at least once).
      const entries = (await app.store.audit.list({ engine: 'storage-orphans', limit: 500, offset: 0 })).items;
      const moved = entries.flatMap((e) => (e.before as { id: string }[]).map((r) => r.id));
      expect(new Set(moved).size).toBe(ORPHANS);
      const plain = entries.filter((e) => !(e.after as { recoveredAfterInterruption?: boolean }).recoveredAfterInterruption).flatMap((e) => (e.before as { id: string }[]).map((r) => r.id));
      expect(new Set(plain).size).toBe(plain.length);
      expect(moved.length - ORPHANS).toBeLessThanOrEqual(200); // at most the one batch in flight
      expect((await app.store.findings.list({ engine: 'storage-orphans', status: 'open', sort: 'createdAt', direction: 'desc', limit: 1, offset: 0 })).total).toBe(0);
    } finally {
      await app.close();
    }
  }, 120_000);
});

/** Every orphan row is in files or in file_quarantine, never both and never neither; live rows are untouched. */
async function expectEachRowOnce(db: ReturnType<typeof openSqliteAppDb>, gone: string[], live: number): Promise<void> {
  const inFiles = new Set((await db.query<{ id: string }>('SELECT id FROM files')).map((r) => r.id));
  const inQuarantine = new Set((await db.query<{ id: string }>('SELECT id FROM file_quarantine')).map((r) => r.id));
  const notOnce = gone.map((pid) => `row-${pid}`).filter((id) => Number(inFiles.has(id)) + Number(inQuarantine.has(id)) !== 1);
  expect(notOnce).toEqual([]);
  expect([...inFiles].filter((id) => id.startsWith('row-g-ada-'))).toHaveLength(live);
}
