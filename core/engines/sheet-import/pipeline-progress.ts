import type { ProgressReporter } from '../../runs/progress';

/**
 * Honest, monotonic progress for stages that overlap. Downloading,
 * processing and saving run at the same time (a window is validated while
 * the next one downloads, and saved by the writer thread while the one
 * after is validated), but the run shows one phase at a time with the
 * issue's weights: the phase shown is the earliest stage not yet finished,
 * and its share is that stage's own fraction:
 *   downloading 0–60 %: rows (or bytes) received of the total,
 *   processing 60–80 %: rows validated of the rows received,
 *   saving     80–100 %: rows committed of the valid rows.
 * A later stage never moves the bar while an earlier one is unfinished, so
 * the percent never runs ahead of the slowest stage and never goes back;
 * since the later stages trail by at most a few batches, the processing and
 * saving phases are short once the download ends. Rows validated and saved
 * so far are shown as counters all along.
 */
type Stage = 'downloading' | 'processing' | 'saving';

export class PipelineProgress {
  private stage: Stage = 'downloading';
  private processed = 0;
  private saved = 0;
  private received = 0;

  constructor(private readonly progress: ProgressReporter) {}

  /** Downloading: `done` of `total` units (bytes or rows), with an optional message. */
  downloaded(done: number, message?: string): void {
    if (this.stage !== 'downloading') return;
    this.progress.update({ done, ...(message === undefined ? {} : { message }) });
  }

  /** Rows validated so far (valid or not). */
  processedRows(count: number): void {
    this.progress.count('validated', count - this.processed);
    this.processed = count;
    if (this.stage === 'processing') this.progress.update({ done: count });
  }

  /** Rows committed to the staging table so far. */
  savedRows(count: number): void {
    this.progress.count('saved', count - this.saved);
    this.saved = count;
    if (this.stage === 'saving') this.progress.update({ done: count });
  }

  /** The download is complete: `rows` records arrived (the header included). */
  downloadFinished(rows: number, message: string): void {
    this.received = rows;
    this.stage = 'processing';
    this.progress.phase('processing', { total: rows, message });
    this.progress.update({ done: Math.min(this.processed, rows) });
  }

  /** Every row is validated: `valid` of them go to the cache. */
  processingFinished(valid: number, message: string): void {
    this.progress.update({ done: this.received });
    this.stage = 'saving';
    this.progress.phase('saving', { total: valid, message });
    this.progress.update({ done: Math.min(this.saved, valid) });
  }

}
