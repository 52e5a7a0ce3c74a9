import { spawn } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { inbox, openMailWorld, type MailWorld } from './mail-import.setup';

/**
 * `syncwarden import mail-import --user ID` (the built CLI bundle) against the
 * Google emulator: the generic engine command runs the import and prints its
 * result. Secrets come from the environment (SYNCWARDEN_SECRETS=env), as on a
 * headless server.
 */
let world: MailWorld | undefined;
beforeAll(assertBuilt);
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('syncwarden import mail-import (CLI)', () => {
  it('imports one user by id, prints the result as JSON and records the CLI as the trigger', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 5) }, { id: 'grace', messages: inbox('grace', 2) }]);
    const google = (await world.app.connections.list()).find((c) => c.kind === 'google');
    const dataDir = world.app.dataDir;
    await world.app.close();
    const env = { SYNCWARDEN_SECRETS: 'env', [`SYNCWARDEN_SECRET_CONNECTION_${google?.id}_CLIENTSECRET`]: 'test-client-secret' };
    const { code, stdout, stderr } = await runCli(['--data-dir', dataDir, '--json', 'import', 'mail-import', '--user', 'u-ada'], env);
    expect(code, stderr).toBe(0);
    const run = JSON.parse(stdout) as { trigger: string; scope: string; state: string; result: Record<string, unknown> };
    expect(run).toMatchObject({ trigger: 'cli', scope: 'user:u-ada', state: 'succeeded', result: { users: 1, imported: 5 } });
    expect(await world.emails('u-ada')).toHaveLength(5);
    expect(await world.emails('u-grace')).toHaveLength(0);
  });

  it('import mail-import in text: messages and users are counted apart, so a second import of one user says 0 messages and 1 user done', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 3) }]);
    const google = (await world.app.connections.list()).find((c) => c.kind === 'google');
    const dataDir = world.app.dataDir;
    await world.app.close();
    const env = { SYNCWARDEN_SECRETS: 'env', [`SYNCWARDEN_SECRET_CONNECTION_${google?.id}_CLIENTSECRET`]: 'test-client-secret' };
    const first = await runCli(['--data-dir', dataDir, 'import', 'mail-import', '--user', 'u-ada'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^ {2}users: 1 \(1 done\)$/m);
    expect(first.stdout).toMatch(/^ {2}messages imported: 3$/m);
    const again = await runCli(['--data-dir', dataDir, 'import', 'mail-import', '--user', 'u-ada'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^ {2}messages imported: 0$/m);
    expect(again.stdout).toMatch(/^ {2}users: 1 \(1 done\)$/m);
    expect(again.stdout).toMatch(/ada@example\.com: done: 0 messages imported/);
    // The two counts are never printed under one word.
    expect(again.stdout).not.toMatch(/^\s*(imported|outcomes):/m);
    expect(again.stdout).not.toMatch(/[{[]"/);
  });

  it('check mail-import --user ID: the generic engine command reports what an import would bring in, and nothing is imported', async () => {
    world = await openMailWorld([{ id: 'ada', messages: inbox('ada', 4) }, { id: 'grace', messages: inbox('grace', 2) }]);
    const google = (await world.app.connections.list()).find((c) => c.kind === 'google');
    const dataDir = world.app.dataDir;
    await world.app.close();
    const env = { SYNCWARDEN_SECRETS: 'env', [`SYNCWARDEN_SECRET_CONNECTION_${google?.id}_CLIENTSECRET`]: 'test-client-secret' };
    const json = await runCli(['--data-dir', dataDir, '--json', 'check', 'mail-import', '--user', 'u-ada'], env);
    expect(json.code, json.stderr).toBe(0);
    const run = JSON.parse(json.stdout) as { trigger: string; scope: string; state: string; result: Record<string, unknown> };
    expect(run).toMatchObject({ trigger: 'cli', scope: 'check:user:u-ada', state: 'succeeded', result: { mode: 'check', users: 1, wouldImport: 4 } });
    const text = await runCli(['--data-dir', dataDir, 'check', 'mail-import'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('mail-import check');
    expect(text.stdout).toContain('wouldImport: 6');
    expect(await world.emails('u-ada')).toHaveLength(0);
    expect(await world.settings('u-ada')).toMatchObject({ history_id: null });
  });
});

/** Asynchronous (unlike runCliSync): the emulator lives in this process and must keep answering while the CLI runs. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
