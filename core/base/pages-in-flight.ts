/**
 * Numbered pages of a listing asked for ahead of the reader, each at most
 * once. A page asked for ahead is requested and answered while the reader
 * works on earlier ones, so the service always has a request to answer
 * (issue 19: one request at a time left it idle while each page was parsed,
 * and the listing took twice its service time). Its body is read only when
 * the reader takes it (`ready`): parsed ahead, a page's objects outlived two
 * young-generation collections while they waited and were promoted, and the
 * heap of a million-user listing grew from 70 to 150 MB.
 * Invariants: `take(n)` gives page n's own answer (asked for now if it was
 * not yet), and a page is never asked for twice; a failure of a page asked
 * for ahead reaches the reader only when it takes that page (never as an
 * unhandled rejection meanwhile); `drop()` aborts every page not taken, so a
 * reader that stops early leaves no request running.
 */
export type PageFetch<T> = (page: number, signal: AbortSignal, ready: Promise<void>) => Promise<T>;

interface Pending<T> {
  answer: Promise<T>;
  go: () => void;
}

const NOW = Promise.resolve();

export class PagesInFlight<T> {
  private readonly pending = new Map<number, Pending<T>>();
  /** The highest page taken: pages up to it are the reader's past, never asked for ahead. */
  private highestTaken = 0;
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;

  /** `fetchPage` may send its request at once, but reads the answer's body only once `ready` has resolved. */
  constructor(
    private readonly fetchPage: PageFetch<T>,
    signal?: AbortSignal,
  ) {
    this.signal = signal ? AbortSignal.any([signal, this.stop.signal]) : this.stop.signal;
  }

  /** Starts page n ahead of the reader, unless it runs already or the listing was aborted. */
  ask(page: number): void {
    if (page <= this.highestTaken || this.pending.has(page) || this.signal.aborted) return;
    let go = () => {};
    const ready = new Promise<void>((resolve) => (go = resolve));
    const answer = this.fetchPage(page, this.signal, ready);
    // Handled at once: its failure is rethrown by take(), or dropped with the page.
    answer.catch(() => undefined);
    this.pending.set(page, { answer, go });
  }

  /** Page n's answer, asked for now if it was not asked for ahead (then even after an abort: fetchPage says how it ends). */
  take(page: number): Promise<T> {
    this.highestTaken = Math.max(this.highestTaken, page);
    const ahead = this.pending.get(page);
    if (!ahead) return this.fetchPage(page, this.signal, NOW);
    this.pending.delete(page);
    ahead.go();
    return ahead.answer;
  }

  /** Aborts the pages asked for and not taken; their bodies are never read, their answers and failures unread. */
  drop(): void {
    this.stop.abort(new Error('The listing ended before these pages were read.'));
    // Released after the abort: a page waiting to read its body finds its request aborted and ends.
    for (const { go } of this.pending.values()) go();
    this.pending.clear();
  }
}
