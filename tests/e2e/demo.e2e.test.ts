import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../core/api/connections';
import type { Finding, Run } from '../../core/api/models';
import { loadDemoWorld, mediaAssets } from '../../scripts/demo/demo-seeds';
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

  let demoStartedAt = 0;

  beforeAll(async () => {
    assertBuilt();
    demoStartedAt = Date.now();
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
      expect(await bridge.invoke('app.info', {})).toMatchObject({ ok: true, result: { secretStore: 'demo-file' } });
      // "Already made and tested": the demo tested each one at start, before anyone clicked Test.
      for (const connection of connections) expect(connection.lastCheck, connection.name).toMatchObject({ ok: true, status: 'ok' });
      for (const connection of connections) {
        const tested = await bridge.invoke('connections.test', { id: connection.id });
        expect(tested, connection.name).toMatchObject({ ok: true, result: { ok: true, status: 'ok' } });
      }
    } finally {
      bridge.close();
    }
  });

  it("sends Connect Google and Connect Dropbox to the emulators' consent pages, not the real providers", async () => {
    const { origin, searchParams } = new URL(url);
    const bridge = await connectWsBridge(`${origin.replace('http', 'ws')}/ws?token=${searchParams.get('token')}`, origin);
    try {
      const listed = await bridge.invoke('connections.list', {});
      if (!listed.ok) throw new Error(listed.error.message);
      for (const connection of (listed.result as Connection[]).filter((c) => c.kind === 'google' || c.kind === 'dropbox')) {
        const begun = await bridge.invoke('connections.connect', { id: connection.id });
        if (!begun.ok) throw new Error(begun.error.message);
        const flow = begun.result as { flowId: string; authUrl: string };
        expect(new URL(flow.authUrl).hostname, connection.name).toBe('127.0.0.1');
        // The consent page answers, with its Allow button: the demo's Connect works offline.
        const consent = await fetch(flow.authUrl);
        expect(consent.status, connection.name).toBe(200);
        expect(await consent.text(), connection.name).toContain('id="allow"');
        await bridge.invoke('connections.connect.cancel', { flowId: flow.flowId });
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
    // The demo keeps its made-up secrets in its own file, and the page says so (not "the OS keychain").
    await page.getByText(/Secrets are kept in the demo's secrets file/).first().waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByText(/OS keychain/).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'demo-connections.png'), fullPage: true });
  });

  it('claims no check before one ran: Media, Storage and Sheets say "not checked" / "never"', async () => {
    browser ??= await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.getByRole('link', { name: 'Media' }).first().click();
    await page.getByTestId('media-empty').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByText(/every asset in Cloudinary has its row/).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'demo-start-media.png'), fullPage: true });
    await page.getByRole('link', { name: 'Storage' }).first().click();
    await page.getByText(/not been checked yet|Not checked yet/).first().waitFor({ state: 'visible', timeout: 10_000 });
    // A per-user storage schedule may have fired since the demo started; nothing else may claim a result.
    const { origin, searchParams } = new URL(url);
    const bridge = await connectWsBridge(`${origin.replace('http', 'ws')}/ws?token=${searchParams.get('token')}`, origin);
    const storageRuns = await bridge.invoke('runs.list', { engine: 'storage-orphans', limit: 500 });
    bridge.close();
    if (!storageRuns.ok) throw new Error(storageRuns.error.message);
    const scheduled = (storageRuns.result as { items: Run[] }).items;
    expect(scheduled.every((run) => run.trigger === 'schedule')).toBe(true);
    expect(await page.getByText(/SUCCEEDED/i).count()).toBeLessThanOrEqual(scheduled.length);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'demo-start-storage.png'), fullPage: true });
    await page.getByRole('link', { name: 'Sheets' }).first().click();
    await page.getByText('Pricing plans').first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'demo-start-sheets.png'), fullPage: true });
    // The invented history claimed 5 cached rows; nothing was imported, and the card says so.
    await page.getByText(/never imported/i).first().waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('starts with no invented history, and a real check finds exactly the drift the demo world seeds', async () => {
    const { origin, searchParams } = new URL(url);
    const bridge = await connectWsBridge(`${origin.replace('http', 'ws')}/ws?token=${searchParams.get('token')}`, origin);
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const answer = await bridge.invoke(method, input);
      if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
      return answer.result as T;
    };
    try {
      // Nothing invented: every run there is was started by one of the demo's own schedules after it
      // started (per-user schedules are spread over their interval, so one may fire during this test),
      // and every finding comes from such a run.
      const before = await call<{ total: number; items: Run[] }>('runs.list', { limit: 500 });
      for (const run of before.items) {
        expect(run.trigger, `run ${run.id} of ${run.engine}`).toBe('schedule');
        expect(Date.parse(run.startedAt ?? run.createdAt), `run ${run.id} of ${run.engine}`).toBeGreaterThanOrEqual(demoStartedAt);
      }
      const scheduledRuns = new Set(before.items.map((run) => run.id));
      const findingsBefore = await call<{ total: number; items: Finding[] }>('findings.list', { limit: 500 });
      for (const finding of findingsBefore.items) expect(scheduledRuns.has(finding.runId), `finding ${finding.id}`).toBe(true);
      const { runId } = await call<{ runId: number }>('runs.start', { engine: 'media-import', params: { mode: 'check' } });
      const deadline = Date.now() + 60_000;
      let { run } = await call<{ run: Run }>('runs.get', { id: runId });
      while ((run.state === 'queued' || run.state === 'running') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        ({ run } = await call<{ run: Run }>('runs.get', { id: runId }));
      }
      expect(run.state).toBe('succeeded');
      const found = await call<{ total: number; items: Finding[] }>('findings.list', { engine: 'media-import', status: 'open', limit: 500 });
      const seededMissing = mediaAssets(loadDemoWorld(REPO_ROOT)).filter((asset) => asset.missingRow);
      expect(seededMissing.length).toBe(18);
      expect(found.items.filter((f) => f.kind === 'missing-in-db').map((f) => f.subject.split(':').pop()).sort()).toEqual(
        seededMissing.map((asset) => asset.publicId).sort(),
      );
    } finally {
      bridge.close();
    }
  }, 90_000);
});
