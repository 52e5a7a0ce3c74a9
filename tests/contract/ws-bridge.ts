import WebSocket from 'ws';
import type { CallResult } from '../../core/api/errors';
import { isEventName } from '../../core/api/names';
import type { ServerFrame, SyncwardenBridge } from '../../core/api/transport';

/** A Node-side client of the browser-mode WebSocket, speaking the same frames as the renderer. */
export async function connectWsBridge(url: string, origin: string): Promise<SyncwardenBridge & { close(): void }> {
  const socket = new WebSocket(url, { origin });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (response: CallResult<unknown>) => void>();
  const listeners = new Set<{ event: string; listener: (payload: unknown) => void }>();
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    if (frame.type === 'result') pending.get(frame.id)?.(frame.response);
    else for (const l of listeners) if (l.event === frame.event) l.listener(frame.payload);
  });
  return {
    invoke(method, input) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'call', id, method, input }));
      });
    },
    on(event, listener) {
      if (!isEventName(event)) throw new Error(`Unknown event ${JSON.stringify(event)}.`);
      const entry = { event, listener };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    close: () => socket.close(),
  };
}
