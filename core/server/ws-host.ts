import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '../api/limits';
import type { ClientFrame, ServerFrame } from '../api/transport';
import { dispatch } from '../app/dispatch';
import type { Syncwarden } from '../app/app';
import { createRefusalGuard, type RefusalGuardOptions } from './refusal-guard';
import { tokensMatch } from './token';

const WS_PATH = '/ws';
/** Close code sent when a frame is not a valid call. */
const CLOSE_BAD_FRAME = 4400;
/** Close code for a client that does not read its events (its send buffer passed MAX_BUFFERED_BYTES). */
const CLOSE_SLOW_READER = 4408;
/** A client may fall this far behind on events before it is dropped, so one stuck tab cannot exhaust memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/**
 * Pacing of one client's calls. ws emits all frames of a received chunk synchronously and many handlers
 * answer synchronously, so dispatching each frame as it arrives built every answer of a flood before
 * the first was sent. Instead calls are dispatched in order, one per turn of the event loop (a
 * synchronous answer is sent before the next call starts), and only while less than
 * ANSWER_BUFFER_BYTES waits to be written to this client and fewer than MAX_CALLS_IN_FLIGHT of its
 * calls are unanswered. Past MAX_QUEUED_CALLS waiting, the socket stops reading (TCP backpressure).
 * So a client that calls and never reads holds one buffer and a few frames, and one that sends calls
 * which wait on something slow is paced by MAX_CALLS_IN_FLIGHT and CALL_HOLD_MS (below).
 */
const ANSWER_BUFFER_BYTES = 4 * 1024 * 1024;
const MAX_QUEUED_CALLS = 32;
/**
 * Calls of one client dispatched and not yet answered (each for CALL_HOLD_MS at most). Past it the pump
 * waits for one to finish or to pass CALL_HOLD_MS (and
 * the socket stops reading once MAX_QUEUED_CALLS wait), rather than answering a `busy` error: the
 * renderer has no concurrency limit of its own (TanStack Query refetches every query at once after a
 * run ends, a few dozen calls), and a refusal would fail those queries on screen, while waiting only
 * delays them by the few milliseconds a fast call takes. 16 is the product's own pool size (probes per
 * account, docs/performance.md), and above anything a person's clicks keep in flight.
 */
export const MAX_CALLS_IN_FLIGHT = 16;
/**
 * How long after its ARRIVAL one call holds a place among the MAX_CALLS_IN_FLIGHT; a call still unanswered then
 * stops counting (it still answers when it ends), and a call that waited that long in the queue is dispatched
 * at once without a place. So no call waits more than CALL_HOLD_MS to start, however many slow calls came
 * before it (runs.cancel behind 48 searches against a product database that stopped answering): counted from
 * dispatch, places freed 16 per CALL_HOLD_MS in arrival order, and a call behind k x 16 slow ones waited k x 5 s.
 * (A client that does not read its answers waits on ANSWER_BUFFER_BYTES besides.)
 * The socket stops reading past MAX_QUEUED_CALLS waiting, so a client starts about MAX_CALLS_IN_FLIGHT +
 * MAX_QUEUED_CALLS (48) calls per CALL_HOLD_MS at most, and has about 48 x (1 + D / CALL_HOLD_MS) alive where
 * D bounds a call's duration: 144 connection tests against a silent service (each an outbound socket for at
 * most 10 s). What outlives that is bounded where it is held: product-database reads by MAX_CONSOLE_APPDB_CALLS
 * process-wide (product-db-access.ts; the rest wait CONSOLE_APPDB_WAIT_MS at most, holding no socket).
 */
export const CALL_HOLD_MS = 5_000;

export interface WsHostOptions {
  app: Syncwarden;
  token: string;
  /** Origins allowed to connect: the server's own, nothing else. */
  allowedOrigins: () => readonly string[];
  /** Throttling of wrong tokens and aggregation of refusal logs (tests shorten the window). */
  refusals?: Omit<RefusalGuardOptions, 'log'>;
}

/**
 * The WebSocket host: the same handler table as IPC, behind a token and an
 * Origin check. The check happens at the HTTP upgrade, so a refused client
 * never gets a socket at all.
 *
 * Invariant (DESIGN §4.11): no client can take the host down. Every raw socket
 * and every WebSocket has an 'error' listener before anything is written to
 * it; a frame ws rejects (over maxPayload, invalid UTF-8, unmasked, reserved
 * opcode or RSV bits) closes that one client with ws's code (1009, 1007, 1002)
 * and is logged.
 */
export function createWsHost(options: WsHostOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const { app } = options;
  const log = app.log.child({ module: 'ws-host' });
  const guard = createRefusalGuard({ log, ...options.refusals });

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const address = request.socket.remoteAddress;
    socket.on('error', (error: Error & { code?: string }) => {
      // ws has already started closing with the right code; this listener only keeps the process alive.
      log.warn({ code: error.code, message: error.message, address }, 'closed a WebSocket client after a protocol error');
    });
    /** Calls read and not dispatched yet, with when each arrived (its CALL_HOLD_MS counts from then). */
    const queued: { frame: ClientFrame; at: number }[] = [];
    let inFlight = 0;
    let pumpScheduled = false;
    let waitingForWrite = false;
    const schedulePump = () => {
      if (pumpScheduled || queued.length === 0) return;
      pumpScheduled = true;
      setImmediate(pump);
    };
    /** A write finished: calls held back by a full answer buffer may go on. */
    const written = () => {
      if (!waitingForWrite) return;
      waitingForWrite = false;
      schedulePump();
    };
    function pump(): void {
      pumpScheduled = false;
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > ANSWER_BUFFER_BYTES) {
        waitingForWrite = true; // the next write callback schedules the pump again
        return;
      }
      const next = queued[0];
      if (!next) return;
      const holdLeft = next.at + CALL_HOLD_MS - Date.now();
      // Full, and the first waiting call is not overdue: every place is held by a call that arrived before it, so
      // one is given back (that call ends or passes its CALL_HOLD_MS) no later than this call falls due.
      if (inFlight >= MAX_CALLS_IN_FLIGHT && holdLeft > 0) return;
      queued.shift();
      const { frame } = next;
      // The call gives its place back once: when it ends, or CALL_HOLD_MS after it arrived if it has not. An
      // overdue call takes none.
      let holding = holdLeft > 0;
      if (holding) inFlight += 1;
      const letGo = () => {
        if (!holding) return;
        holding = false;
        clearTimeout(hold);
        inFlight -= 1;
        schedulePump();
      };
      const hold = setTimeout(letGo, Math.max(0, holdLeft));
      hold.unref();
      void dispatch(app.handlers, frame.method, frame.input, { actor: 'manual' }, app.log)
        .then((response) => send({ type: 'result', id: frame.id, response }))
        .catch((error: unknown) => log.error({ err: error, address }, 'could not answer a WebSocket call'))
        .finally(letGo);
      if (socket.isPaused && queued.length < MAX_QUEUED_CALLS / 2) socket.resume();
      schedulePump();
    }
    const send = (frame: ServerFrame) => {
      if (socket.readyState !== socket.OPEN) return;
      if (frame.type === 'event' && socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        // Events are pushed whatever the client does; answers are paced above instead.
        log.warn({ address, buffered: socket.bufferedAmount }, 'dropped a WebSocket client that stopped reading');
        socket.close(CLOSE_SLOW_READER, 'not reading');
        return;
      }
      socket.send(JSON.stringify(frame), written);
    };
    const unsubscribe = app.events.subscribe((event, payload) => send({ type: 'event', event, payload }));
    socket.on('close', () => {
      unsubscribe();
      queued.length = 0;
    });
    socket.on('message', (data) => {
      const frame = parseFrame(data.toString());
      if (!frame) {
        socket.close(CLOSE_BAD_FRAME, 'expected {type:"call", id, method, input}');
        return;
      }
      queued.push({ frame, at: Date.now() });
      if (queued.length >= MAX_QUEUED_CALLS && !socket.isPaused) socket.pause();
      schedulePump();
    });
  });

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    guardSocket(socket, log);
    const address = request.socket.remoteAddress ?? 'unknown';
    const refuse = (status: number, reason: string, extraHeaders = '') => {
      guard.note({ status, reason, address, origin: request.headers.origin });
      endRaw(socket, `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${extraHeaders}Content-Length: 0\r\n\r\n`);
    };
    const url = parseRequestTarget(request.url);
    if (!url) return refuse(400, 'Bad Request');
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!tokensMatch(options.token, url.searchParams.get('token'))) {
      const retryAfter = guard.retryAfterSeconds(address);
      guard.recordWrongToken(address);
      return retryAfter > 0 ? refuse(429, 'Too Many Requests', `Retry-After: ${retryAfter}\r\n`) : refuse(401, 'Unauthorized');
    }
    if (!options.allowedOrigins().includes(request.headers.origin ?? '')) return refuse(403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  }

  return {
    handleUpgrade,
    close: () =>
      new Promise<void>((resolve) => {
        guard.close();
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/**
 * Node's HTTP server removes its own 'error' listener from a socket it hands to
 * 'upgrade'; a reset (ECONNRESET, EPIPE) on it would then throw from the event
 * loop. Called first for every upgrade socket, before anything is written.
 */
export function guardSocket(socket: Duplex, log: { debug: (obj: object, msg: string) => void }): void {
  if (guarded.has(socket)) return;
  guarded.add(socket);
  socket.on('error', (error: Error & { code?: string }) => {
    log.debug({ code: error.code }, 'upgrade socket error');
    socket.destroy();
  });
}
const guarded = new WeakSet<Duplex>();

/**
 * The request target as a URL, or undefined when URL cannot resolve it. Node's
 * HTTP parser accepts targets such as `//[` (a scheme-relative URL with a broken
 * host) that make `new URL` throw; unguarded, that throw would take the server down.
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** Writes a raw HTTP refusal and closes; a socket the peer already reset is just destroyed. */
export function endRaw(socket: Duplex, response: string): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(response);
  // A peer that never reads must not keep the socket open.
  setTimeout(() => socket.destroy(), 5_000).unref();
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
