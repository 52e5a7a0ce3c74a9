import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStoreDb } from '../../core/store/postgres-store-db';
import { RunQueue } from '../../core/queue/run-queue';
import { fatalTerminating } from '../helpers/pg-wire';
import { usePostgres } from '../helpers/postgres';
import { makeTempDir } from '../helpers/temp-dir';
import { startWorkerProcess } from '../helpers/worker-process';
import { openStore } from '../../core/store/store';
import { PG_PASSWORD } from '../helpers/postgres';

/*
 * Fixed: the queue opens no LISTEN connection any more (workers poll every second). What the attack found:
 *
 * Attack s14 (guarded pg clients): the guard covers every pooled client (the `Client` option), and run-queue.ts says
 * pg-boss's LISTEN client "has a listener" of its own. It has one only until pg-boss closes it: its close() (and its
 * disconnect on a failed heartbeat) calls `client.removeAllListeners()` and then `client.end()`. A backend that says
 * FATAL 57P01 at that moment (a fast shutdown or pg_terminate_backend of every syncwarden session while a console
 * closes or a worker drains) reaches pg's Client with no active query: pg emits it as 'error', and nobody listens.
 *
 * The proxy below passes every byte to the real cluster. On the one connection that sent `LISTEN "...`, when the
 * client says Terminate ('X': its end()), the proxy answers FATAL 57P01 and hangs up, as a server terminating that
 * backend at the same instant would. The same answer on every pooled connection (store, queue reads, pg-boss's pool)
 * is held by the guard: those tests pass.
 */
const server = usePostgres();
let base = '';
const uncaught: unknown[] = [];
const record = (error: unknown) => void uncaught.push(error);

const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

interface KillProxy {
  port: number;
  readonly injected: number;
  close(): Promise<void>;
}

/** Passes bytes to 127.0.0.1:targetPort; answers a client's Terminate with FATAL 57P01 on the connections `which` picks. */
async function startTerminateKiller(targetPort: number, which: 'listen' | 'pooled'): Promise<KillProxy> {
  const sockets = new Set<Socket>();
  let injected = 0;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  };
  const proxy = createServer({ allowHalfOpen: true }, (client) => {
    track(client);
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    let listener = false;
    let killed = false;
    client.on('data', (data) => {
      if (data.includes('LISTEN "')) listener = true;
      const pick = which === 'listen' ? listener : !listener;
      if (!killed && pick && data.includes(TERMINATE)) {
        killed = true;
        injected++;
        upstream.destroy();
        // What a backend terminated at this instant says before it hangs up.
        client.end(fatalTerminating());
        return;
      }
      if (!killed) upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!killed) client.write(data);
    });
    client.on('end', () => {
      if (!killed) upstream.end();
    });
    upstream.on('close', () => {
      if (!killed) client.destroy();
    });
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    get injected() {
      return injected;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}

function via(proxy: KillProxy): string {
  const url = new URL(base);
  url.port = String(proxy.port);
  return url.toString();
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  base = await server().createDatabase('attack_s14_listen');
  // pg-boss's schema once, outside the proxies.
  const queue = new RunQueue({ connectionString: base });
  await queue.start();
  await queue.ensureEngine('demo');
  await queue.stop({ graceful: false, timeoutMs: 2_000 });
}, 120_000);

beforeEach(() => {
  uncaught.length = 0;
  process.on('uncaughtException', record);
});
afterEach(() => {
  process.off('uncaughtException', record);
});

describe('attack s14: a backend terminated while a pg connection is being closed', () => {
  it('the job queue (console close, worker drain): FATAL on pg-boss’s LISTEN connection as it closes must not crash the process', async () => {
    const proxy = await startTerminateKiller(server().port, 'listen');
    try {
      const errors: Error[] = [];
      const queue = new RunQueue({ connectionString: via(proxy), superviseIntervalSeconds: 2, onError: (error) => errors.push(error) });
      await queue.start();
      await queue.ensureEngine('demo');
      await queue.stop({ graceful: false, timeoutMs: 2_000 });
      await settle(500);
      // Fixed by opening no LISTEN connection (run-queue.ts useListenNotify: false): nothing to answer. Turned back
      // on, the proxy answers its Terminate with FATAL 57P01 and the uncaught exception below comes back.
      expect(proxy.injected).toBe(0);
      expect(uncaught).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 30_000);

  it('a real `syncwarden worker` drained by SIGTERM while its LISTEN connection is terminated exits 0, not with an uncaught exception', async () => {
    const proxy = await startTerminateKiller(server().port, 'listen');
    const dir = makeTempDir();
    try {
      const store = new URL(via(proxy));
      store.password = '';
      // The store's schema (the worker's own open would create it too; done here so its start is quick).
      await (await openStore(store.toString(), { password: PG_PASSWORD })).close();
      const worker = startWorkerProcess({ dataDir: dir.path, store: store.toString(), engines: ['demo'], concurrency: 1, drainTimeoutSeconds: 5 });
      try {
        await worker.started(60_000);
        const code = await worker.stop('SIGTERM');
        expect(proxy.injected).toBe(0); // no LISTEN connection (see the test above)
        expect(worker.out()).not.toMatch(/terminating connection due to administrator command/);
        expect(worker.out()).toContain('"worker.stopped"');
        expect(code).toBe(0);
      } finally {
        if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      }
    } finally {
      dir.remove();
      await proxy.close();
    }
  }, 90_000);

  it('held: the same FATAL on the pooled connections (pg-boss’s pool, the queue’s reads, the console store) as they close', async () => {
    const proxy = await startTerminateKiller(server().port, 'pooled');
    try {
      const queue = new RunQueue({ connectionString: via(proxy), superviseIntervalSeconds: 2, onError: () => undefined });
      await queue.start();
      await queue.ensureEngine('demo');
      await queue.liveCarriers('demo');
      await queue.boss.getQueue('sw.run.demo');
      await queue.stop({ graceful: false, timeoutMs: 2_000 });
      const store = new PostgresStoreDb({ connectionString: via(proxy), maxConnections: 2 });
      await store.all('SELECT 1');
      await store.transaction(async (tx) => tx.all('SELECT 1'));
      await store.close();
      await settle(500);
      expect(proxy.injected).toBeGreaterThan(0);
      expect(uncaught).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 30_000);
});
