/**
 * Runs this process has taken on but is not executing yet: the store already names this process their owner
 * while the run manager's `active` does not hold them. Two paths get there: a start between its INSERT and
 * `active` (two more store round trips, slow on a busy or distant store), and a team-mode adoption between its
 * compare-and-set and runAdopted. A sweep of this process judges its own runs only by whether they are local
 * (recovery.ts: an own run that is not local was lost track of and is interrupted at once), so a claimed run
 * counts as local.
 *
 * A claim is taken before the store write that makes the run ours: a sweep may read the row between that
 * write's commit and the continuation after it. A start does not know its run's id before the INSERT, so its
 * claim is unnamed until then. An unnamed claim covers only a run that could be the one being inserted: one
 * created at or after the claim was taken (the INSERT stamps created_at by the same clock, after take()). Never
 * an older run: starts retried against a scope blocked by a dead own run would otherwise keep some unnamed claim
 * open at every beat and spare that run for ever, so the scope would never free.
 *
 * Invariant: a claim protects for one lease at most (`ttlMs`). One never released (a store call that never
 * returns) then stops protecting, and its run is swept as usual.
 */
export class LocalClaims {
  private readonly open = new Map<symbol, { runId: number | undefined; at: number }>();

  constructor(
    private readonly nowMs: () => number,
    private readonly ttlMs: number,
  ) {}

  /** Opens a claim on `runId`, or (a start before its INSERT) on the run whose id the store has not given yet. */
  take(runId?: number): Claim {
    const key = Symbol('claim');
    this.open.set(key, { runId, at: this.nowMs() });
    return {
      name: (id) => {
        const claim = this.open.get(key);
        if (claim) claim.runId = id;
      },
      release: () => void this.open.delete(key),
    };
  }

  /** Releases every claim on `runId`: an adoption's claim outlives the call that took it (adoptQueued, then runAdopted). */
  releaseRun(runId: number): void {
    for (const [key, claim] of this.open) if (claim.runId === runId) this.open.delete(key);
  }

  /**
   * Whether a live claim covers `runId`: a claim on it, or an unnamed one taken at or before `createdAtMs` (the
   * run's created_at, by the clock given to this class; unknown: no unnamed claim covers it). Claims older than
   * the lease are dropped here.
   */
  holds(runId: number, createdAtMs?: number): boolean {
    const now = this.nowMs();
    let held = false;
    for (const [key, claim] of this.open) {
      if (now - claim.at > this.ttlMs) this.open.delete(key);
      else if (claim.runId === runId) held = true;
      else if (claim.runId === undefined && createdAtMs !== undefined && createdAtMs >= claim.at) held = true;
    }
    return held;
  }

  /** Whether a start awaits its INSERT: only then is a run's created_at worth reading for holds(). */
  awaitingInsert(): boolean {
    const now = this.nowMs();
    for (const claim of this.open.values()) if (claim.runId === undefined && now - claim.at <= this.ttlMs) return true;
    return false;
  }
}

export interface Claim {
  /** The store gave the run its id: the claim covers that run only from now on. */
  name(runId: number): void;
  /** The run is executing (in `active`) or is not ours after all; idempotent. */
  release(): void;
}
