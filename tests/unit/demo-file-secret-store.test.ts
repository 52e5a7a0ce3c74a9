import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_MARKER, DEMO_SECRETS_FILE, DemoFileSecretStore, markDemoDataDir } from '../../core/secrets/demo-file.secret-store';
import { selectSecretStore } from '../../core/secrets/select-secret-store';
import { makeTempDir } from '../helpers/temp-dir';

/** The demo's file store is chosen only for a dir the demo marked, keeps 0600, and never outranks an explicit choice. */
describe('demo file secret store', () => {
  const dirs: { remove(): void }[] = [];
  const temp = () => {
    const dir = makeTempDir('syncwarden-demo-secrets-');
    dirs.push(dir);
    return dir.path;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  it('is selected only for a data dir that holds the demo marker', () => {
    const plain = temp();
    expect(selectSecretStore({}, plain).kind).toBe('keychain');
    expect(selectSecretStore({}).kind).toBe('keychain');
    const demo = temp();
    markDemoDataDir(demo);
    expect(existsSync(join(demo, DEMO_MARKER))).toBe(true);
    expect(selectSecretStore({}, demo).kind).toBe('demo-file');
    expect(selectSecretStore({ SYNCWARDEN_SECRETS: '' }, demo).kind).toBe('demo-file');
    // An explicit choice wins, even in the demo's dir.
    expect(selectSecretStore({ SYNCWARDEN_SECRETS: 'env' }, demo).kind).toBe('env');
    expect(selectSecretStore({ SYNCWARDEN_SECRETS: 'keychain' }, demo).kind).toBe('keychain');
    expect(() => selectSecretStore({ SYNCWARDEN_SECRETS: 'file' }, demo)).toThrow(/must be "keychain"/);
  });

  it('round-trips secrets in a 0600 file that a second store (another process) sees at once', async () => {
    const dir = temp();
    const server = new DemoFileSecretStore(dir);
    const cli = new DemoFileSecretStore(dir);
    expect(await cli.get('connection/1/apiSecret')).toBeNull();
    await server.set('connection/1/apiSecret', 'sh"h\n{not json}');
    await server.set('connection/2/appSecret', 'two');
    expect(await cli.get('connection/1/apiSecret')).toBe('sh"h\n{not json}');
    expect(statSync(join(dir, DEMO_SECRETS_FILE)).mode & 0o777).toBe(0o600);
    await cli.delete('connection/1/apiSecret');
    expect(await server.get('connection/1/apiSecret')).toBeNull();
    expect(await server.get('connection/2/appSecret')).toBe('two');
    await cli.delete('never-set');
    expect(JSON.parse(readFileSync(join(dir, DEMO_SECRETS_FILE), 'utf8'))).toEqual({ 'connection/2/appSecret': 'two' });
  });

  it('refuses a secrets file that is not a JSON object instead of reading it as empty', async () => {
    const dir = temp();
    writeFileSync(join(dir, DEMO_SECRETS_FILE), '["a"]');
    await expect(new DemoFileSecretStore(dir).get('x')).rejects.toThrow(/not a JSON object/);
    writeFileSync(join(dir, DEMO_SECRETS_FILE), '{"x": 5, "y": "ok"}');
    expect(await new DemoFileSecretStore(dir).get('x')).toBeNull();
    expect(await new DemoFileSecretStore(dir).get('y')).toBe('ok');
  });
});
