import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * s26i (outside reviewer): issue #16 "a dead run never blocks". A run whose product database stops answering
 * after the handshake (PgBouncer waiting for a server connection, a silently dropped path) is not dead: its
 * process is alive and its heartbeat renews the lease. openPostgresAppDb sets only connectionTimeoutMillis (the
 * handshake); no query or statement timeout, and the run's abort signal never reaches a pg query. So the run
 * stays `running` for ever, its scope blocked (every start: alreadyRunning), and runs.cancel answers
 * cancelRequested: true while nothing ends.
 */
function silentPostgres(sockets: Set<Socket>): Server {
  return createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let greeted = false;
    socket.on('data', () => {
      if (greeted) return;
      greeted = true;
      socket.write(Buffer.concat([Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]), Buffer.from([0x5a, 0, 0, 0, 5, 0x49])]));
    });
  });
}

describe('s26i: a run waiting on a product database that stopped answering', () => {
  const sockets = new Set<Socket>();
  let pg: Server | undefined;
  let app: TestApp | undefined;
  let http: HttpServer | undefined;
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await app?.dispose();
    app = undefined;
    await new Promise((resolve) => (pg ? pg.close(resolve) : resolve(undefined)));
    http?.closeAllConnections();
    await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
  });

  it('a cancelled identity check ends, and the scope can start again', { timeout: 40_000 }, async () => {
    pg = silentPostgres(sockets);
    await new Promise<void>((resolve) => pg?.listen(0, '127.0.0.1', resolve));
    const port = (pg.address() as { port: number }).port;
    http = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ users: [], aud: 'authenticated' }));
    });
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
    const httpPort = (http.address() as { port: number }).port;
    const current = (app = await createTestApp());
    const call = (method: string, input: unknown) => dispatch(current.handlers, method, input, { actor: 'manual' });
    expect(await call('connections.create', { kind: 'appdb', name: 'Product', config: { driver: 'postgres', url: `postgres://app@127.0.0.1:${port}/app`, sslMode: 'disable' }, secrets: { password: 'pw' } })).toMatchObject({ ok: true });
    expect(await call('connections.create', { kind: 'supabase', name: 'Auth', config: { url: `http://127.0.0.1:${httpPort}` }, secrets: { serviceRoleKey: 'srk' } })).toMatchObject({ ok: true });
    const started = (await call('runs.start', { engine: 'identity', params: { mode: 'check' } })) as { ok: boolean; result: { runId: number } };
    expect(started).toMatchObject({ ok: true, result: { alreadyRunning: false } });
    const runId = started.result.runId;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    console.log('before cancel:', JSON.stringify((await current.store.runs.get(runId))?.error), 'pg sockets', sockets.size);
    expect(await call('runs.cancel', { id: runId })).toMatchObject({ ok: true });
    const t = Date.now();
    let state = (await current.store.runs.get(runId))?.state;
    while (state === 'running' || state === 'queued') {
      if (Date.now() - t > 20_000) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = (await current.store.runs.get(runId))?.state;
    }
    console.log(`after cancel + ${Date.now() - t} ms: ${state}`);
    expect(['cancelled', 'failed', 'interrupted']).toContain(state);
    const again = await call('runs.start', { engine: 'identity', params: { mode: 'check' } });
    expect(again).toMatchObject({ ok: true, result: { alreadyRunning: false } });
  });
});
