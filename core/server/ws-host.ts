import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, ServerFrame } from '../api/transport';
import { dispatch } from '../app/dispatch';
import type { Syncwarden } from '../app/app';
import { tokensMatch } from './token';

export const WS_PATH = '/ws';
/** Close code sent when a frame is not a valid call. */
export const CLOSE_BAD_FRAME = 4400;

export interface WsHostOptions {
  app: Syncwarden;
  token: string;
  /** Origins allowed to connect: the server's own, nothing else. */
  allowedOrigins: () => readonly string[];
}

/**
 * The WebSocket host: the same handler table as IPC, behind a token and an
 * Origin check. The check happens at the HTTP upgrade, so a refused client
 * never gets a socket at all.
 */
export function createWsHost(options: WsHostOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const { app } = options;

  wss.on('connection', (socket: WebSocket) => {
    const send = (frame: ServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    const unsubscribe = app.events.subscribe((event, payload) => send({ type: 'event', event, payload }));
    socket.on('close', unsubscribe);
    socket.on('message', async (data) => {
      const frame = parseFrame(data.toString());
      if (!frame) {
        socket.close(CLOSE_BAD_FRAME, 'expected {type:"call", id, method, input}');
        return;
      }
      const response = await dispatch(app.handlers, frame.method, frame.input, { actor: 'manual' }, app.log);
      send({ type: 'result', id: frame.id, response });
    });
  });

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const refuse = (status: number, reason: string) => {
      app.log.warn({ status, reason, origin: request.headers.origin }, 'refused a WebSocket connection');
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!tokensMatch(options.token, url.searchParams.get('token'))) return refuse(401, 'Unauthorized');
    if (!options.allowedOrigins().includes(request.headers.origin ?? '')) return refuse(403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  }

  return {
    handleUpgrade,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

function parseFrame(text: string): ClientFrame | undefined {
  try {
    const value = JSON.parse(text) as Partial<ClientFrame>;
    if (value.type === 'call' && typeof value.id === 'number' && typeof value.method === 'string') return value as ClientFrame;
  } catch {
    // fall through: not JSON
  }
  return undefined;
}
