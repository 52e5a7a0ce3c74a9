import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The redirect half of an installed-app sign-in (RFC 8252 §7.3): a one-shot
 * HTTP listener on 127.0.0.1 at a port the OS picks, waiting for the
 * provider's redirect with `code` and `state`. It answers the browser with a
 * short page, resolves with the code, and is closed whatever happens: the
 * code arrives, consent is denied, the state is wrong, the wait times out, or
 * the flow is cancelled. Only `CALLBACK_PATH` is served; anything else (a
 * favicon request, a port scan) gets a 404 and the wait goes on.
 */
export const CALLBACK_PATH = '/oauth/callback';

export type LoopbackFailure = 'denied' | 'state-mismatch' | 'provider-error' | 'timeout' | 'cancelled' | 'no-code';

export class LoopbackError extends Error {
  constructor(
    readonly reason: LoopbackFailure,
    message: string,
  ) {
    super(message);
    this.name = 'LoopbackError';
  }
}

export interface LoopbackOptions {
  /** The `state` sent to the provider; a redirect with another is refused. */
  state: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Who is asking, for the pages shown in the browser ("Google"). */
  service: string;
}

export interface Loopback {
  readonly redirectUri: string;
  /** The authorization code, or a LoopbackError. The listener is closed when this settles. */
  readonly code: Promise<string>;
  /** True once the listener no longer accepts connections. */
  readonly closed: boolean;
}

export async function openLoopback(options: LoopbackOptions): Promise<Loopback> {
  let settle!: { resolve: (code: string) => void; reject: (error: LoopbackError) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  let done = false;
  let closed = false;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH || done) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const outcome = readRedirect(url.searchParams, options.state, options.service);
    res.writeHead(outcome.ok ? 200 : 400, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(page(outcome.ok ? `Signed in to ${options.service}` : `${options.service} sign-in did not complete`, outcome.ok ? 'You can close this tab and return to Syncwarden.' : outcome.error.message));
    finish(outcome.ok ? undefined : outcome.error, outcome.ok ? outcome.code : undefined);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  const timer = setTimeout(() => finish(new LoopbackError('timeout', `No answer from ${options.service} within ${Math.round(options.timeoutMs / 1000)} s: the sign-in was not completed in the browser. Try Connect again.`)), options.timeoutMs);
  const onAbort = () => finish(new LoopbackError('cancelled', `The ${options.service} sign-in was cancelled.`));

  function finish(error: LoopbackError | undefined, value?: string): void {
    if (done) return;
    done = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // Stop listening at once; the browser's connection is let go once the page is sent.
    server.close(() => void (closed = true));
    server.closeIdleConnections();
    if (error) settle.reject(error);
    else settle.resolve(value ?? '');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // The port before any close: an already aborted signal closes the listener at once.
  const { port } = server.address() as AddressInfo;
  // A rejection nobody awaits yet (the caller awaits later) must not crash the process.
  code.catch(() => undefined);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    code,
    get closed() {
      return closed;
    },
  };
}

type Outcome = { ok: true; code: string } | { ok: false; error: LoopbackError };

/** RFC 6749 §4.1.2: `state` first (a forged redirect is refused whatever it says), then the error or the code. */
function readRedirect(params: URLSearchParams, state: string, service: string): Outcome {
  if (params.get('state') !== state) return { ok: false, error: new LoopbackError('state-mismatch', `The answer from ${service} did not carry this sign-in's state, so it was refused (it may be forged or from an older attempt). Try Connect again.`) };
  const error = params.get('error');
  if (error === 'access_denied') return { ok: false, error: new LoopbackError('denied', `Access was denied on ${service}'s consent page: nothing was connected.`) };
  if (error) return { ok: false, error: new LoopbackError('provider-error', `${service} refused the sign-in: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}.`) };
  const code = params.get('code');
  if (!code) return { ok: false, error: new LoopbackError('no-code', `${service} redirected back without an authorization code.`) };
  return { ok: true, code };
}

function page(title: string, text: string): string {
  const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
}
