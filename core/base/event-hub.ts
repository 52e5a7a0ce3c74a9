import type { EventPayload } from '../api/contract';
import type { EventName } from '../api/names';

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/**
 * Checks an event's payload before anyone receives it; returns the problem in
 * words, or null when it matches the contract (core/app/event-check.ts).
 */
export type EventCheck = (event: EventName, payload: unknown) => string | null;

export interface EventHubOptions {
  /** Off in production builds (the cost of walking every progress payload); on in development and tests. */
  check?: EventCheck;
  /** Told about an event the check refused; the event is not delivered. */
  onRefused?: (event: EventName, problem: string) => void;
}

/**
 * Fans contract events out to every connected host (IPC windows, WebSocket
 * clients, CLI). With a check, only payloads that match the contract are
 * delivered: a renderer never receives an event its types lie about.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly options: EventHubOptions = {}) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const problem = this.options.check?.(event, payload) ?? null;
    if (problem !== null) {
      this.options.onRefused?.(event, problem);
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // One broken subscriber (a closed socket) must never stop a run.
      }
    }
  }
}
