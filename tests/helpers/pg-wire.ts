import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * PostgreSQL's wire protocol, as much as a fake server needs to answer a client's startup in ways a real server
 * only does under a race (tests of the drivers' edges; a real cluster is tests/helpers/postgres.ts).
 */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** AuthenticationOk: the login needs no password. */
export const AUTH_OK = message('R', Buffer.from([0, 0, 0, 0]));
/** ReadyForQuery, idle: the startup is over, the session takes statements. */
export const READY_FOR_QUERY = message('Z', Buffer.from('I'));

/** A FATAL ErrorResponse with this SQLSTATE and message, as a server sends it before it hangs up. */
export function fatalError(code: string, text: string): Buffer {
  return message('E', Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`));
}

/** The ErrorResponse a backend sends when an administrator (pg_terminate_backend, a fast shutdown) ends it: FATAL 57P01. */
export function fatalTerminating(): Buffer {
  return fatalError('57P01', 'terminating connection due to administrator command');
}

/** A server on 127.0.0.1 whose every connection, once the client has sent its startup, gets `answer`. */
export async function startPgWireServer(answer: (socket: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
