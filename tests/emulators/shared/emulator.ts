import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultBook, foreignResponse, type FaultScript } from './faults';

/**
 * The one way to build an emulator: named routes over node:http on an
 * ephemeral 127.0.0.1 port, with per-route request counts and fault scripts.
 * Each service's emulator supplies its routes and its own faithful bodies.
 */
export interface EmulatorRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Body parsed as JSON (undefined when empty or not JSON). */
  json<T = unknown>(): T | undefined;
  /** Body parsed as application/x-www-form-urlencoded. */
  form(): URLSearchParams;
}

export interface EmulatorResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDefinition {
  /** Stable route name for counts and faults, e.g. "drive.files.list". */
  name: string;
  method: string;
  /** Path pattern with :params, e.g. "/drive/v3/files/:fileId"; or a RegExp with named groups. */
  path: string | RegExp;
  handle(request: EmulatorRequest): EmulatorResponse | Promise<EmulatorResponse>;
}

export interface RunningEmulator {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  /** Requests per route name (unmatched requests count under "unmatched"). */
  counts(): Record<string, number>;
  count(route: string): number;
  resetCounts(): void;
  fault(route: string, script: FaultScript): void;
  clearFaults(route?: string): void;
  /** The route names this emulator answers (what `fault` and `count` take). */
  routeNames(): string[];
  /** The network latency every call waits before it is answered, in ms (0: none). */
  latency(): number;
  /** Changes it for the calls that arrive from now on (ms; 0 turns it off). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export interface EmulatorOptions {
  name: string;
  routes: readonly RouteDefinition[];
  port?: number;
  /** Rewrites a request path before routing (e.g. Cloudinary's encoded %2F). */
  normalizePath?: (path: string) => string;
  /**
   * A network's latency, in ms, added to every call (default 0: none): a
   * timer per request, so the event loop stays free and concurrent calls
   * wait side by side, as on a real network. Benchmarks set about 30 ms so
   * that work waits on the network as real imports do, not on local CPU.
   */
  latencyMs?: number;
}

/** The highest latency accepted (a timeout test uses a fault's delayMs, not this). */
const MAX_LATENCY_MS = 60_000;

/** Validates a latency: a finite number of ms in [0, MAX_LATENCY_MS]. */
function checkLatency(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_LATENCY_MS) throw new RangeError(`latency wants a number of ms in [0, ${MAX_LATENCY_MS}], got ${JSON.stringify(ms)}`);
  return ms;
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const compiled = options.routes.map((route) => ({ route, regex: toRegex(route.path) }));
  const counts = new Map<string, number>();
  const faults = new FaultBook();
  const bump = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  let latencyMs = checkLatency(options.latencyMs ?? 0);

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches every error itself (the try/catch around its body answers 500)
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = options.normalizePath ? options.normalizePath(url.pathname) : url.pathname;
      const rawBody = await readBody(req);
      if (path.startsWith('/__emulator/')) return control(path, req.method ?? 'GET', rawBody, res);
      // The network's latency: every call waits on its own timer, so N concurrent calls take about one latency, not N.
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const match = findRoute(compiled, req.method ?? 'GET', path);
      if (!match) {
        bump('unmatched');
        return send(res, { status: 404, body: { error: `emulator ${options.name}: no route for ${req.method} ${path}` } });
      }
      bump(match.route.name);
      const fault = faults.take(match.route.name);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.drop) return req.socket.destroy();
      const reply = (response: EmulatorResponse) => (fault?.stallAfterBytes === undefined ? send(res, response) : sendStalled(res, response, fault.stallAfterBytes));
      if (fault?.foreign && !fault.passThrough) {
        const foreign = foreignResponse(fault.foreign, fault.status, path);
        return reply({ status: fault.status, body: foreign.body, headers: { ...foreign.headers, ...fault.headers } });
      }
      if (fault && !fault.passThrough) return reply({ status: fault.status, body: fault.body, ...(fault.headers ? { headers: fault.headers } : {}) });
      const request: EmulatorRequest = {
        method: req.method ?? 'GET',
        path,
        params: match.params,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        json: <T>() => parseJson<T>(rawBody),
        form: () => new URLSearchParams(rawBody),
      };
      reply(await match.route.handle(request));
    } catch (error) {
      send(res, { status: 500, body: { error: `emulator ${options.name} crashed: ${String(error)}` } });
    }
  });

  // Control routes let a separate process (the demo, an e2e test) script faults and read counts.
  function control(path: string, method: string, rawBody: string, res: ServerResponse) {
    if (path === '/__emulator/counts' && method === 'GET') return send(res, { status: 200, body: Object.fromEntries(counts) });
    if (path === '/__emulator/faults' && method === 'POST') {
      const { route, ...script } = parseJson<FaultScript & { route: string }>(rawBody) ?? ({} as FaultScript & { route: string });
      faults.add(route, script);
      return send(res, { status: 200, body: { ok: true } });
    }
    // Latency belongs to the network, not to a test's script: reset leaves it as it is.
    if (path === '/__emulator/latency' && method === 'GET') return send(res, { status: 200, body: { ms: latencyMs } });
    if (path === '/__emulator/latency' && method === 'POST') {
      try {
        latencyMs = checkLatency(parseJson<{ ms?: unknown }>(rawBody)?.ms);
      } catch (error) {
        return send(res, { status: 400, body: { error: (error as Error).message } });
      }
      return send(res, { status: 200, body: { ok: true, ms: latencyMs } });
    }
    if (path === '/__emulator/reset' && method === 'POST') {
      counts.clear();
      faults.clear();
      return send(res, { status: 200, body: { ok: true } });
    }
    return send(res, { status: 404, body: { error: 'unknown control route' } });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    name: options.name,
    url: `http://127.0.0.1:${port}`,
    port,
    counts: () => Object.fromEntries(counts),
    count: (route) => counts.get(route) ?? 0,
    resetCounts: () => counts.clear(),
    fault: (route, script) => faults.add(route, script),
    clearFaults: (route) => faults.clear(route),
    routeNames: () => options.routes.map((route) => route.name),
    latency: () => latencyMs,
    setLatency: (ms) => void (latencyMs = checkLatency(ms)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function toRegex(path: string | RegExp): RegExp {
  if (path instanceof RegExp) return path;
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? `(?<${segment.slice(1)}>[^/]+)` : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

function findRoute(compiled: { route: RouteDefinition; regex: RegExp }[], method: string, path: string) {
  for (const { route, regex } of compiled) {
    if (route.method !== method) continue;
    const match = regex.exec(path);
    if (match) {
      const params = Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      return { route, params };
    }
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson<T>(text: string): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, response: EmulatorResponse): void {
  const payload = writeHead(res, response);
  res.end(payload);
}

/** The headers and the first `bytes` of the body, then silence: the socket stays open until the client gives up. */
function sendStalled(res: ServerResponse, response: EmulatorResponse, bytes: number): void {
  const payload = Buffer.from(writeHead(res, response));
  res.write(payload.subarray(0, Math.min(bytes, payload.byteLength - 1)));
}

function writeHead(res: ServerResponse, response: EmulatorResponse): string {
  const isText = typeof response.body === 'string';
  const payload = response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...response.headers,
  });
  return payload;
}
