import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../core/api/connections';
import { connectWsBridge } from '../contract/ws-bridge';
import { launchChromium } from '../helpers/browser';
import { assertBuilt } from '../helpers/cli';
import { ARTIFACTS_DIR, REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The README's first command, minus the build it starts with: `node
 * scripts/demo.mjs` brings up the emulators, the embedded app database and
 * five connections, then the console (browser mode here: no Electron binary).
 * Every connection must test ok through the real SDKs.
 */
describe('e2e: npm run demo', () => {
  const dir = makeTempDir('syncwarden-demo-');
  let demo: ChildProcess;
  let url: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    assertBuilt();
    demo = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'demo.mjs')], {
      cwd: REPO_ROOT,
      env: { ...process.env, SYNCWARDEN_HOME: dir.path, SYNCWARDEN_DEMO_PORT: '0', SYNCWARDEN_DEMO_BROWSER: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the demo printed no URL within 60 s')), 60_000);
      createInterface({ input: demo.stdout! }).on('line', (line) => {
        const match = /Open: (http\S+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (demo?.pid) process.kill(-demo.pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    dir.remove();
  });

  it('opens with five connections, each of which tests ok against its emulator', async () => {
    const { origin, searchParams } = new URL(url);
    const bridge = await connectWsBridge(`${origin.replace('http', 'ws')}/ws?token=${searchParams.get('token')}`, origin);
    try {
      const listed = await bridge.invoke('connections.list', {});
      if (!listed.ok) throw new Error(listed.error.message);
      const connections = listed.result as Connection[];
      expect(connections.map((c) => c.kind).sort()).toEqual(['appdb', 'cloudinary', 'dropbox', 'google', 'supabase']);
      for (const connection of connections) {
        const tested = await bridge.invoke('connections.test', { id: connection.id });
        expect(tested, connection.name).toMatchObject({ ok: true, result: { ok: true, status: 'ok' } });
      }
    } finally {
      bridge.close();
    }
  });

  it('shows the connections in the console', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(url);
    await page.getByRole('link', { name: 'Connections' }).first().click();
    for (const name of ['Product database', 'Google Workspace', 'Dropbox', 'Cloudinary media', 'Supabase Auth']) {
      await page.getByText(name, { exact: true }).first().waitFor({ state: 'visible', timeout: 10_000 });
    }
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'demo-connections.png'), fullPage: true });
  });
});
