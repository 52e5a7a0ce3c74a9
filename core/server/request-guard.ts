import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * A request listener that cannot take the server down (DESIGN §4.11). Node calls the listener with no
 * guard: a synchronous throw, a rejected promise, or an 'error' of a stream piped into the response
 * (sirv pipes fs.createReadStream with no error listener) is an uncaught exception that ends
 * `syncwarden serve` and its scheduler, and any local process can send the request (no token is asked
 * for static files). Here each of those becomes one log line for that request and:
 * - a 500, if nothing was sent yet;
 * - otherwise the response is destroyed: the status and length are already on the wire, so the peer
 *   must see a cut connection, never a short body that looks whole. Keep-alive cannot reuse it.
 * Other requests and connections are untouched.
 */
export function guardRequests(listener: RequestListener, log: { error: (obj: object, msg: string) => void }): RequestListener {
  return (req, res) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      log.error({ err: error, method: req.method, url: req.url?.slice(0, 200) }, 'a browser-mode request failed');
      try {
        if (res.headersSent || res.destroyed) throw new Error('too late for a status');
        res.writeHead(500, { 'Content-Type': 'text/plain', Connection: 'close' }).end('Internal error');
      } catch {
        res.destroy();
      }
    };
    res.on('pipe', (source: Readable) => source.once('error', fail));
    try {
      const outcome = listener(req, res);
      if (outcome instanceof Promise) outcome.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}
