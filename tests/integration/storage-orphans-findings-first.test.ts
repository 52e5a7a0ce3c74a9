import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncwarden } from '../../core/app/app';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { connectionNameSecretKey } from '../../core/secrets/secret-store';
import { openStore, type Store } from '../../core/store/store';
import { REPO_ROOT } from '../helpers/paths';
import { DROPBOX_APP, dropboxFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * DESIGN §4.7 and §4.1 across a crash: an account's seen set and state (cursor, last full pass) let the next
 * check run a delta that skips the rows it saw, so they must never be committed before the findings that pass
 * made. Before account-writes.ts each account's state committed as soon as it was checked while its findings
 * waited in the run's buffer (250 at a time): a process killed in between left accounts "read in full" with
 * their orphans nowhere, and the next checks (deltas, nothing changed) reported none until the next full pass.
 */
const USERS = 40;
const GONE_PER_USER = 4;
const users = Array.from({ length: USERS }, (_, i) => `u${String(i).padStart(2, '0')}`);
const secretsEnv = { SYNCWARDEN_SECRETS: 'env', [EnvSecretStore.variableFor(connectionNameSecretKey('Dropbox', 'appSecret'))]: DROPBOX_APP.secret };

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('storage-orphans killed mid-check', () => {
  it('never leaves an account recorded as read without the findings of that read; the next check reports every orphan', async () => {
    world = await openStorageWorld(users.map((id) => ({ id, dropbox: dropboxFiles(id, 3), goneDropbox: Array.from({ length: GONE_PER_USER }, (_, g) => `id:gone-${id}-${g}`) })));
    // Slow listings, so the kill lands while accounts are still being checked.
    world.dropbox.fault('dropbox.files.list_folder', { status: 200, delayMs: 40, passThrough: true });
    const dataDir = join(world.dir, 'console');
    await world.app.close();

    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/integration/storage-orphans.crash-child.ts'), dataDir, 'check'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...secretsEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    let store: Store | undefined;
    let recorded: string[] = [];
    try {
      store = await openStore(dataDir);
      const heads = async () => (await store!.db.all<{ key: string }>(`SELECT key FROM engine_state WHERE engine = 'storage-orphans' AND key LIKE 'seen2:%' AND key NOT LIKE 'seen2:%:%:%'`)).map((r) => r.key);
      // Kill at the first account recorded as read in full: the moment its findings must already be there.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && recorded.length === 0) {
        recorded = await heads();
        if (recorded.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      child.kill('SIGKILL');
      await exited;
      recorded = await heads();
      expect(recorded.length, 'accounts recorded before the kill').toBeGreaterThan(0);
      expect(recorded.length, 'the kill came mid-check').toBeLessThan(USERS);
      const open = new Set((await store.findings.open('storage-orphans')).map((f) => f.subject));
      for (const key of recorded) {
        const user = key.split(':')[1] as string;
        const missing = Array.from({ length: GONE_PER_USER }, (_, g) => `file:row-id:gone-${user}-${g}`).filter((subject) => !open.has(subject));
        expect(missing, `${user} is recorded as read, so its orphans must be stored`).toEqual([]);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await store?.close();
    }

    // Again, to the end: every orphan of every account, whether the killed run had recorded it or not.
    const app = await createSyncwarden({ dataDir, host: 'cli', secrets: new EnvSecretStore(secretsEnv) });
    try {
      world.dropbox.fault('dropbox.files.list_folder', { status: 200, delayMs: 0, passThrough: true });
      const again = await app.runs.waitFor((await app.runs.start('storage-orphans', { mode: 'check' }, 'cli')).runId);
      expect(again?.state).toBe('succeeded');
      expect(resultOf(again as NonNullable<typeof again>)).toMatchObject({ orphans: USERS * GONE_PER_USER });
      const passes = resultOf(again as NonNullable<typeof again>).results.map((r) => (r as { pass?: string }).pass);
      // The recorded accounts ran deltas (their findings carried forward), the others full passes.
      expect(passes.filter((p) => p === 'delta').length).toBe(recorded.length);
      expect((await app.store.findings.open('storage-orphans')).length).toBe(USERS * GONE_PER_USER);
    } finally {
      await app.close();
    }
  }, 120_000);
});
