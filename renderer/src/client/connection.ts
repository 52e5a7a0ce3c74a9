/**
 * The link to the host, as the shell shows it. IPC is always `open`; the
 * WebSocket goes through the other states.
 */
type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

export interface ConnectionState {
  status: ConnectionStatus;
  /** When the next reconnect attempt happens (epoch ms), while reconnecting. */
  retryAt?: number;
  /** Why access was refused, while unauthorized. */
  reason?: 'missing-token' | 'rejected-token';
}

export interface ConnectionSource {
  getState(): ConnectionState;
  subscribe(listener: () => void): () => void;
  /** Skip the backoff wait and try now (no-op for IPC). */
  retryNow(): void;
}

export const alwaysOpen: ConnectionSource = {
  getState: () => OPEN,
  subscribe: () => () => undefined,
  retryNow: () => undefined,
};
const OPEN: ConnectionState = { status: 'open' };
