import type { StoreQueries } from './store-db';

/**
 * A run's own writes (its findings, its item log) land only while the process writing them still owns the
 * run: the same owner compare-and-set as the run's state moves (RunsRepository.transition with an owner).
 * A process that stalled past its lease may wake to find its run interrupted, and the scope already checked
 * again by a newer run; what it buffered meanwhile must change nothing (docs/architecture.md, Leases).
 */
export class RunOwnershipLostError extends Error {
  readonly code = 'lease-lost';

  constructor(readonly runId: number) {
    super(`run ${runId} is no longer this process's (its lease lapsed and it was interrupted or taken over): its writes were refused`);
    this.name = 'RunOwnershipLostError';
  }
}

export function isRunOwnershipLost(error: unknown): error is RunOwnershipLostError {
  return error instanceof RunOwnershipLostError;
}

/**
 * Inside a transaction, before the run's own writes: takes the run's row for the rest of the transaction if it
 * is still `running` and owned by `ownerId`, else throws RunOwnershipLostError (the caller's transaction rolls
 * back, so nothing of the batch lands).
 *
 * Invariant: it is a write (a no-op UPDATE of the owner column), not a read. On SQLite the transaction already
 * holds the write lock (BEGIN IMMEDIATE); on PostgreSQL the UPDATE locks the row until commit, so a sweep's
 * interrupt or a worker's adopt (both UPDATE this row) waits for the batch and then sees it, and can never
 * slip between this check and the writes it guards. It leaves heartbeat_at alone: a sweep's interrupt is
 * guarded by the heartbeat it read, and a guarded write is not a sign of life.
 */
export async function holdOwnedRun(tx: StoreQueries, runId: number, ownerId: string): Promise<void> {
  const { changes } = await tx.run(`UPDATE runs SET owner_id = owner_id WHERE id = ? AND state = 'running' AND owner_id = ?`, [runId, ownerId]);
  if (changes !== 1) throw new RunOwnershipLostError(runId);
}
