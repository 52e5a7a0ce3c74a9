import type { Logger } from '../logging/logger';
import type { FiringRecord, SchedulesRepository } from '../store/schedules.repo';

/** Pruning deletes this many old firings at most per call (see SchedulesRepository.pruneFirings). */
const PRUNE_CHUNK = 5000;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * The scheduler's record of firings: buffered in memory and written in one
 * batch every few seconds (10,000 schedules must not mean 10,000 writes), and
 * pruned past their retention once an hour, one chunk per tick until done.
 */
export class FiringLog {
  private pending: FiringRecord[] = [];
  private lastFlush = 0;
  private lastPrune = -Infinity;

  constructor(
    private readonly deps: { schedules: SchedulesRepository; log: Logger; flushEveryMs: number; retentionMs: number },
  ) {}

  record(firing: FiringRecord): void {
    this.pending.push(firing);
  }

  /** Writes the buffer now (stop, run now, run all now). */
  async flush(now: number): Promise<void> {
    this.lastFlush = now;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.deps.schedules.recordFirings(batch);
    } catch (error) {
      // A busy store: keep the batch (ahead of newer firings) for the next flush, and let the caller log it.
      this.pending = [...batch, ...this.pending];
      throw error;
    }
  }

  /** A tick writes the buffer once flushEveryMs has passed since the last write. */
  async flushIfDue(now: number): Promise<void> {
    if (now - this.lastFlush >= this.deps.flushEveryMs) await this.flush(now);
  }

  /** A tick prunes one chunk an hour, and every tick until the old firings are gone. */
  async pruneIfDue(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    const pruned = await this.deps.schedules.pruneFirings(new Date(now - this.deps.retentionMs).toISOString(), PRUNE_CHUNK);
    if (pruned < PRUNE_CHUNK) this.lastPrune = now;
    if (pruned) this.deps.log.debug({ pruned }, 'pruned old schedule firings');
  }
}
