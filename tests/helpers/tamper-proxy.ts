import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A reverse proxy in front of an emulator that passes every request through
 * unless `tamper` answers it itself: a gateway, cache or captive portal
 * between the console and the service, as attack tests need one.
 */
export interface TamperProxy {
  /** The proxy's origin (`http://127.0.0.1:PORT`). */
  readonly url: string;
  /** Requests seen, in order (path and query as sent). */
  readonly seen: string[];
  /** Return true when the request was answered here; false passes it through. */
  tamper: (req: IncomingMessage, res: ServerResponse) => boolean;
  close(): Promise<void>;
}

export async function startTamperProxy(target: string): Promise<TamperProxy> {
  const upstream = new URL(target);
  const proxy: TamperProxy = {
    url: '',
    seen: [],
    tamper: () => false,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    proxy.seen.push(req.url ?? '');
    if (proxy.tamper(req, res)) return;
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(proxy, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return proxy;
}
