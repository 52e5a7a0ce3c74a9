import type { RunItemOutcome } from '../api/models';
import type { ItemLog, ItemLogEntry } from '../engines/engine';
import type { NewRunItemLine, RunItemsRepository } from '../store/run-items.repo';

/** Lines kept per run; past it only the counts grow, and the log says how many were not kept. */
export const MAX_ITEM_LINES_PER_RUN = 1000;
/** A message is for a person to read; longer ones are cut (a stack or a response body has no place here). */
const MAX_MESSAGE = 500;
const MAX_ITEM = 300;

/**
 * Buffers a run's per-item lines and writes them in batches, like the finding sink: `log` is
 * synchronous and cheap, so an engine may call it for each of 50,000 files. Only the first
 * `maxLines` lines are stored; every line still counts toward its outcome.
 */
export class BufferedItemLog implements ItemLog {
  private buffer: NewRunItemLine[] = [];
  private counts = new Map<RunItemOutcome, { n: number; notKept: number }>();
  private written = 0;

  constructor(
    private readonly repo: RunItemsRepository,
    private readonly runId: number,
    private readonly now: () => string,
    private readonly maxLines = MAX_ITEM_LINES_PER_RUN,
    private readonly batchSize = 250,
    /** Told once when a batch could not be saved (the run manager warns in the run's log). */
    private readonly onError: (error: unknown) => void = () => undefined,
    /** The run's owner (this process): each batch lands only while it still owns the run (run-ownership.ts). */
    private readonly ownerId?: string,
  ) {}

  /** Set once a batch failed: later lines only count, and the run's end makes one more attempt. */
  private failed = false;

  /** Lines the engine wrote, kept or not. */
  get count(): number {
    return this.written;
  }

  async log(entry: ItemLogEntry): Promise<void> {
    this.written += 1;
    const outcome = entry.outcome;
    const tally = this.counts.get(outcome) ?? { n: 0, notKept: 0 };
    tally.n += 1;
    if (this.written > this.maxLines) tally.notKept += 1;
    else this.buffer.push({ seq: this.written, at: this.now(), item: cut(entry.item, MAX_ITEM), action: cut(entry.action, 64), outcome, message: entry.message === undefined ? null : cut(entry.message, MAX_MESSAGE) });
    this.counts.set(outcome, tally);
    if (this.buffer.length >= this.batchSize && !this.failed) await this.flushFromEngine();
  }

  /**
   * `log` is called by an engine between writes it has committed (a quarantined batch, a repaired user): a store
   * that refuses the item log must not throw there, or the engine's own bookkeeping (finding statuses, tallies,
   * audit of recovered rows) after the line is skipped and the run fails over a log. The item log is advisory.
   */
  private async flushFromEngine(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      this.failed = true;
      this.onError(error);
    }
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0 && this.counts.size === 0) return;
    const lines = this.buffer;
    const counts = this.counts;
    this.buffer = [];
    this.counts = new Map();
    await this.repo.append(this.runId, lines, counts, this.ownerId);
  }
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
