/**
 * The one throttle: emissions are never closer than `intervalMs`, so 100 ms
 * means at most 10 per second whatever the request rate. The first request
 * emits at once (leading); later ones within the interval collapse into one
 * emission at its end (trailing), or are dropped when `trailing` is off, for
 * callers that emit again on their next change anyway.
 *
 * Callers: run progress (10 a second), the tray menu (one rebuild per 500 ms)
 * and scheduler.status (a moving next-run time at most every 5 s).
 */
export interface Throttle {
  /** Emits now and returns true when the interval has passed; otherwise schedules (or drops) and returns false. */
  request(): boolean;
  /** Emits now whatever the interval (a change someone must see at once) and restarts it; a pending emission is dropped, this one is newer. */
  flush(): void;
  /** Drops a pending trailing emission (the caller sends its own final state). */
  cancel(): void;
}

export interface ThrottleOptions {
  now?: () => number;
  /** Emit a request made inside the interval at its end (default) or drop it. */
  trailing?: boolean;
}

/** `emit` is given the emission's own time (`now()` when it was let through), so what it stamps is what was throttled. */
export function createThrottle(intervalMs: number, emit: (at: number) => void, options: ThrottleOptions = {}): Throttle {
  const now = options.now ?? Date.now;
  const trailing = options.trailing ?? true;
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;

  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const emitNow = () => {
    last = now();
    emit(last);
  };
  const fire = () => {
    timer = undefined;
    const wait = last + intervalMs - now();
    if (wait > 0) timer = setTimeout(fire, wait);
    else emitNow();
  };

  return {
    request() {
      if (timer !== undefined) return false;
      const wait = last + intervalMs - now();
      if (wait <= 0) {
        emitNow();
        return true;
      }
      if (trailing) timer = setTimeout(fire, wait);
      return false;
    },
    flush() {
      cancel();
      emitNow();
    },
    cancel,
  };
}
