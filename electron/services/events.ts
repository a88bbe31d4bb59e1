import type { ApiEvent, EventName, EventPayload } from '../api';

/** Pushes events to every connected transport (IPC window, WebSocket clients). */
export class EventBus {
  private listeners = new Set<(event: ApiEvent) => void>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener({ event, payload });
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
