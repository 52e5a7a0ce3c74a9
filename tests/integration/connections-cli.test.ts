import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDropboxSeed, startDropboxEmulator, type DropboxEmulator } from '../emulators/dropbox/dropbox.emulator';
import { assertBuilt } from '../helpers/cli';
import { CLI_BIN } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

/** Asynchronous: the emulator lives in this process and must keep answering while the CLI runs. */
function runCli(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCommand(process.execPath, [CLI_BIN, ...args], env, stdin);
}

function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('syncwarden connections (CLI) with headless secrets', () => {
  const seed = loadDropboxSeed();
  let dropbox: DropboxEmulator;
  let dir: ReturnType<typeof makeTempDir>;
  beforeAll(async () => {
    assertBuilt();
    dropbox = await startDropboxEmulator(seed);
  });
  afterAll(async () => dropbox?.close());
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => dir.remove());
  const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => runCli(['--data-dir', dir.path, ...args], { SYNCWARDEN_SECRETS: 'env', ...env });
  const config = () => JSON.stringify({ appKey: seed.app.key, baseUrl: dropbox.url });

  it('adds, lists, tests and removes a connection whose secret is set in the environment beforehand', async () => {
    const env = { SYNCWARDEN_SECRET_NAME_FILES_APPSECRET: seed.app.secret };
    const added = await cli(env, '--json', 'connections', 'add', '--kind', 'dropbox', '--name', 'Files', '--config', config());
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ id: 1, kind: 'dropbox', secrets: { appSecret: { hasSecret: true } } });

    const list = await cli(env, 'connections', 'list');
    expect(list).toMatchObject({ code: 0, stdout: expect.stringMatching(/1 +dropbox +Files +appSecret set +never/) });
    expect(list.stdout + (await cli(env, '--json', 'connections', 'list')).stdout).not.toContain(seed.app.secret);

    const tested = await cli(env, '--json', 'connections', 'test', 'Files');
    expect(tested.code, tested.stderr).toBe(0);
    expect(JSON.parse(tested.stdout)).toMatchObject({ ok: true, status: 'ok' });
    // The id variable, when set, wins: a wrong one is a failed test (exit 5), not a crash.
    const wrong = await cli({ ...env, SYNCWARDEN_SECRET_CONNECTION_1_APPSECRET: 'wrong-secret' }, 'connections', 'test', '1');
    expect(wrong).toMatchObject({ code: 5, stdout: expect.stringMatching(/^bad-credentials: /) });

    const unconfirmed = await cli(env, 'connections', 'rm', 'Files');
    expect(unconfirmed).toMatchObject({ code: 2, stderr: expect.stringMatching(/add --yes/) });
    expect(await cli(env, 'connections', 'rm', 'Files', '--yes')).toMatchObject({ code: 0, stdout: expect.stringMatching(/Removed connection 1/) });
    expect((await cli(env, 'connections', 'list')).stdout).toMatch(/No connections yet/);
  });

  it('clear errors, exit 2: a missing variable, a value given in env mode, a clash, a credential in a URL, an unknown connection', async () => {
    const missing = await cli({}, 'connections', 'add', '--kind', 'dropbox', '--name', 'Files', '--config', config());
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('SYNCWARDEN_SECRET_NAME_FILES_APPSECRET') });
    const valued = await cli({ APP_SECRET: 'x' }, 'connections', 'add', '--kind', 'dropbox', '--name', 'Files', '--config', config(), '--secret-env', 'appSecret=APP_SECRET');
    expect(valued).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot be saved/) });
    const env = { SYNCWARDEN_SECRET_NAME_FILES_APPSECRET: seed.app.secret };
    expect((await cli(env, 'connections', 'add', '--kind', 'dropbox', '--name', 'Files', '--config', config())).code).toBe(0);
    expect(await cli(env, 'connections', 'add', '--kind', 'dropbox', '--name', 'Files', '--config', config())).toMatchObject({ code: 2, stderr: expect.stringMatching(/already exists/) });
    const url = await cli({}, 'connections', 'add', '--kind', 'appdb', '--name', 'Db', '--config', JSON.stringify({ driver: 'postgres', url: 'postgres://127.0.0.1/app?password=hunter2' }));
    expect(url).toMatchObject({ code: 2, stderr: expect.stringMatching(/leave the password out of the URL/) });
    expect(url.stderr).not.toContain('hunter2');
    expect((await cli({}, 'connections', 'test', 'Nope')).code).toBe(2);
    // --secret-stdin reads to the end of stdin however slowly it comes (a synchronous read failed with EAGAIN
    // here, the app having made stdin non-blocking); it then meets env mode's refusal, like --secret-env.
    // A shell pipe from a slow writer (a password manager's CLI waiting for a fingerprint).
    const piped = (writer: string) =>
      runCommand('sh', ['-c', `${writer} | "$0" "$@"`, process.execPath, CLI_BIN, '--data-dir', dir.path, 'connections', 'add', '--kind', 'dropbox', '--name', 'Late', '--config', config(), '--secret-stdin', 'appSecret'], {
        SYNCWARDEN_SECRETS: 'env',
      });
    expect(await piped('(sleep 0.5; echo late-secret)')).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot be saved/) });
    expect(await piped('(sleep 0.3; printf "")')).toMatchObject({ code: 2, stderr: expect.stringMatching(/nothing was read from stdin/) });
    expect((await cli({}, 'connections', 'add', '--kind', 'nope', '--name', 'x')).code).toBe(2);
  });
});
