import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import type { Run } from '../../core/api/models';
import { startCloudinaryEmulator, type CloudinaryEmulator } from '../emulators/cloudinary/cloudinary.emulator';
import type { SeedAsset } from '../emulators/cloudinary/cloudinary-store';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { makeTempDir } from '../helpers/temp-dir';

export const CLOUD = { cloudName: 'media-test', apiKey: '111222333444555', apiSecret: 'media-test-secret' };
export const USERS = [
  { id: 'u-ada', email: 'ada@example.com' },
  { id: 'u-grace', email: 'grace@example.com' },
];

export interface MediaWorld {
  app: TestApp;
  emulator: CloudinaryEmulator;
  dbPath: string;
  run(params: Record<string, unknown>): Promise<Run>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A write to the product database from outside the engine (the product itself, meanwhile). */
  exec(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** The product database a world uses: a fresh SQLite file by default, or a PostgreSQL database. */
export interface MediaProductDb {
  open(dir: string): AppDbAdapter;
  connection(dir: string): { config: Record<string, unknown>; secrets: Record<string, string> };
}

export const sqliteProduct: MediaProductDb = {
  open: (dir) => openSqliteAppDb({ path: join(dir, 'product.db'), create: true }),
  connection: (dir) => ({ config: { driver: 'sqlite', path: join(dir, 'product.db') }, secrets: {} }),
};

export interface MediaWorldOptions {
  apiBaseUrl?: (emulatorUrl: string) => string;
  /** The users rows (default USERS). */
  users?: readonly { id: string; email: string }[];
  product?: MediaProductDb;
  hourlyBudget?: number;
}

/** A real app, a product DB (SQLite unless told) with two users, and the Cloudinary emulator behind a real connection. */
export async function openMediaWorld(assets: SeedAsset[], rows: { table: 'videos' | 'clips'; publicId: string; userId?: string; bytes?: number }[] = [], options: MediaWorldOptions = {}): Promise<MediaWorld> {
  const dir = makeTempDir();
  const dbPath = join(dir.path, 'product.db');
  const product = options.product ?? sqliteProduct;
  const db = product.open(dir.path);
  await initCanonicalSchema(db);
  await db.executeMany('INSERT INTO users (id, email) VALUES (?, ?)', (options.users ?? USERS).map((u) => [u.id, u.email]));
  for (const r of rows) {
    await db.execute(`INSERT INTO "${r.table}" (id, user_id, public_id, bytes) VALUES (?, ?, ?, ?)`, [`row-${r.publicId}`, r.userId ?? 'u-ada', r.publicId, r.bytes ?? null]);
  }
  await db.close();
  const emulator = await startCloudinaryEmulator({ clouds: [{ ...CLOUD, hourlyBudget: options.hourlyBudget ?? 5_000, assets }] });
  const app = await createTestApp({ dataDir: join(dir.path, 'console') });
  await app.connections.create({ kind: 'appdb', name: 'Product', ...product.connection(dir.path) } as Parameters<typeof app.connections.create>[0]);
  await app.connections.create({
    kind: 'cloudinary',
    name: 'Media',
    config: { cloudName: CLOUD.cloudName, apiKey: CLOUD.apiKey, rootFolder: 'media', apiBaseUrl: options.apiBaseUrl?.(emulator.url) ?? emulator.url },
    secrets: { apiSecret: CLOUD.apiSecret },
  });
  return {
    app,
    emulator,
    dbPath,
    async run(params) {
      const run = await app.runs.waitFor((await app.runs.start('media-import', params, 'manual')).runId);
      if (!run) throw new Error('run vanished');
      return run;
    },
    async rows(sql, params = []) {
      const reader = product.open(dir.path);
      try {
        return (await reader.query(sql, params as never[])) as never[];
      } finally {
        await reader.close();
      }
    },
    async exec(sql, params = []) {
      const writer = product.open(dir.path);
      try {
        return (await writer.execute(sql, params as never[])).changes;
      } finally {
        await writer.close();
      }
    },
    async close() {
      await app.close();
      await emulator.close();
      dir.remove();
    },
  };
}

export const video = (email: string, name: string, extra: Partial<SeedAsset> = {}): SeedAsset => ({ folder: `media/users/${email}/videos`, filename: name, publicId: name, ...extra });
export const clip = (email: string, name: string, extra: Partial<SeedAsset> = {}): SeedAsset => ({ folder: `media/users/${email}/clips`, filename: name, publicId: name, ...extra });

/** A pass-through proxy to the emulator that answers 503 to every search after the first `okSearches`. */
export async function failingProxy(target: () => string, okSearches: number): Promise<{ url: string; close(): Promise<void> }> {
  let searches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.includes('resources%2Fsearch') || req.url?.includes('resources/search')) {
      searches++;
      if (searches > okSearches) {
        req.resume();
        res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
        return;
      }
    }
    const upstream = new URL(target());
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
