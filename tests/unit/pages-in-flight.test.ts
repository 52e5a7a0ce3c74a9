import { describe, expect, it } from 'vitest';
import { PagesInFlight } from '../../core/base/pages-in-flight';

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

describe('PagesInFlight: pages asked for ahead of the reader', () => {
  it('a page taken without being asked for is fetched then', async () => {
    const { calls, fetchPage } = source();
    const pages = new PagesInFlight(fetchPage);
    const answer = pages.take(1);
    expect(calls.map((c) => c.page)).toEqual([1]);
    calls[0]?.settle('one');
    await expect(answer).resolves.toBe('one');
  });

  it('pages asked for ahead are requested once each and handed over when taken; a taken page is never asked for again', async () => {
    const { calls, fetchPage } = source();
    const pages = new PagesInFlight(fetchPage);
    pages.ask(2);
    pages.ask(3);
    pages.ask(2);
    expect(calls.map((c) => c.page)).toEqual([2, 3]);
    calls[1]?.settle('three');
    calls[0]?.settle('two');
    await expect(pages.take(2)).resolves.toBe('two');
    pages.ask(2);
    pages.ask(1);
    expect(calls).toHaveLength(2);
    await expect(pages.take(3)).resolves.toBe('three');
  });

  it('a page asked for ahead that fails reaches the reader only when taken, never as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { calls, fetchPage } = source();
      const pages = new PagesInFlight(fetchPage);
      pages.ask(4);
      calls[0]?.fail(new Error('page 4: HTTP 500'));
      await tick();
      await tick();
      expect(unhandled).toEqual([]);
      await expect(pages.take(4)).rejects.toThrow('page 4: HTTP 500');
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
      const pages = new PagesInFlight(fetchPage);
      pages.ask(2);
      pages.ask(3);
      const taken = pages.take(2);
      calls[0]?.settle('two');
      await expect(taken).resolves.toBe('two');
      pages.drop();
      expect(calls[1]?.signal.aborted).toBe(true);
      pages.ask(4);
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
    const pages = new PagesInFlight(fetchPage, outer.signal);
    pages.ask(2);
    outer.abort(new Error('cancelled by the admin'));
    expect(calls[0]?.signal.aborted).toBe(true);
    pages.ask(3);
    expect(calls).toHaveLength(1);
    await expect(pages.take(2)).rejects.toThrow('cancelled by the admin');
  });
});
