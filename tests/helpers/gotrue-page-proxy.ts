import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A proxy in front of a GoTrue emulator that lets a test act on one page of the admin user listing by its
 * number: hold its request, answer it with something else, stall its body, rewrite its headers, or wait until
 * it has been answered. Everything else is forwarded as it came. 127.0.0.1 only.
 */

/** What a listing request gets instead of the emulator's answer; 'pass' (or nothing) forwards it. */
export type PageOverride = { status: number; body?: string; headers?: Record<string, string> } | { stallAfterBytes: number } | 'pass';
/** Runs when a listing request arrives (`nth`: its count for that page, from 1), before it is forwarded. */
export type PageHook = (page: number, nth: number) => Promise<PageOverride | void> | PageOverride | void;
/** Rewrites a forwarded listing answer's headers (lower-case names). */
export type PageRewrite = (page: number, headers: Record<string, string>) => Promise<void> | void;

export interface GoTruePageProxy {
  url: string;
  /** Every listing request as it arrived. */
  arrivals: { page: number; nth: number; at: number }[];
  setHook(hook: PageHook): void;
  setRewrite(rewrite: PageRewrite): void;
  /** Resolves once the `nth` request for `page` (default the first) has been answered. */
  answered(page: number, nth?: number): Promise<void>;
  close(): Promise<void>;
}

const HOP_HEADERS = ['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'keep-alive'];

export async function gotruePageProxy(target: { url: string }): Promise<GoTruePageProxy> {
  let hook: PageHook = () => undefined;
  let rewrite: PageRewrite = () => undefined;
  const arrivals: GoTruePageProxy['arrivals'] = [];
  const seen = new Map<number, number>();
  const answeredPromises = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const answeredFor = (page: number, nth: number) => {
    const key = `${page}#${nth}`;
    let entry = answeredPromises.get(key);
    if (!entry) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      entry = { promise, resolve };
      answeredPromises.set(key, entry);
    }
    return entry;
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const isList = req.method === 'GET' && url.pathname.endsWith('/admin/users');
      const page = Number(url.searchParams.get('page') ?? '0');
      let nth = 0;
      let override: PageOverride = 'pass';
      if (isList) {
        nth = (seen.get(page) ?? 0) + 1;
        seen.set(page, nth);
        arrivals.push({ page, nth, at: Date.now() });
        override = (await hook(page, nth)) ?? 'pass';
      }
      if (override !== 'pass' && 'status' in override) {
        res.writeHead(override.status, override.headers ?? {});
        res.end(override.body ?? '');
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      const upstream = await fetch(`${target.url}${req.url}`, { method: req.method, headers, ...(body.byteLength ? { body } : {}) });
      const out = Buffer.from(await upstream.arrayBuffer());
      const outHeaders: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!HOP_HEADERS.includes(k)) outHeaders[k] = v;
      });
      if (isList) await rewrite(page, outHeaders);
      outHeaders['content-length'] = String(out.byteLength);
      res.writeHead(upstream.status, outHeaders);
      if (override !== 'pass' && 'stallAfterBytes' in override) res.write(out.subarray(0, override.stallAfterBytes));
      else res.end(out);
      if (isList) answeredFor(page, nth).resolve();
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    setHook: (h) => void (hook = h),
    setRewrite: (r) => void (rewrite = r),
    answered: (page, nth = 1) => answeredFor(page, nth).promise,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
