import type { Logger } from '../logging/logger';

/**
 * Throttles wrong browser-mode tokens and aggregates refusal logs.
 *
 * Why the right token is never throttled: the token has 192 random bits, so
 * guessing it online is hopeless however fast; what a flood of wrong tokens can
 * really cost is CPU, sockets and a log that grows one line per attempt. If a
 * throttled address also refused the right token, any local user could lock the
 * admin out of the console by sending garbage. So: after `maxFailures` wrong
 * tokens from one address inside a window, further wrong tokens get a cheap 429
 * with Retry-After instead of 401, and refusals of every kind are logged as one
 * line when a quiet period ends, plus one summary line per interval while they go on.
 */
export interface RefusalGuardOptions {
  log: Logger;
  /** Wrong tokens allowed per address and window before 429 (default 10). */
  maxFailures?: number;
  /** The throttling window and the log aggregation interval (default 60 s). */
  windowMs?: number;
  now?: () => number;
}

export interface Refusal {
  status: number;
  reason: string;
  address: string;
  origin?: string | undefined;
}

/** Bounds the per-address table: any 127.0.0.0/8 source address reaches a loopback server. */
const MAX_TRACKED_ADDRESSES = 1024;
const OVERFLOW_KEY = 'other';
const MAX_LOGGED_ADDRESSES = 10;

export function createRefusalGuard(options: RefusalGuardOptions) {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, { windowStart: number; count: number }>();
  let pending: { counts: Map<string, number>; addresses: Set<string>; total: number } | undefined;
  let timer: NodeJS.Timeout | undefined;

  function entryFor(address: string) {
    const t = now();
    if (failures.size >= MAX_TRACKED_ADDRESSES && !failures.has(address)) {
      for (const [key, entry] of failures) if (t - entry.windowStart >= windowMs) failures.delete(key);
    }
    const key = failures.size >= MAX_TRACKED_ADDRESSES && !failures.has(address) ? OVERFLOW_KEY : address;
    let entry = failures.get(key);
    if (!entry || t - entry.windowStart >= windowMs) {
      entry = { windowStart: t, count: 0 };
      failures.set(key, entry);
    }
    return entry;
  }

  function report(batch: NonNullable<typeof pending>): void {
    options.log.warn(
      { refused: batch.total, byStatus: Object.fromEntries(batch.counts), addresses: [...batch.addresses], intervalMs: windowMs },
      `refused ${batch.total} more WebSocket connection(s) in the last ${Math.round(windowMs / 1000)} s`,
    );
  }

  function flush(): void {
    const batch = pending;
    pending = undefined;
    if (!batch || batch.total === 0) {
      timer = undefined;
      return;
    }
    report(batch);
    pending = { counts: new Map(), addresses: new Set(), total: 0 };
    timer = setTimeout(flush, windowMs).unref();
  }

  return {
    /** Seconds until this address may try a wrong token again; 0 when it is not throttled. */
    retryAfterSeconds(address: string): number {
      const entry = entryFor(address);
      return entry.count >= maxFailures ? Math.max(1, Math.ceil((entry.windowStart + windowMs - now()) / 1000)) : 0;
    },
    recordWrongToken(address: string): void {
      entryFor(address).count += 1;
    },
    /** The first refusal after a quiet interval is logged at once; the rest are counted into one line per interval. */
    note(refusal: Refusal): void {
      if (!timer) {
        options.log.warn({ status: refusal.status, reason: refusal.reason, origin: refusal.origin, address: refusal.address }, 'refused a WebSocket connection');
        pending = { counts: new Map(), addresses: new Set(), total: 0 };
        timer = setTimeout(flush, windowMs).unref();
        return;
      }
      if (!pending) return;
      const key = String(refusal.status);
      pending.counts.set(key, (pending.counts.get(key) ?? 0) + 1);
      if (pending.addresses.size < MAX_LOGGED_ADDRESSES) pending.addresses.add(refusal.address);
      pending.total += 1;
    },
    /** Stops the timer; what was counted but not yet reported is logged now. */
    close(): void {
      if (pending && pending.total > 0) report(pending);
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
