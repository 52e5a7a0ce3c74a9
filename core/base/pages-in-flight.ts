/**
 * Numbered pages of an offset listing, each asked for as soon as the page
 * before it has been answered (its head came, before its body is read), so
 * the service computes the next page while this one travels, is parsed and
 * written: one request at a time left it idle for all of that, and a
 * million-user listing took twice its service time (issue 19).
 * Why never sooner: pages asked side by side may be answered in any order,
 * and a page answered from an older state of the listing than the page
 * before it skips users (a sign-up between the two answers pushes the
 * earlier page's last users past its end, onto no page). In order, a sign-up
 * only makes the next page repeat a user, as with one request at a time.
 * Invariants: `take(n)` gives an answer to page n that was requested after
 * the latest answer to page n-1 (one asked for before it, as when page n-1
 * had to be asked again after its head came, is dropped and page n asked
 * again); at most one page asked ahead is unanswered at a time, and at most
 * `depth` pages beyond the reader's are asked or held; no page is asked for
 * ahead past the last one the latest answer says exists, or after it was
 * taken; a failure of a page asked for ahead reaches the reader only when it
 * takes that page (never as an unhandled rejection meanwhile); `drop()`
 * aborts every page not taken, so a reader that stops early leaves no
 * request running.
 */
interface Pending<T> {
  answer: Promise<T>;
  /** The clock when it was asked for. */
  asked: number;
}

export interface PagesInFlightOptions {
  /** Pages answered or asked for beyond the highest one taken: the memory a slow reader can hold up. */
  depth: number;
  signal?: AbortSignal | undefined;
}

export class PagesInFlight<T> {
  private readonly pending = new Map<number, Pending<T>>();
  /** The clock when each page's latest answer came (its head): the order the service answered in. */
  private readonly answered = new Map<number, number>();
  private clock = 0;
  /** The highest page taken: pages up to it are the reader's past, never asked for ahead. */
  private highestTaken = 0;
  /** The last page the latest answer says exists (null: unknown, so nothing is asked for ahead). */
  private lastPage: number | null = null;
  private readonly depth: number;
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;

  constructor(
    private readonly fetchPage: (page: number, signal: AbortSignal) => Promise<T>,
    options: PagesInFlightOptions,
  ) {
    this.depth = options.depth;
    this.signal = options.signal ? AbortSignal.any([options.signal, this.stop.signal]) : this.stop.signal;
  }

  /**
   * Page n's answer has come (its head, before its body is read; again for each attempt that gets one), saying
   * the listing ends at `lastPage` (null: it did not say). The page after it may be asked for now.
   */
  answeredNow(page: number, lastPage: number | null): void {
    this.answered.set(page, ++this.clock);
    this.lastPage = lastPage;
    this.askAhead();
  }

  /** Page n's answer: the one asked ahead if it was asked after the answer to page n-1, else asked for now. */
  take(page: number): Promise<T> {
    this.highestTaken = Math.max(this.highestTaken, page);
    const ahead = this.pending.get(page);
    this.pending.delete(page);
    // A page asked before the latest answer to the one in front of it may come from an older state of the listing:
    // it is dropped (its call made, its answer unread) and asked again.
    const answer = ahead && this.inOrder(page, ahead) ? ahead.answer : this.fetchPage(page, this.signal);
    for (const earlier of this.answered.keys()) if (earlier < page - 1) this.answered.delete(earlier);
    this.askAhead();
    return answer;
  }

  /** Aborts the pages asked for and not taken; their answers and failures are never read. */
  drop(): void {
    this.stop.abort(new Error('The listing ended before these pages were read.'));
    this.pending.clear();
  }

  private inOrder(page: number, pending: Pending<T>): boolean {
    return pending.asked > (this.answered.get(page - 1) ?? 0);
  }

  /** Asks for the first page within `depth` of the reader that is not asked in order, once the page before it is answered. */
  private askAhead(): void {
    if (this.signal.aborted || this.lastPage === null) return;
    const end = Math.min(this.highestTaken + this.depth, this.lastPage);
    for (let page = this.highestTaken + 1; page <= end; page++) {
      const pending = this.pending.get(page);
      if (pending && this.inOrder(page, pending)) continue;
      // Not before the page in front of it is answered: its own answer asks for this one.
      if (!this.answered.has(page - 1)) return;
      const answer = this.fetchPage(page, this.signal);
      // Handled at once: its failure is rethrown by take(), or dropped with the page.
      answer.catch(() => undefined);
      this.pending.set(page, { answer, asked: ++this.clock });
      return;
    }
  }
}
