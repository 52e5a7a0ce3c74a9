import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../core/api/connections';
import { demoImageOrigins } from '../../core/server/demo-image-origins';
import { DEMO_PID_FILE } from '../../scripts/demo/demo-workspace';
import { assertBuilt, runCliSync } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

interface Ready {
  ready: boolean;
  cleared: boolean;
}

/**
 * Walk of issue 18, findings 1 and 2: the emulators restart from the world's seed on every `npm run demo`,
 * while the data dir used to keep the last demo's console store. A repaired user then drifted again under
 * an audit log saying "repaired", and Media's stored thumbnails pointed at the last Cloudinary emulator's
 * port, which the page's CSP no longer allowed. The demo now starts from a fresh workspace and says so;
 * this starts it twice on one data dir and proves the second start agrees with its services.
 */
describe('the demo started twice on the same data dir', () => {
  const dir = makeTempDir('syncwarden-demo-restart-');
  let services: ChildProcess | undefined;
  const cli = (...args: string[]) => runCliSync(['--data-dir', dir.path, '--json', ...args], { SYNCWARDEN_SECRETS: '' });
  const json = <T>(...args: string[]): T => {
    const answer = cli(...args);
    expect(answer.code, `${args.join(' ')}: ${answer.stderr}`).toBe(0);
    return JSON.parse(answer.stdout) as T;
  };

  const start = async (): Promise<{ ready: Ready | null; stderr: string }> => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'demo', 'demo-services.ts'), dir.path], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = await new Promise<Ready | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the demo services were not ready within 60 s')), 60_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(null);
      });
      createInterface({ input: child.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Ready);
      });
    });
    if (ready) services = child;
    return { ready, stderr };
  };
  const stop = async () => {
    const child = services;
    services = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };

  afterAll(async () => {
    await stop();
    dir.remove();
  });

  it('clears the first demo\'s runs, repairs and audit log, and its thumbnails come from the running emulator', async () => {
    assertBuilt();
    const first = await start();
    expect(first.ready).toMatchObject({ ready: true, cleared: false });
    // The first demo: an identity repair of every finding (the audit log says "repaired") and a media check.
    expect(json<{ state: string }>('check', 'identity').state).toBe('succeeded');
    const repaired = cli('repair', 'identity', '--all', '--yes');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(json<{ items: unknown[] }>('audit', 'list').items.length).toBeGreaterThan(0);
    expect(json<{ state: string }>('check', 'media-import').state).toBe('succeeded');

    // A second demo on a dir whose demo still runs is refused, and empties nothing.
    const twice = await start();
    expect(twice.ready).toBeNull();
    expect(twice.stderr).toMatch(/already running/);
    expect(json<{ items: unknown[] }>('runs', 'list').items.length).toBeGreaterThan(0);

    await stop();
    expect(existsSync(join(dir.path, DEMO_PID_FILE))).toBe(false);
    const second = await start();
    expect(second.ready).toMatchObject({ ready: true, cleared: true });

    // No console history contradicting the services: no runs, findings or audit entries of the first demo.
    expect(json<{ items: unknown[] }>('runs', 'list').items).toEqual([]);
    expect(json<{ items: unknown[] }>('findings', 'list').items).toEqual([]);
    expect(json<{ items: unknown[] }>('audit', 'list').items).toEqual([]);
    // The emulators restarted from the seed: the drift the first demo repaired is there again, and found.
    const identity = json<{ state: string; result: { localOnly: number; remoteOnly: number; inconsistent: number } }>('check', 'identity');
    expect(identity.state).toBe('succeeded');
    expect(identity.result.localOnly + identity.result.remoteOnly + identity.result.inconsistent).toBeGreaterThan(0);

    // Every thumbnail Media would show comes from an origin the page's CSP allows now.
    expect(json<{ state: string }>('check', 'media-import').state).toBe('succeeded');
    const connections = json<Connection[] | { items: Connection[] }>('connections', 'list');
    const allowed = demoImageOrigins(dir.path, Array.isArray(connections) ? connections : connections.items);
    expect(allowed).toHaveLength(1);
    const findings = JSON.stringify(json<{ items: unknown[] }>('findings', 'list', '--engine', 'media-import'));
    const thumbnails = [...findings.matchAll(/"thumbnailUrl":"([^"]+)"/g)].map((m) => new URL(m[1] as string).origin);
    expect(thumbnails.length).toBeGreaterThan(0);
    expect([...new Set(thumbnails)]).toEqual(allowed);
  }, 180_000);

  it('refuses a data dir that is not empty and not a demo workspace', async () => {
    await stop();
    const other = makeTempDir('syncwarden-not-demo-');
    try {
      writeFileSync(join(other.path, 'console.db'), 'a real installation');
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'demo', 'demo-services.ts'), other.path], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/not a demo workspace/);
      expect(existsSync(join(other.path, 'console.db'))).toBe(true);
    } finally {
      other.remove();
    }
  }, 60_000);
});
