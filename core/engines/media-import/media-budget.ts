import type { CloudinaryRateLimit } from '../../connectors/cloudinary/cloudinary-types';

/** The Admin API budget as last reported, kept in engine state (JSON: dates as ISO text). */
export interface StoredBudget {
  limit: number;
  remaining: number;
  resetAt: string;
  observedAt: string;
}

export const toStoredBudget = (rate: CloudinaryRateLimit, now: Date): StoredBudget => ({
  limit: rate.limit,
  remaining: rate.remaining,
  resetAt: rate.resetAt.toISOString(),
  observedAt: now.toISOString(),
});

/**
 * Spends at most `share` of the hourly Admin API budget that remained when
 * the run began, so a check never starves the product (or the next run) of
 * the few hundred calls an hour Cloudinary allows.
 *
 * The allowance is fixed once, from the last budget known to be current
 * (stored by an earlier run, if its window has not reset), or else from the
 * first answer of this run (which reports what remained after it).
 */
export class BudgetGuard {
  private allowed: number | undefined;
  private last: { remaining: number; resetAt: number } | undefined;
  /** Requests sent by this run, retries included (the connector's onRequest). */
  calls = 0;

  constructor(
    private readonly share: number,
    known: StoredBudget | undefined,
    now: Date,
  ) {
    const resetAt = known ? Date.parse(known.resetAt) : NaN;
    if (known && resetAt > now.getTime()) {
      // A negative "remaining" (only a hostile proxy sends one) is none left, not a negative allowance.
      const remaining = Math.max(0, known.remaining);
      this.last = { remaining, resetAt };
      this.allowed = Math.floor(share * remaining);
    }
  }

  /** Whether one more request fits this run's share. */
  mayCall(): boolean {
    if (this.last && this.last.remaining <= 0) return false;
    return this.allowed === undefined || this.calls < this.allowed;
  }

  observe(rate: CloudinaryRateLimit | undefined): void {
    if (!rate) return;
    const remaining = Math.max(0, rate.remaining);
    this.last = { remaining, resetAt: rate.resetAt.getTime() };
    // What remained before this run's calls: the answer already counts them.
    this.allowed ??= Math.max(1, Math.floor(this.share * (remaining + this.calls)));
  }

  /** The calls this run may make in all (undefined until an answer reported the budget). */
  get allowance(): number | undefined {
    return this.allowed;
  }
}
