import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { protocol } from 'electron';
import { contentSecurityPolicy, CSP_META_PATTERN, cspMetaTag, metaContentSecurityPolicy, STYLE_NONCE_PLACEHOLDER } from '../../core/server/csp';

/**
 * The built renderer is served from `app://syncwarden/…` instead of file://:
 * a file:// page may read any other file:// URL (Electron's
 * GrantFileProtocolExtraPrivileges), its origin is opaque, and a CSP header
 * cannot be attached to it. A standard, secure scheme gives the UI a real
 * origin ('self' means app://syncwarden only) and lets every response carry the CSP.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'syncwarden';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The policy baked into the built index.html as a meta tag (electron.vite.config.ts)
 * and sent with every non-page response: nothing remote. Mantine's <style>
 * elements get 'unsafe-inline' in the baked copy only; the page itself is
 * served with a fresh nonce per load instead (as in browser mode), and its
 * meta tag rewritten to match, so a loaded window never allows unsafe-inline.
 */
export const APP_CSP_OPTIONS = { inlineStyles: 'unsafe-inline' } as const;
export const APP_CSP = contentSecurityPolicy(APP_CSP_OPTIONS);
/** What every response that is not the page gets: no inline styles at all (scripts, CSS, images are not documents). */
const ASSET_CSP = contentSecurityPolicy({ inlineStyles: 'none' });

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
}

/** Serves `rendererDir` on app://syncwarden (after ready). */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
}

/**
 * The handler as a plain function, so a test can call it: GET/HEAD only, host
 * `syncwarden` only, the path resolved inside `rendererDir` (`..`, encoded
 * `%2e%2e`, backslashes and absolute paths refused), the CSP on every answer.
 */
export function createAppProtocolHandler(rendererDir: string): (request: { url: string; method?: string }) => Promise<Response> {
  const root = resolve(rendererDir);
  return async (request) => {
    const file = resolveInside(root, request.url);
    if (request.method && request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'Method not allowed');
    if (!file) return answer(404, 'Not found');
    try {
      const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      if (type.startsWith('text/html')) return servePage(await readFile(file, 'utf8'), request.method === 'HEAD');
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { ...securityHeaders(ASSET_CSP), 'Content-Type': type } });
    } catch {
      return answer(404, 'Not found');
    }
  };
}

function resolveInside(root: string, url: string): string | undefined {
  let parsed: URL;
  let pathname: string;
  try {
    parsed = new URL(url);
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  const wanted = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const file = resolve(join(root, wanted));
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return file;
}

/** The page with a fresh style nonce in the header, the meta policy and <meta property="csp-nonce"> (renderer/src/lib/style-nonce.ts). */
function servePage(html: string, head: boolean): Response {
  const nonce = randomBytes(16).toString('base64');
  const options = { inlineStyles: { nonce } };
  const page = html.replace(CSP_META_PATTERN, () => cspMetaTag(metaContentSecurityPolicy(options))).replaceAll(STYLE_NONCE_PLACEHOLDER, nonce);
  return new Response(head ? null : page, { status: 200, headers: { ...securityHeaders(contentSecurityPolicy(options)), 'Content-Type': MIME_TYPES['.html'] ?? 'text/html' } });
}

function securityHeaders(policy: string): Record<string, string> {
  return { 'Content-Security-Policy': policy, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
}

function answer(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...securityHeaders(ASSET_CSP), 'Content-Type': 'text/plain; charset=utf-8' } });
}
