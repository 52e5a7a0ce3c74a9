import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { connectionSecretKey } from '../../core/secrets/secret-store';
import { REPO_ROOT } from '../helpers/paths';
import { DROPBOX_APP, dropboxFiles, driveFiles, openStorageWorld, type StorageWorld } from './storage-orphans.setup';
import { TEST_CLIENT } from '../emulators/google/test-support';

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The CLI from source in a child process (async: the emulators live in this process and must keep answering). */
function cli(dataDir: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'core/cli/main.ts'), '--data-dir', dataDir, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('syncwarden check / repair / restore storage-orphans', () => {
  it('checks one provider of one user, refuses repair --all without --yes, repairs and restores', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 2), goneDrive: ['g-gone'], dropbox: dropboxFiles('ada', 2), goneDropbox: ['id:d-gone'] }]);
    const dataDir = join(world.dir, 'console');
    const ids = Object.fromEntries((await world.app.store.connections.list()).map((c) => [c.kind, c.id]));
    await world.app.close();
    // Headless secrets, as on a server: the CLI reads the OAuth app secrets from the environment.
    const env = {
      SYNCWARDEN_SECRETS: 'env',
      [EnvSecretStore.variableFor(connectionSecretKey(ids.google as number, 'clientSecret'))]: TEST_CLIENT.clientSecret,
      [EnvSecretStore.variableFor(connectionSecretKey(ids.dropbox as number, 'appSecret'))]: DROPBOX_APP.secret,
    };

    const check = await cli(dataDir, env, '--json', 'check', 'storage-orphans', '--user', 'ada', '--provider', 'drive');
    expect(check.code).toBe(0);
    const run = JSON.parse(check.stdout.trim().split('\n').at(-1) as string);
    expect(run).toMatchObject({ state: 'succeeded', trigger: 'cli', scope: 'user:ada:google', params: { provider: 'google' }, result: { accounts: 1, orphans: 1 } });
    expect(world.dropbox.count('dropbox.files.list_folder')).toBe(0);

    const refused = await cli(dataDir, env, 'repair', 'storage-orphans', '--all');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/would apply 1 open finding/);
    expect(await world.rows('SELECT COUNT(*) AS n FROM file_quarantine')).toEqual([{ n: 0 }]);

    const repaired = await cli(dataDir, env, '--json', 'repair', 'storage-orphans', '--all', '--yes');
    expect(repaired.code).toBe(0);
    expect(JSON.parse(repaired.stdout.trim().split('\n').at(-1) as string)).toMatchObject({ state: 'succeeded', result: { quarantined: 1 } });
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([{ id: 'row-g-gone' }]);

    const store = new Database(join(dataDir, 'syncwarden.db'), { readonly: true });
    const { id: findingId } = store.prepare(`SELECT id FROM findings WHERE engine = 'storage-orphans' AND status = 'quarantined'`).get() as { id: number };
    store.close();
    const restored = await cli(dataDir, env, 'restore', String(findingId));
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/restored/);
    expect(await world.rows('SELECT id FROM files WHERE id = ?', ['row-g-gone'])).toEqual([{ id: 'row-g-gone' }]);
    const again = await cli(dataDir, env, '--json', 'restore', String(findingId));
    expect(JSON.parse(again.stdout)).toMatchObject({ restored: false, status: 'restored' });
  }, 60_000);

  it('a restore that cannot succeed exits 1, says why on stderr and writes it to the log; the row stays quarantined', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1), goneDrive: ['g-gone'] }]);
    await world.run({ mode: 'check' });
    await world.run({ mode: 'repair', all: true });
    const [finding] = (await world.app.store.findings.list({ engine: 'storage-orphans', status: 'quarantined', sort: 'subject', direction: 'asc', limit: 10, offset: 0 })).items;
    const dataDir = join(world.dir, 'console');
    await world.app.close();
    // The product wrote a new row with the same id since the quarantine.
    await world.exec(`INSERT INTO files (id, user_id, provider, provider_file_id, name) VALUES ('row-g-gone', 'ada', 'google', 'new-file', 'new.pdf')`);

    const refused = await cli(dataDir, { SYNCWARDEN_SECRETS: 'env' }, 'restore', String(finding?.id));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/was not restored: A row with the id row-g-gone is in files again .* The row stays in quarantine/);
    expect(refused.stderr).not.toMatch(/see the log/);
    expect(await world.rows('SELECT id FROM file_quarantine')).toEqual([{ id: 'row-g-gone' }]);
    const logs = readdirSync(join(dataDir, 'logs')).map((f) => readFileSync(join(dataDir, 'logs', f), 'utf8')).join('\n');
    expect(logs).toMatch(/restore refused; the row stays quarantined/);
    expect(logs).toContain('is in files again');
  }, 60_000);

  it('runs list names the user of a run by email (one lookup for the page) and a repair of everyone as "All users", with its mode apart', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 1), goneDrive: ['g-gone'] }]);
    const dataDir = join(world.dir, 'console');
    const ids = Object.fromEntries((await world.app.store.connections.list()).map((c) => [c.kind, c.id]));
    await world.app.close();
    const env = {
      SYNCWARDEN_SECRETS: 'env',
      [EnvSecretStore.variableFor(connectionSecretKey(ids.google as number, 'clientSecret'))]: TEST_CLIENT.clientSecret,
      [EnvSecretStore.variableFor(connectionSecretKey(ids.dropbox as number, 'appSecret'))]: DROPBOX_APP.secret,
    };
    expect((await cli(dataDir, env, 'check', 'storage-orphans', '--user', 'ada', '--provider', 'drive')).code).toBe(0);
    expect((await cli(dataDir, env, 'repair', 'storage-orphans', '--all', '--yes')).code).toBe(0);

    const list = await cli(dataDir, env, 'runs', 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID +ENGINE +MODE +SCOPE +STATE/m);
    expect(list.stdout).toMatch(/storage-orphans +repair +All users +succeeded/);
    expect(list.stdout).toMatch(/storage-orphans +check +ada@example\.com · Google Drive +succeeded/);
    expect(list.stdout).not.toMatch(/repair:all|user:ada/);
    const checkRunId = /^(\d+) +storage-orphans +check/m.exec(list.stdout)?.[1];
    const detail = await cli(dataDir, env, 'runs', 'get', String(checkRunId));
    expect(detail.stdout).toMatch(/^ {2}mode: check\n {2}scope: ada@example\.com · Google Drive \(user ada\)$/m);
    // The quarantine names its files' owner by id only; the audit search by email finds it (the product database says who).
    const audit = await cli(dataDir, env, 'audit', 'list', '--user', 'ADA@example.com');
    expect(audit.stdout).toMatch(/quarantine-files +file:row-g-gone +1 row moved to file_quarantine$/m);
    // --json keeps the scope as the store keys it (the single-flight key is unchanged).
    const json = JSON.parse((await cli(dataDir, env, '--json', 'runs', 'list')).stdout) as { items: { scope: string }[] };
    expect(json.items.map((r) => r.scope)).toEqual(['repair:all', 'user:ada:google']);
  }, 60_000);
});
