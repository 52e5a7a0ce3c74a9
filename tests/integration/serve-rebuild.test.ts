import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { STYLE_NONCE_PLACEHOLDER } from '../../core/server/csp';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * A rebuild or an upgrade replaces the renderer's files under a running `syncwarden serve` (walk of issue 18).
 * A tab opened before still asks for its old chunk: the demo's server died of it (ENOENT thrown out of the
 * static file stream); it answers 404 and keeps serving. Finding 3: after a rebuild the browser-mode server still served the index.html it read
 * at start, pointing at chunks the rebuild removed: a blank page until restarted. The page (and the list of
 * static files) is re-read when index.html changes, and each response still gets its own style nonce.
 */
let app: TestApp;
let server: BrowserServer;
const renderer = makeTempDir('syncwarden-rebuild-');
const page = (chunk: string) =>
  `<!doctype html><html><head><meta charset="UTF-8" /><meta property="csp-nonce" nonce="${STYLE_NONCE_PLACEHOLDER}" /><script type="module" src="/assets/${chunk}"></script></head></html>`;

/** What electron-vite build does to out/renderer: old chunks go, new ones and a new index.html come. */
function rebuild(from: string, to: string, mtime: Date): void {
  rmSync(join(renderer.path, 'assets', from));
  writeFileSync(join(renderer.path, 'assets', to), `console.log(${JSON.stringify(to)})`);
  writeFileSync(join(renderer.path, 'index.html'), page(to));
  utimesSync(join(renderer.path, 'index.html'), mtime, mtime);
}

beforeAll(async () => {
  mkdirSync(join(renderer.path, 'assets'), { recursive: true });
  writeFileSync(join(renderer.path, 'assets', 'index-aaa.js'), 'console.log("aaa")');
  writeFileSync(join(renderer.path, 'assets', 'index-old.js'), 'console.log(1)');
  writeFileSync(join(renderer.path, 'assets', 'kept.js'), 'console.log(2)');
  writeFileSync(join(renderer.path, 'index.html'), page('index-aaa.js'));
  utimesSync(join(renderer.path, 'index.html'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  app = await createTestApp();
  server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
});

afterAll(async () => {
  await server.close();
  await app.dispose();
  renderer.remove();
});

describe('serve after a rebuild of the renderer', () => {
  it('answers 404 for a chunk removed under it and keeps serving the others', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/assets/index-old.js`)).status).toBe(200);
    rmSync(join(renderer.path, 'assets', 'index-old.js'));
    expect((await fetch(`${base}/assets/index-old.js`)).status).toBe(404);
    expect((await fetch(`${base}/assets/kept.js`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });

  it('serves the new index.html and its new chunk at the next page load, with a fresh nonce per response', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const before = await (await fetch(`${base}/`)).text();
    expect(before).toContain('/assets/index-aaa.js');

    rebuild('index-aaa.js', 'index-bbb.js', new Date('2026-01-01T00:01:00Z'));
    const first = await fetch(`${base}/`);
    const html = await first.text();
    expect(html).toContain('/assets/index-bbb.js');
    expect(html).not.toContain('index-aaa.js');
    const nonce = /'nonce-([^']+)'/.exec(first.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`nonce="${nonce}"`);
    expect(html).not.toContain(STYLE_NONCE_PLACEHOLDER);
    const again = await (await fetch(`${base}/`)).text();
    expect(again).not.toContain(`nonce="${nonce}"`);

    const chunk = await fetch(`${base}/assets/index-bbb.js`);
    expect(chunk.status).toBe(200);
    expect(await chunk.text()).toBe('console.log("index-bbb.js")');
    expect((await fetch(`${base}/assets/index-aaa.js`)).status).toBe(404);
  });

  it('answers 503 while index.html is missing mid-rebuild, and serves again once it is back', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    rmSync(join(renderer.path, 'index.html'));
    const during = await fetch(`${base}/`);
    expect(during.status).toBe(503);
    expect(await during.text()).toMatch(/rebuilt/);
    rebuild('index-bbb.js', 'index-ccc.js', new Date('2026-01-01T00:02:00Z'));
    const after = await (await fetch(`${base}/`)).text();
    expect(after).toContain('/assets/index-ccc.js');
    expect((await fetch(`${base}/assets/index-ccc.js`)).status).toBe(200);
  });
});
