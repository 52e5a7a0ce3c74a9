import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvSecretStore } from '../../core/secrets/env.secret-store';
import { KeytarSecretStore } from '../../core/secrets/keytar.secret-store';
import { SecretStoreUnavailable } from '../../core/secrets/secret-store';
import { selectSecretStore } from '../../core/secrets/select-secret-store';
import { REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const CHILD = join(REPO_ROOT, 'tests/helpers/keychain-child.ts');

function runChild(withKeyring: boolean): Record<string, unknown> {
  const dir = makeTempDir('syncwarden-keyring-');
  try {
    const node = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(CHILD)}`;
    // A fresh keyring dir per run: reusing one with another password leaves the collection locked (toolchain.md).
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: dir.path, HOME: dir.path, DISPLAY: '' };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const result = withKeyring
      ? spawnSync('dbus-run-session', ['--', 'bash', '-c', `echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; ${node}`], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 })
      : spawnSync('bash', ['-c', node], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
    if (!result.stdout) throw new Error(`keychain child printed nothing: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } finally {
    dir.remove();
  }
}

describe('secrets', () => {
  it('the keytar store writes, reads, replaces and deletes in a real Secret Service (gnome-keyring)', () => {
    if (!existsSync('/usr/bin/dbus-run-session') || !existsSync('/usr/bin/gnome-keyring-daemon')) {
      throw new Error('dbus-run-session and gnome-keyring-daemon are needed: apt-get install dbus-daemon gnome-keyring libsecret-1-dev');
    }
    expect(runChild(true)).toEqual({ ok: true, read: 's3cr3t-value', rotated: 'rotated', afterDelete: null });
  });

  it('without any keychain the store fails with SecretStoreUnavailable and says what to do', () => {
    const result = runChild(false);
    expect(result).toMatchObject({ ok: false, name: 'SecretStoreUnavailable' });
    expect(result.message).toMatch(/SYNCWARDEN_SECRETS=env/);
  });

  it('a keytar that cannot load becomes SecretStoreUnavailable, and loading is retried later', async () => {
    let attempts = 0;
    const store = new KeytarSecretStore('x', async () => {
      attempts++;
      throw new Error('libsecret-1.so.0: cannot open shared object file');
    });
    await expect(store.get('k')).rejects.toBeInstanceOf(SecretStoreUnavailable);
    await expect(store.get('k')).rejects.toThrow(/keytar could not be loaded/);
    expect(attempts).toBe(2);
  });

  it('SYNCWARDEN_SECRETS=env reads secrets from named variables and never writes', async () => {
    const env = { SYNCWARDEN_SECRETS: 'env', [EnvSecretStore.variableFor('connection/3/apiSecret')]: 'from-env' };
    const store = selectSecretStore(env);
    expect(store.kind).toBe('env');
    expect(EnvSecretStore.variableFor('connection/3/apiSecret')).toBe('SYNCWARDEN_SECRET_CONNECTION_3_APISECRET');
    expect(await store.get('connection/3/apiSecret')).toBe('from-env');
    await expect(store.set('connection/4/apiSecret', 'x')).rejects.toThrow(/SYNCWARDEN_SECRET_CONNECTION_4_APISECRET/);
    expect(selectSecretStore({}).kind).toBe('keychain');
    expect(() => selectSecretStore({ SYNCWARDEN_SECRETS: 'plaintext' })).toThrow(/must be "keychain"/);
  });
});
