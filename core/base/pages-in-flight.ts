/**
 * Numbered pages of a listing asked for ahead of the reader, each at most
 * once. A page asked for ahead is requested and answered while the reader
 * works on earlier ones, so the service always has a request to answer
 * (issue 19: one request at a time left it idle while each page was parsed,
 * and the listing took twice its service time).
 * Invariants: `take(n)` gives page n's own answer (asked for now if it was
 * not yet), and no page is asked for ahead twice or after it was taken; a
 * failure of a page asked for ahead reaches the reader only when it takes
 * that page (never as an unhandled rejection meanwhile); `drop()` aborts
 * every page not taken, so a reader that stops early leaves no request
 * running.
 */
export class PagesInFlight<T> {
  private readonly pending = new Map<number, Promise<T>>();
  /** The highest page taken: pages up to it are the reader's past, never asked for ahead. */
  private highestTaken = 0;
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;

  constructor(
    private readonly fetchPage: (page: number, signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ) {
    this.signal = signal ? AbortSignal.any([signal, this.stop.signal]) : this.stop.signal;
  }

  /** Starts page n ahead of the reader, unless it runs already, was taken, or the listing was aborted. */
  ask(page: number): void {
    if (page <= this.highestTaken || this.pending.has(page) || this.signal.aborted) return;
    const answer = this.fetchPage(page, this.signal);
    // Handled at once: its failure is rethrown by take(), or dropped with the page.
    answer.catch(() => undefined);
    this.pending.set(page, answer);
  }

  /** Page n's answer, asked for now if it was not asked for ahead (then even after an abort: fetchPage says how it ends). */
  take(page: number): Promise<T> {
    this.highestTaken = Math.max(this.highestTaken, page);
    const answer = this.pending.get(page) ?? this.fetchPage(page, this.signal);
    this.pending.delete(page);
    return answer;
  }

  /** Aborts the pages asked for and not taken; their answers and failures are never read. */
  drop(): void {
    this.stop.abort(new Error('The listing ended before these pages were read.'));
    this.pending.clear();
  }
}
