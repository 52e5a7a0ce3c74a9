import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SECRETS_FILE } from '../../core/secrets/demo-file.secret-store';
import { assertBuilt, runCliSync } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The README's CLI against the demo's data dir: the demo workspace (emulators, app DB, five connections)
 * is built by scripts/demo/demo-services.ts, then the real built CLI opens the same dir with nothing in its
 * environment but the dir: its secrets come from the demo's own 0600 file, not the server's environment.
 */
describe('the CLI against a demo workspace', () => {
  const dir = makeTempDir('syncwarden-demo-cli-');
  let services: ChildProcess;
  // No SYNCWARDEN_SECRETS and no secret variables: what a shell beside `npm run demo` has.
  const cli = (...args: string[]) => runCliSync(['--data-dir', dir.path, ...args], { SYNCWARDEN_SECRETS: '' });

  beforeAll(async () => {
    assertBuilt();
    services = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'demo', 'demo-services.ts'), dir.path], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ready = await new Promise<{ ready: boolean; env: Record<string, string> }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the demo services were not ready within 60 s')), 60_000);
      services.once('exit', (code) => reject(new Error(`demo services stopped (exit ${code})`)));
      createInterface({ input: services.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { ready: boolean; env: Record<string, string> });
      });
    });
    // Nothing the console needs travels through the environment any more.
    expect(ready).toEqual(expect.objectContaining({ ready: true, env: {} }));
  }, 90_000);

  afterAll(async () => {
    services?.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    dir.remove();
  });

  it('keeps the demo secrets in a 0600 file inside the demo dir', () => {
    expect(statSync(join(dir.path, DEMO_SECRETS_FILE)).mode & 0o777).toBe(0o600);
  });

  it('tests every connection and runs engine checks with the demo secrets', () => {
    for (const name of ['Product database', 'Google Workspace', 'Dropbox', 'Cloudinary media', 'Supabase Auth']) {
      const tested = cli('connections', 'test', name);
      expect(tested.code, `${name}: ${tested.stderr}`).toBe(0);
    }
    const identity = cli('--json', 'check', 'identity');
    expect(identity.stderr).not.toMatch(/secret-store-unavailable|keychain/i);
    expect(identity.code, identity.stderr).toBe(0);
    const media = cli('--json', 'check', 'media-import');
    expect(media.code, media.stderr).toBe(0);
    const runs = JSON.parse(cli('--json', 'runs', 'list').stdout) as { items: { engine: string; state: string }[] };
    expect(runs.items.map((run) => `${run.engine}:${run.state}`).sort()).toEqual(['identity:succeeded', 'media-import:succeeded']);
  }, 120_000);
});
