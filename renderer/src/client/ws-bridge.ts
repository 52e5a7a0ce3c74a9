import type { CallResult, ClientFrame, ServerFrame, SyncwardenBridge } from '@core/api';
import type { ConnectionSource, ConnectionState } from './connection';
import { forgetToken } from './token';

/** The host closes with this code when the token is wrong (after an upgrade). */
const CLOSE_UNAUTHORIZED = 4401;
const BACKOFF_START_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/**
 * A refused upgrade looks like any network failure to a browser (code 1006).
 * If the page's own server answers HTTP but twice in a row refuses the socket,
 * the token (or origin) is what it refuses: stop retrying and say so.
 */
const REFUSALS_BEFORE_UNAUTHORIZED = 2;

type Resolve = (response: CallResult<unknown>) => void;

export interface WebSocketBridgeOptions {
  /** ws(s)://host/ws?token=…, or null when the page has no token at all. */
  url: string | null;
  /** Any URL of the page's own server, fetched to tell "down" from "refused". */
  probeUrl: string;
}

/** Browser mode's bridge: one socket, calls queued until open, reconnect with capped backoff. */
export class WebSocketBridge implements SyncwardenBridge, ConnectionSource {
  private state: ConnectionState;
  private socket: WebSocket | undefined;
  private nextId = 1;
  private attempt = 0;
  private refusals = 0;
  /** Before the first open the shell shows "connecting", after it "connection lost". */
  private everOpened = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly queued: { frame: ClientFrame; resolve: Resolve }[] = [];
  private readonly inflight = new Map<number, Resolve>();
  private readonly eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<() => void>();

  constructor(private readonly options: WebSocketBridgeOptions) {
    this.state = options.url ? { status: 'connecting' } : { status: 'unauthorized', reason: 'missing-token' };
    if (options.url) {
      this.connect();
      window.addEventListener('online', () => this.retryNow());
    }
  }

  invoke(method: string, input: unknown): Promise<CallResult<unknown>> {
    if (this.state.status === 'unauthorized') return Promise.resolve(failure('unauthorized', UNAUTHORIZED_MESSAGE));
    const frame: ClientFrame = { type: 'call', id: this.nextId++, method, input };
    return new Promise((resolve) => {
      if (this.socket?.readyState === WebSocket.OPEN) this.send(frame, resolve);
      else this.queued.push({ frame, resolve });
    });
  }

  on(event: string, listener: (payload: unknown) => void): () => void {
    const set = this.eventListeners.get(event) ?? new Set();
    set.add(listener);
    this.eventListeners.set(event, set);
    return () => set.delete(listener);
  }

  getState = (): ConnectionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  retryNow = (): void => {
    if (this.state.retryAt === undefined) return;
    clearTimeout(this.timer);
    this.connect();
  };

  private connect(): void {
    if (!this.options.url) return;
    // Only one live socket: a manual retry must not leave an older attempt running.
    const previous = this.socket;
    this.socket = undefined;
    previous?.close();
    if (this.state.retryAt !== undefined) this.setState({ status: this.state.status });
    const socket = new WebSocket(this.options.url);
    let opened = false;
    this.socket = socket;
    socket.onopen = () => {
      opened = true;
      this.everOpened = true;
      this.attempt = 0;
      this.refusals = 0;
      this.setState({ status: 'open' });
      for (const { frame, resolve } of this.queued.splice(0)) this.send(frame, resolve);
    };
    socket.onmessage = (message) => this.receive(message.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.failInflight();
      if (event.code === CLOSE_UNAUTHORIZED) return this.refuse();
      if (opened) return this.scheduleReconnect();
      void this.serverAnswers().then((answers) => {
        this.refusals = answers ? this.refusals + 1 : 0;
        if (this.refusals >= REFUSALS_BEFORE_UNAUTHORIZED) this.refuse();
        else this.scheduleReconnect();
      });
    };
  }

  private send(frame: ClientFrame, resolve: Resolve): void {
    this.inflight.set(frame.id, resolve);
    this.socket?.send(JSON.stringify(frame));
  }

  private receive(data: unknown): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(data)) as ServerFrame;
    } catch {
      return; // Not ours to interpret; the host only sends JSON frames.
    }
    if (frame.type === 'result') {
      this.inflight.get(frame.id)?.(frame.response);
      this.inflight.delete(frame.id);
    } else if (frame.type === 'event') {
      for (const listener of this.eventListeners.get(frame.event) ?? []) {
        try {
          listener(frame.payload);
        } catch (error) {
          // One broken subscriber must not starve the others of events.
          console.error('event listener failed', error);
        }
      }
    }
  }

  /** Calls already sent cannot be known to have run: fail them rather than resend. */
  private failInflight(): void {
    const lost = failure('unavailable', 'The connection to Syncwarden was lost before it answered. Try again.');
    for (const resolve of this.inflight.values()) resolve(lost);
    this.inflight.clear();
  }

  private refuse(): void {
    forgetToken();
    const refused = failure('unauthorized', UNAUTHORIZED_MESSAGE);
    for (const { resolve } of this.queued.splice(0)) resolve(refused);
    this.setState({ status: 'unauthorized', reason: 'rejected-token' });
  }

  private scheduleReconnect(): void {
    const base = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** this.attempt);
    // Jitter keeps several tabs from hammering a restarting server in step.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    this.setState({ status: this.everOpened ? 'reconnecting' : 'connecting', retryAt: Date.now() + delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private async serverAnswers(): Promise<boolean> {
    try {
      const response = await fetch(this.options.probeUrl, { method: 'HEAD', cache: 'no-store' });
      return response.ok;
    } catch {
      return false;
    }
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener();
  }
}

const UNAUTHORIZED_MESSAGE = 'This page has no valid access token. Open the URL printed by `syncwarden serve`.';

function failure(code: 'unavailable' | 'unauthorized', message: string): CallResult<unknown> {
  return { ok: false, error: { code, message } };
}
