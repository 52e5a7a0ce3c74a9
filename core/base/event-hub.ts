import type { EventPayload } from '../api/contract';
import type { EventName } from '../api/names';

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Fans contract events out to every connected host (IPC windows, WebSocket clients, CLI). */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // One broken subscriber (a closed socket) must never stop a run.
      }
    }
  }
}
