import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import type { Syncwarden } from '../app/app';
import { contentSecurityPolicy, CSP_META_PATTERN, cspMetaTag, metaContentSecurityPolicy, STYLE_NONCE_PLACEHOLDER, type InlineStyles } from './csp';
import { rendererFiles } from './renderer-files';
import { guardRequests } from './request-guard';
import { createSessionToken } from './token';
import { createWsHost, endRaw, guardSocket, parseRequestTarget, type WsHostOptions } from './ws-host';

export interface BrowserServerOptions {
  app: Syncwarden;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Throttling of wrong tokens and aggregation of refusal logs (tests shorten the window). */
  refusals?: WsHostOptions['refusals'];
  /** Extra img-src origins (the demo's Cloudinary emulator; demo-image-origins.ts). */
  imageOrigins?: readonly string[];
}

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * Browser mode: the built renderer and the WebSocket host on 127.0.0.1 only.
 * Loopback plus a random token plus an Origin check keeps other local pages
 * and other users' processes out; the Host check stops DNS rebinding.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  if (!existsSync(options.rendererDir)) {
    throw new Error(`The console UI is not built (${options.rendererDir} is missing). Run \`npm run build\` first.`);
  }
  const token = options.token ?? createSessionToken();
  let port = 0;
  const selfOrigins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const ws = createWsHost({ app: options.app, token, allowedOrigins: selfOrigins, ...(options.refusals ? { refusals: options.refusals } : {}) });
  const files = rendererFiles(options.rendererDir);
  if (files.indexHtml() === null) throw new Error(`The console UI is not built (${join(options.rendererDir, 'index.html')} is missing). Run \`npm run build\` first.`);

  const server = createServer(guardRequests((req: IncomingMessage, res: ServerResponse) => {
    if (!isOwnHost(req.headers.host, port)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
      return;
    }
    const target = parseRequestTarget(req.url);
    if (!target) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request target');
      return;
    }
    if (isDocumentRequest(req, target.pathname)) {
      // Read per page load: a rebuild under a running server is picked up at the next reload (renderer-files.ts).
      const indexHtml = files.indexHtml();
      if (indexHtml === null) {
        setSecurityHeaders(res, port, 'none', options.imageOrigins ?? []);
        res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '2' }).end('The console UI is being rebuilt: reload in a moment.');
        return;
      }
      // The page gets a fresh style nonce per response, for the <style> elements Mantine renders (see csp.ts).
      const nonce = randomBytes(16).toString('base64');
      setSecurityHeaders(res, port, { nonce }, options.imageOrigins ?? []);
      // The built page's meta CSP is the desktop's; here it becomes this response's policy (nonce, ws origin, demo images).
      const meta = cspMetaTag(metaContentSecurityPolicy(policyOptions(port, { nonce }, options.imageOrigins ?? [])));
      const page = indexHtml.replace(CSP_META_PATTERN, () => meta).replaceAll(STYLE_NONCE_PLACEHOLDER, nonce);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : page);
      return;
    }
    setSecurityHeaders(res, port, 'none', options.imageOrigins ?? []);
    // sirv (dev: false) lists the files once at start and pipes a read stream with no error handler: a file
    // removed since (a rebuild or an upgrade under a running server, a stale tab asking for an old chunk)
    // would throw ENOENT out of the stream and stop the whole server. Such a file is a 404 instead (one removed
    // between this check and the read is caught by guardRequests: a cut response, not a crash).
    if (!existsSync(assetPath(options.rendererDir, target.pathname))) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    // Range is ignored: the answer is the whole file with 200, as RFC 9110 §14.2 allows. sirv 3's own range
    // parsing is wrong: start > end (`bytes=50-10`, no token needed) made fs.createReadStream throw out of
    // this listener and stopped serve; `bytes=-5` answers the first bytes, not the last; `bytes=0-0` the whole
    // file as a 206. Nothing here needs ranges (small scripts, styles and icons), so no range code of our own.
    delete req.headers.range;
    files.serveStatic(req, res);
  }, options.app.log));
  server.on('upgrade', (req, socket, head) => {
    // Before anything is written: a peer may reset at any moment (see guardSocket).
    guardSocket(socket, options.app.log);
    if (!isOwnHost(req.headers.host, port)) {
      endRaw(socket, 'HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // As for requests (guardRequests): a throw here would stop the server; it closes this one socket instead.
    try {
      ws.handleUpgrade(req, socket, head);
    } catch (error) {
      options.app.log.error({ err: error }, 'a browser-mode upgrade failed');
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  // After listen, an error on the listening socket (e.g. accept failing) must be logged, not thrown.
  server.on('error', (error) => options.app.log.error({ err: error }, 'browser-mode server error'));

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      await ws.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // server.close() waits for every open connection; one a local process holds half-sent (no token
      // needed) would hold the shutdown until Node's headers timeout (up to a minute).
      server.closeAllConnections();
      await closed;
    },
  };
}

function isOwnHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Where a request's file would be under the renderer dir (sirv serves nothing outside it); '' when the path cannot be decoded. */
function assetPath(rendererDir: string, pathname: string): string {
  try {
    return join(rendererDir, normalize(decodeURIComponent(pathname)));
  } catch {
    return '';
  }
}

/** The renderer's page: "/", "/index.html", or any extension-less path (sirv's single-page fallback would serve index.html there). */
function isDocumentRequest(req: IncomingMessage, pathname: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  return pathname === '/' || pathname === '/index.html' || !/\.[A-Za-z0-9]+$/.test(pathname);
}

function policyOptions(port: number, inlineStyles: InlineStyles, imgSrc: readonly string[]) {
  return { connectSrc: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`], imgSrc, inlineStyles };
}

function setSecurityHeaders(res: ServerResponse, port: number, inlineStyles: InlineStyles, imgSrc: readonly string[]): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(policyOptions(port, inlineStyles, imgSrc)));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}
