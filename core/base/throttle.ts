/**
 * Leading + trailing throttle: the first request emits at once, later ones
 * within `intervalMs` collapse into one trailing emission. Emissions are never
 * closer than `intervalMs`, so 100 ms means at most 10 per second whatever the
 * request rate.
 */
export interface Throttle {
  request(): void;
  /** Drops a pending trailing emission (the caller sends its own final state). */
  cancel(): void;
}

export function createThrottle(intervalMs: number, emit: () => void, now: () => number = Date.now): Throttle {
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;

  const fire = () => {
    timer = undefined;
    const wait = last + intervalMs - now();
    if (wait > 0) {
      timer = setTimeout(fire, wait);
      return;
    }
    last = now();
    emit();
  };

  return {
    request() {
      if (timer !== undefined) return;
      const wait = last + intervalMs - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
