import type { SheetTimeouts } from '../../api/sheets';

export type TimeoutKind = 'connect' | 'idle' | 'total';

const ADVICE: Record<TimeoutKind, string> = {
  connect: 'Google did not answer a request in time. Check the network, or raise the connect timeout of this source.',
  idle: 'the download stalled (no data arrived). Check the network, or raise the idle timeout of this source.',
  total: 'the import took longer than allowed. Raise the total timeout of this source, or import a smaller range.',
};

/** A timeout, reported as such (code `timeout`), never as a generic network error. */
export class ImportTimeoutError extends Error {
  readonly code = 'timeout';

  constructor(
    readonly kind: TimeoutKind,
    readonly limitMs: number,
  ) {
    super(`Timed out (${kind} timeout, ${formatMs(limitMs)}): ${ADVICE[kind]}`);
    this.name = 'ImportTimeoutError';
  }
}

/**
 * The three explicit limits of one import. `signal` aborts on the run's own
 * cancel or on any timeout; every request and every yield watches it, so a
 * timeout stops the import wherever it is, and `explain` turns the resulting
 * abort error back into the timeout that caused it.
 * One watchdog serves connect and idle: a request arms `connect`; a stream
 * re-arms `idle` on every chunk; a 429 wait extends the watchdog by the wait.
 */
export class Deadlines {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly totalTimer: NodeJS.Timeout;
  private watchdog: NodeJS.Timeout | undefined;
  private fired: ImportTimeoutError | undefined;

  constructor(
    runSignal: AbortSignal,
    private readonly limits: SheetTimeouts,
  ) {
    this.signal = AbortSignal.any([runSignal, this.controller.signal]);
    this.totalTimer = setTimeout(() => this.fire('total', limits.totalMs), limits.totalMs);
  }

  /** (Re)starts the watchdog; `extraMs` covers a wait the service asked for (Retry-After). */
  arm(kind: 'connect' | 'idle', extraMs = 0): void {
    clearTimeout(this.watchdog);
    const limit = kind === 'connect' ? this.limits.connectMs : this.limits.idleMs;
    this.watchdog = setTimeout(() => this.fire(kind, limit), limit + extraMs);
  }

  disarm(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  /** Runs one request under the connect watchdog. */
  async request<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.arm('connect');
    try {
      return await call(this.signal);
    } catch (error) {
      throw this.explain(error);
    } finally {
      this.disarm();
    }
  }

  /** The timeout that fired, if any, in place of the abort error it caused. */
  explain(error: unknown): unknown {
    return this.fired ?? error;
  }

  dispose(): void {
    clearTimeout(this.totalTimer);
    this.disarm();
  }

  private fire(kind: TimeoutKind, limitMs: number): void {
    if (this.fired || this.signal.aborted) return;
    this.fired = new ImportTimeoutError(kind, limitMs);
    this.controller.abort(this.fired);
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
