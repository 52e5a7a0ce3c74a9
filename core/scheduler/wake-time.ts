/** What decides when the scheduler's one timer should next wake it. */
export interface WakeInputs {
  now: number;
  /** The longest the timer may sleep (options.maxTimerMs). */
  maxTimerMs: number;
  paused: boolean;
  /** A timed pause ends here (ms since epoch); null when not paused or paused until resumed. */
  pausedUntil: number | null;
  /** Firings held back by the per-second rate cap. */
  readyWaiting: boolean;
  /** The earliest due entry, if any. */
  nextDueAt: number | null;
  /** When the product database must be re-read (once a minute), or null when there is none. */
  appDbReadAt: number | null;
}

/**
 * The next wake-up: the next due entry, the next second when the rate cap left
 * some waiting, the end of a timed pause, the next product-database read, and
 * never later than maxTimerMs. Wake-ups are coalesced to at most one a second,
 * since firings are second-grained anyway.
 */
export function nextWakeAt(input: WakeInputs): number {
  const { now } = input;
  const nextSecond = (Math.floor(now / 1000) + 1) * 1000;
  let at = now + input.maxTimerMs;
  if (!input.paused) {
    if (input.readyWaiting) at = Math.min(at, nextSecond);
    if (input.nextDueAt !== null) at = Math.min(at, Math.max(input.nextDueAt, now));
  } else if (input.pausedUntil !== null) {
    at = Math.min(at, input.pausedUntil);
  }
  if (input.appDbReadAt !== null) at = Math.min(at, input.appDbReadAt);
  return Math.max(at, Math.min(now + 1000, nextSecond));
}
