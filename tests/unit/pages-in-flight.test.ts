import { describe, expect, it } from 'vitest';
import { PagesInFlight } from '../../core/base/pages-in-flight';
import { Prng } from '../helpers/prng';

/** A page source whose answers the test settles by hand; an abort ends a page as a request's abort would. */
function source() {
  const calls: { page: number; signal: AbortSignal; settle: (value: string) => void; fail: (error: Error) => void }[] = [];
  const fetchPage = (page: number, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      calls.push({ page, signal, settle: resolve, fail: reject });
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  return { calls, fetchPage };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PagesInFlight: each page asked for once the one before it is answered', () => {
  it('a page taken without being asked for is fetched then; nothing is asked ahead while the last page is unknown', async () => {
    const { calls, fetchPage } = source();
    const pages = new PagesInFlight(fetchPage, { depth: 2 });
    const answer = pages.take(1);
    expect(calls.map((c) => c.page)).toEqual([1]);
    pages.answeredNow(1, null);
    expect(calls).toHaveLength(1);
    calls[0]?.settle('one');
    await expect(answer).resolves.toBe('one');
  });

  it('the next page is asked for when the one before it is answered, never two unanswered at once, never past depth or the last page', async () => {
    const { calls, fetchPage } = source();
    const pages = new PagesInFlight(fetchPage, { depth: 2 });
    void pages.take(1);
    pages.answeredNow(1, 4);
    expect(calls.map((c) => c.page)).toEqual([1, 2]);
    pages.answeredNow(2, 4);
    expect(calls.map((c) => c.page)).toEqual([1, 2, 3]);
    // The reader is on page 1: page 4 would be three beyond it.
    pages.answeredNow(3, 4);
    expect(calls.map((c) => c.page)).toEqual([1, 2, 3]);
    calls[1]?.settle('two');
    await expect(pages.take(2)).resolves.toBe('two');
    expect(calls.map((c) => c.page)).toEqual([1, 2, 3, 4]);
    pages.answeredNow(4, 4);
    calls[2]?.settle('three');
    await expect(pages.take(3)).resolves.toBe('three');
    // Page 5 does not exist.
    expect(calls.map((c) => c.page)).toEqual([1, 2, 3, 4]);
  });

  it('a page asked before the page in front of it was answered again (a retry after its head) is asked again, the first answer unread', async () => {
    const { calls, fetchPage } = source();
    const pages = new PagesInFlight(fetchPage, { depth: 2 });
    void pages.take(1);
    pages.answeredNow(1, 9);
    expect(calls.map((c) => c.page)).toEqual([1, 2]);
    // Page 1's body failed after its head; its retry is answered later than page 2 was asked.
    pages.answeredNow(1, 9);
    expect(calls.map((c) => c.page)).toEqual([1, 2, 2]);
    calls[1]?.settle('two, from before page 1 was answered');
    calls[2]?.settle('two, after');
    await expect(pages.take(2)).resolves.toBe('two, after');
  });

  it('a page asked ahead but no longer in order when taken is fetched again at take', async () => {
    const { calls, fetchPage } = source();
    const pages = new PagesInFlight(fetchPage, { depth: 1 });
    void pages.take(1);
    pages.answeredNow(1, 9);
    pages.answeredNow(2, 9);
    // depth 1: page 3 waits for the reader; page 2's retry answered after page 2 was taken is not the reader's concern.
    expect(calls.map((c) => c.page)).toEqual([1, 2]);
    pages.answeredNow(1, 9);
    expect(calls.map((c) => c.page)).toEqual([1, 2, 2]);
  });

  it('a page asked for ahead that fails reaches the reader only when taken, never as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { calls, fetchPage } = source();
      const pages = new PagesInFlight(fetchPage, { depth: 2 });
      void pages.take(1);
      pages.answeredNow(1, 9);
      calls[1]?.fail(new Error('page 2: HTTP 500'));
      await tick();
      await tick();
      expect(unhandled).toEqual([]);
      await expect(pages.take(2)).rejects.toThrow('page 2: HTTP 500');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('drop() aborts every page not taken, quietly; nothing is asked for after it', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { calls, fetchPage } = source();
      const pages = new PagesInFlight(fetchPage, { depth: 2 });
      void pages.take(1).catch(() => undefined);
      pages.answeredNow(1, 9);
      pages.drop();
      expect(calls[1]?.signal.aborted).toBe(true);
      pages.answeredNow(2, 9);
      expect(calls).toHaveLength(2);
      await tick();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('the reader’s own abort reaches every page in flight, and stops asking ahead', async () => {
    const { calls, fetchPage } = source();
    const outer = new AbortController();
    const pages = new PagesInFlight(fetchPage, { depth: 2, signal: outer.signal });
    void pages.take(1).catch(() => undefined);
    pages.answeredNow(1, 9);
    outer.abort(new Error('cancelled by the admin'));
    expect(calls[1]?.signal.aborted).toBe(true);
    pages.answeredNow(2, 9);
    expect(calls).toHaveLength(2);
    await expect(pages.take(2)).rejects.toThrow('cancelled by the admin');
  });

  it('property: over random answer orders, retries and readers, every page taken was asked after the latest answer to the page before it', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = new Prng(seed);
      const lastPage = random.int(1, 8);
      let clock = 0;
      const heads = new Map<number, number>();
      const open: { page: number; at: number; settle: (v: number) => void }[] = [];
      const pages = new PagesInFlight<number>((page) => new Promise<number>((resolve) => open.push({ page, at: ++clock, settle: resolve })), { depth: random.int(1, 3) });
      const head = (page: number) => {
        heads.set(page, ++clock);
        pages.answeredNow(page, lastPage);
      };
      for (let page = 1; page <= lastPage; page++) {
        const answer = pages.take(page);
        // The request that answers this take: the newest one for the page.
        const request = open.filter((o) => o.page === page).at(-1);
        expect(request, `seed ${seed}: page ${page} has a request`).toBeDefined();
        expect(request?.at, `seed ${seed}: page ${page} asked before page ${page - 1}'s latest answer`).toBeGreaterThan(heads.get(page - 1) ?? 0);
        // Heads land for random requests of this page or later ones, some twice (a retry after a head), in any order.
        for (let step = random.int(0, 4); step > 0; step--) {
          const later = open.filter((o) => o.page > page);
          const chosen = later[random.int(0, later.length)];
          if (chosen) head(chosen.page);
        }
        head(page);
        request?.settle(page);
        await expect(answer).resolves.toBe(page);
      }
      pages.drop();
    }
  });
});
