import type { CallResult } from './errors';
import type { EventPayload, MethodInput, MethodOutput } from './contract';
import type { EventName, MethodName } from './names';

/**
 * Wire shapes shared by the hosts and the renderer's client. The client is
 * written against `SyncwardenBridge`; IPC (preload) and WebSocket both provide it.
 */
export interface SyncwardenBridge {
  invoke(method: string, input: unknown): Promise<CallResult<unknown>>;
  /** Subscribe to a contract event; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** Input is optional for methods whose every field is optional (`app.info`, `runs.list`). */
type InputArgs<M extends MethodName> = Partial<MethodInput<M>> extends MethodInput<M> ? [MethodInput<M>?] : [MethodInput<M>];

/** The typed face of a bridge, used by renderer code. */
export interface SyncwardenClient {
  call<M extends MethodName>(method: M, ...input: InputArgs<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** WebSocket frames of browser mode. */
export type ClientFrame = { type: 'call'; id: number; method: string; input: unknown };
export type ServerFrame =
  | { type: 'result'; id: number; response: CallResult<unknown> }
  | { type: 'event'; event: EventName; payload: unknown };

/** IPC channel names used by the preload and the Electron host. */
export const IPC_INVOKE_CHANNEL = 'syncwarden:invoke';
export const IPC_EVENT_CHANNEL = 'syncwarden:event';
