import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrowserServer } from '../../core/server/browser-server';
import { contentSecurityPolicy, CSP_META_PATTERN, metaContentSecurityPolicy } from '../../core/server/csp';
import { createTestApp, type TestApp } from '../helpers/test-app';

vi.mock('electron', () => ({ protocol: {}, shell: {} }));
const { APP_CSP, APP_CSP_OPTIONS, createAppProtocolHandler } = await import('../../electron/main/app-protocol');

/**
 * The built index.html (electron-vite build) carries the desktop's CSP as a
 * meta tag; app:// serves it with the same policy as a header, and browser
 * mode rewrites the tag to its own per-response policy (nonce, WebSocket
 * origin), so the two never disagree and Mantine's nonce'd styles still apply.
 */
const rendererDir = resolve(__dirname, '../../out/renderer');
const builtHtml = readFileSync(join(rendererDir, 'index.html'), 'utf8');
const metaOf = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1]?.replaceAll('&quot;', '"').replaceAll('&amp;', '&');
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.dispose());

describe('the CSP in index.html', () => {
  it('the build writes the desktop policy (without frame-ancestors, which a meta tag cannot carry) right after <meta charset>', () => {
    expect(metaOf(builtHtml)).toBe(metaContentSecurityPolicy(APP_CSP_OPTIONS));
    expect(APP_CSP).toContain("frame-ancestors 'none'");
    expect(metaOf(builtHtml)).not.toContain('frame-ancestors');
    expect(builtHtml.indexOf('<meta charset')).toBeLessThan(builtHtml.indexOf('Content-Security-Policy'));
  });

  it('app:// serves the built UI with a per-load nonce policy as header and meta (no unsafe-inline once loaded)', async () => {
    const response = await createAppProtocolHandler(rendererDir)({ url: 'app://syncwarden/index.html' });
    const header = response.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(header)?.[1] ?? '';
    expect(header).toBe(contentSecurityPolicy({ inlineStyles: { nonce } }));
    const html = await response.text();
    expect(metaOf(html)).toBe(metaContentSecurityPolicy({ inlineStyles: { nonce } }));
    expect(html).toContain(`<meta property="csp-nonce" nonce="${nonce}" />`);
  });

  it('browser mode replaces the meta with its own per-response policy: the same nonce as the header, no unsafe-inline', async () => {
    const server = await startBrowserServer({ app, rendererDir, port: 0 });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/`);
      const header = response.headers.get('content-security-policy') ?? '';
      const html = await response.text();
      const nonce = /'nonce-([^']+)'/.exec(header)?.[1];
      expect(nonce).toBeTruthy();
      expect(html.match(new RegExp(CSP_META_PATTERN, 'g'))).toHaveLength(1);
      const meta = metaOf(html) ?? '';
      expect(meta).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect(meta).toContain(`ws://127.0.0.1:${server.port}`);
      expect(meta).not.toContain('unsafe-inline');
      expect(header.replace("; frame-ancestors 'none'", '')).toBe(meta);
      expect(html).toContain(`<meta property="csp-nonce" nonce="${nonce}" />`);
    } finally {
      await server.close();
    }
  });
});
