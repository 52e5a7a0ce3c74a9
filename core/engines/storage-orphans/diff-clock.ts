/**
 * Wall time during which at least one account's local diff was running (the
 * union of their intervals, so concurrent accounts are not counted twice):
 * the "rows diffed per second" of the benchmark divide by this.
 */
export class DiffClock {
  rows = 0;
  private active = 0;
  private since = 0;
  private total = 0;

  enter(): void {
    if (this.active++ === 0) this.since = performance.now();
  }

  leave(): void {
    if (--this.active === 0) this.total += performance.now() - this.since;
  }

  get ms(): number {
    return this.total + (this.active > 0 ? performance.now() - this.since : 0);
  }
}
