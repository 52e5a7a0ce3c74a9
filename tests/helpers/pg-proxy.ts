import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a PostgreSQL server on 127.0.0.1, for faults pg_terminate_backend cannot make
 * (written by the outside attack on the store's connection-loss retries, session 13). It passes bytes both ways, and can:
 * - cutAfterAnswer(marker): on the next statement whose bytes contain `marker`, let the server run it to its
 *   ReadyForQuery (an autocommit statement has committed by then), swallow the answer and close both sockets:
 *   the client sees the connection lost although the statement committed.
 * - blackhole(): from now on accept connections and never say a word (a store host that stopped answering: a
 *   failover to a dead address, a hung server), and close every connection open so far.
 */
export interface PgProxy {
  readonly port: number;
  /** Statements cut after their answer so far. */
  readonly cuts: number;
  cutAfterAnswer(marker: string): void;
  blackhole(): void;
  close(): Promise<void>;
}

const READY_FOR_QUERY = Buffer.from([0x5a, 0, 0, 0, 5]);

export async function startPgProxy(targetPort: number): Promise<PgProxy> {
  let marker = '';
  let cuts = 0;
  let silent = false;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  };
  const server: Server = createServer((client) => {
    track(client);
    if (silent) return; // accepted, never answered
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    let swallowing = false;
    client.on('data', (data) => {
      if (marker && data.includes(marker)) {
        swallowing = true;
        marker = '';
      }
      upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!swallowing) {
        client.write(data);
        return;
      }
      if (data.includes(READY_FOR_QUERY)) {
        cuts++;
        client.destroy();
        upstream.destroy();
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get cuts() {
      return cuts;
    },
    cutAfterAnswer(m) {
      marker = m;
    },
    blackhole() {
      silent = true;
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
