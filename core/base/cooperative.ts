/**
 * Cooperative multitasking for engines: they run on the host's event loop, so
 * they must give it back often enough that IPC and WebSocket stay responsive.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Yields when more than `budgetMs` of work has passed since the last yield.
 * Cheaper than yielding per item, safer than yielding per N items whose cost
 * is unknown.
 */
export class TimeSlicer {
  private sliceStart = performance.now();

  constructor(private readonly budgetMs = 8) {}

  async maybeYield(signal?: AbortSignal): Promise<void> {
    if (performance.now() - this.sliceStart < this.budgetMs) return;
    await yieldToEventLoop();
    signal?.throwIfAborted();
    this.sliceStart = performance.now();
  }
}
