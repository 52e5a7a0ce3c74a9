import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * Electron's security checklist items of the desktop shell, against a mocked
 * `electron`: permission handlers deny by default, the UI comes from the
 * privileged app:// scheme with the CSP and without path traversal, and
 * shell.openExternal is reached only for allowlisted URLs. (The sub-frame
 * refusal of the IPC host is in ipc-host.test.ts.)
 */
const fake = vi.hoisted(() => ({
  registerSchemesAsPrivileged: vi.fn(),
  handle: vi.fn(),
  openExternal: vi.fn(async (_url: string) => {}),
}));
vi.mock('electron', () => ({
  protocol: { registerSchemesAsPrivileged: fake.registerSchemesAsPrivileged, handle: fake.handle },
  shell: { openExternal: fake.openExternal },
}));

const { APP_CSP, createAppProtocolHandler, registerAppScheme, serveRenderer } = await import('../../electron/main/app-protocol');
const { contentSecurityPolicy } = await import('../../core/server/csp');
const ASSET_CSP = contentSecurityPolicy({ inlineStyles: 'none' });
const { denyPermissionsByDefault } = await import('../../electron/main/permissions');
const { isAllowedExternalUrl, openExternalAllowed } = await import('../../electron/main/external-links');
const { createRendererUrlCheck } = await import('../../electron/main/trusted-origin');

const dir = makeTempDir('syncwarden-app-protocol-');
const rendererDir = join(dir.path, 'out', 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(
  join(rendererDir, 'index.html'),
  '<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src \'self\'"><meta property="csp-nonce" nonce="__SYNCWARDEN_STYLE_NONCE__" /><div id="root"></div>',
);
writeFileSync(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(dir.path, 'out', 'secret.txt'), 'outside the renderer');
afterAll(() => dir.remove());

describe('the app:// protocol', () => {
  const serve = createAppProtocolHandler(rendererDir);

  it('is declared privileged (standard, secure) and handled by the renderer directory', () => {
    registerAppScheme();
    expect(fake.registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
    serveRenderer(rendererDir);
    expect(fake.handle).toHaveBeenCalledWith('app', expect.any(Function));
  });

  it('serves the built UI with the CSP: the page with a fresh style nonce per load (header, meta and csp-nonce agree), assets without inline styles', async () => {
    const page = await serve({ url: 'app://syncwarden/index.html', method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? '';
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(policy).toBe(contentSecurityPolicy({ inlineStyles: { nonce } }));
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("object-src 'none'");
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    expect(html).toContain(`<meta property="csp-nonce" nonce="${nonce}" />`);
    expect(html).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(html).not.toContain("default-src 'self'\"");
    // The baked (pre-load) policy never allows inline scripts either.
    expect(APP_CSP).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval)/);
    const again = await serve({ url: 'app://syncwarden/' });
    expect(again.status).toBe(200);
    expect(again.headers.get('content-security-policy')).not.toContain(nonce);
    const script = await serve({ url: 'app://syncwarden/assets/index-abc.js?v=1' });
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(ASSET_CSP);
    expect(await script.text()).toBe('console.log(1)');
  });

  it('refuses path traversal, other hosts, other schemes and writes', async () => {
    const refused = [
      'app://syncwarden/../secret.txt',
      'app://syncwarden/%2e%2e/secret.txt',
      'app://syncwarden/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://syncwarden/..%5csecret.txt',
      'app://syncwarden/%00index.html',
      'app://syncwarden/' + encodeURIComponent(join(dir.path, 'out', 'secret.txt')),
      'app://evil/index.html',
      'file:///etc/passwd',
      'app://syncwarden/missing.js',
      'app://syncwarden/%E0%A4%A',
    ];
    for (const url of refused) {
      const response = await serve({ url, method: 'GET' });
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('outside the renderer');
      expect(response.headers.get('content-security-policy')).toBe(ASSET_CSP);
    }
    expect((await serve({ url: 'app://syncwarden/index.html', method: 'POST' })).status).toBe(405);
  });
});

describe('permissions', () => {
  const isRendererUrl = createRendererUrlCheck({});
  let request: (wc: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void = () => {};
  let check: (wc: unknown, permission: string, origin: string, details: { requestingUrl?: string }) => boolean = () => true;
  let device: () => boolean = () => true;
  const session = {
    setPermissionRequestHandler: (handler: typeof request) => (request = handler),
    setPermissionCheckHandler: (handler: typeof check) => (check = handler),
    setDevicePermissionHandler: (handler: typeof device) => (device = handler),
  };
  denyPermissionsByDefault(session as never, isRendererUrl);
  const ask = (permission: string, url: string) => {
    let granted: boolean | undefined;
    request({ getURL: () => url }, permission, (value) => (granted = value), { requestingUrl: url });
    return granted;
  };

  it('request and check handlers deny every permission by default, even to our own page', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'midi', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-read', 'hid', 'serial', 'usb']) {
      expect(ask(permission, 'app://syncwarden/index.html'), permission).toBe(false);
      expect(check({ getURL: () => 'app://syncwarden/index.html' }, permission, 'app://syncwarden', { requestingUrl: 'app://syncwarden/index.html' }), permission).toBe(false);
    }
    expect(device()).toBe(false);
  });

  it('our own page may write the clipboard (Copy buttons); no other origin may', () => {
    expect(ask('clipboard-sanitized-write', 'app://syncwarden/index.html')).toBe(true);
    expect(check(null, 'clipboard-sanitized-write', 'app://syncwarden', { requestingUrl: 'app://syncwarden/index.html' })).toBe(true);
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'https://evil.example', { requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'file://', {})).toBe(false);
  });
});

describe('openExternalAllowed', () => {
  it('opens only https URLs on the OAuth hosts and the docs host', async () => {
    for (const url of ['https://accounts.google.com/o/oauth2/v2/auth?client_id=x', 'https://www.dropbox.com/oauth2/authorize?x=1', 'https://docs.syncwarden.app/']) {
      expect(await openExternalAllowed(url), url).toBe(true);
      expect(fake.openExternal).toHaveBeenLastCalledWith(url);
    }
    fake.openExternal.mockClear();
    const refused = [
      'https://evil.example/',
      'http://accounts.google.com/',
      'https://accounts.google.com.evil.example/',
      'https://user:pass@accounts.google.com/',
      'https://accounts.google.com:8443/',
      'https://dropbox.com/oauth2/authorize',
      'file:///etc/passwd',
      'smb://share/x',
      'javascript:alert(1)',
      'not a url',
    ];
    for (const url of refused) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
      expect(await openExternalAllowed(url), url).toBe(false);
    }
    expect(fake.openExternal).not.toHaveBeenCalled();
  });
});
