/**
 * The scheduler's only contact with time: a clock to read and one timer to
 * arm. Tests and the benchmark pass fakes, so days of schedules run in
 * milliseconds and nothing depends on the machine's speed.
 */
export interface TimerSource {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Real timers, unref'd: an armed scheduler never keeps a one-shot CLI command
 * alive. Hosts that stay up (desktop, serve, daemon) are kept alive by their
 * window, socket or signal wait.
 */
export const systemTimers: TimerSource = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
