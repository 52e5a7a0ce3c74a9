import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { makeTempDir } from '../helpers/temp-dir';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * A rebuild or an upgrade replaces the renderer's files under a running
 * `syncwarden serve`; a tab opened before still asks for its old chunk. The
 * walk of issue 18 saw the demo's server die of it (ENOENT thrown out of the
 * static file stream). The server answers 404 and keeps serving.
 */
let app: TestApp;
let server: BrowserServer;
const renderer = makeTempDir('syncwarden-renderer-');

beforeAll(async () => {
  mkdirSync(join(renderer.path, 'assets'), { recursive: true });
  writeFileSync(join(renderer.path, 'index.html'), '<!doctype html><title>Syncwarden</title>');
  writeFileSync(join(renderer.path, 'assets', 'index-old.js'), 'console.log(1)');
  writeFileSync(join(renderer.path, 'assets', 'kept.js'), 'console.log(2)');
  app = createTestApp();
  server = await startBrowserServer({ app, rendererDir: renderer.path, port: 0 });
});

afterAll(async () => {
  await server.close();
  await app.dispose();
  renderer.remove();
});

describe('serve when a renderer file disappears under it', () => {
  it('answers 404 for the removed chunk and keeps serving the others', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/assets/index-old.js`)).status).toBe(200);
    rmSync(join(renderer.path, 'assets', 'index-old.js'));
    expect((await fetch(`${base}/assets/index-old.js`)).status).toBe(404);
    expect((await fetch(`${base}/assets/kept.js`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });
});
