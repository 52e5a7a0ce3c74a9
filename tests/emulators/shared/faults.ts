/**
 * Fault scripts: per route, what to answer instead of the real handler, for
 * the next `times` calls or with probability `probability` (seeded, so a test
 * is repeatable). Used to inject 429 storms, 5xx, timeouts and revoked grants.
 */
export interface FaultScript {
  status: number;
  /** JSON-serialisable body, or a string sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before answering (a timeout test sets this above the client's timeout). */
  delayMs?: number;
  /** Apply to the next K matching calls, then stop. Default: until cleared. */
  times?: number;
  /** Apply to each matching call with this probability (0..1). */
  probability?: number;
  /** Close the socket instead of answering (a network error). */
  drop?: boolean;
  /** After `delayMs`, answer as the real handler would (a slow service, not a failing one); `status` is ignored. */
  passThrough?: boolean;
  /**
   * Send the headers (full Content-Length) and only the first N bytes of the
   * body, then go silent with the socket open: a download that stalls mid-body,
   * which only a client's idle timeout can end. Applies to the fault's own
   * answer, or to the real handler's with `passThrough`.
   */
  stallAfterBytes?: number;
}

interface ActiveFault extends FaultScript {
  remaining: number;
}

export class FaultBook {
  private readonly faults = new Map<string, ActiveFault[]>();
  private seed: number;

  constructor(seed = 42) {
    this.seed = seed;
  }

  add(route: string, script: FaultScript): void {
    const list = this.faults.get(route) ?? [];
    list.push({ ...script, remaining: script.times ?? Number.POSITIVE_INFINITY });
    this.faults.set(route, list);
  }

  clear(route?: string): void {
    if (route === undefined) this.faults.clear();
    else this.faults.delete(route);
  }

  /** The fault to apply to this call of `route`, if any (consumes one use). */
  take(route: string): FaultScript | undefined {
    const list = this.faults.get(route);
    if (!list) return undefined;
    for (const fault of list) {
      if (fault.remaining <= 0) continue;
      if (fault.probability !== undefined && this.random() >= fault.probability) continue;
      fault.remaining--;
      return fault;
    }
    return undefined;
  }

  /** mulberry32: small, seeded, good enough for fault sampling. */
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
