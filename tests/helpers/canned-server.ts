import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that gives canned answers, for tests that send the same
 * request through an SDK and through a plain `fetch` path and compare what
 * went out and what came back (gmail-fetch, gotrue-list-users).
 */
export interface CannedAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts, aborts). */
  delayMs?: number;
  /** Send half the body, wait this long, then the rest (a body that streams in, or times out half-way). */
  stallMidBodyMs?: number;
}

export interface SeenRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface CannedServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Every request received, in order (clear it with `seen.length = 0`). */
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** `defaultHeaders`: sent with an answer that names no headers of its own. */
export async function startCannedServer(answerFor: (request: IncomingMessage) => CannedAnswer, defaultHeaders: Record<string, string> = {}): Promise<CannedServer> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    const answer = answerFor(req);
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(answer.status, answer.headers ?? defaultHeaders);
      if (answer.stallMidBodyMs === undefined) return void res.end(answer.body);
      res.write(answer.body.slice(0, answer.body.length >> 1));
      setTimeout(() => res.destroyed || res.end(answer.body.slice(answer.body.length >> 1)), answer.stallMidBodyMs);
    }, answer.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
