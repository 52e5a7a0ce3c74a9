import { describe, expect, it } from 'vitest';
import { PagesInFlight } from '../../core/base/pages-in-flight';

/** A page source whose answers the test settles by hand, recording what was asked and when each body may be read. */
function source() {
  const calls: { page: number; signal: AbortSignal; bodyRead: boolean; settle: (value: string) => void; fail: (error: Error) => void }[] = [];
  const fetchPage = (page: number, signal: AbortSignal, ready: Promise<void>) =>
    new Promise<string>((resolve, reject) => {
      const call = { page, signal, bodyRead: false, settle: (value: string) => resolve(value), fail: reject };
      calls.push(call);
      // The body is read (and the answer given) only once the reader took the page.
      void ready.then(() => {
        call.bodyRead = true;
        if (signal.aborted) reject(signal.reason as Error);
      });
    });
  return { calls, fetchPage };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PagesInFlight: pages asked for ahead of the reader', () => {
  it('a page taken without being asked for is fetched then, its body free to read at once', async () => {
    const { calls, fetchPage } = source();
    const pages = new PagesInFlight(fetchPage);
    const answer = pages.take(1);
    await tick();
    expect(calls.map((c) => [c.page, c.bodyRead])).toEqual([[1, true]]);
    calls[0]?.settle('one');
    await expect(answer).resolves.toBe('one');
  });

  it('pages asked for ahead are requested once each, their bodies read only when taken, in the order taken', async () => {
    const { calls, fetchPage } = source();
    const pages = new PagesInFlight(fetchPage);
    pages.ask(2);
    pages.ask(3);
    pages.ask(2);
    await tick();
    expect(calls.map((c) => c.page)).toEqual([2, 3]);
    expect(calls.some((c) => c.bodyRead)).toBe(false);
    const second = pages.take(2);
    await tick();
    expect(calls.map((c) => c.bodyRead)).toEqual([true, false]);
    calls[0]?.settle('two');
    await expect(second).resolves.toBe('two');
    // A page taken is the reader's past: never asked for ahead again.
    pages.ask(2);
    expect(calls).toHaveLength(2);
    calls[1]?.settle('three');
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

  it('drop() aborts every page not taken and lets it end; nothing is asked for after it', async () => {
    const { calls, fetchPage } = source();
    const pages = new PagesInFlight(fetchPage);
    pages.ask(2);
    pages.ask(3);
    const taken = pages.take(2);
    calls[0]?.settle('two');
    await expect(taken).resolves.toBe('two');
    pages.drop();
    await tick();
    expect(calls.map((c) => [c.page, c.signal.aborted, c.bodyRead])).toEqual([
      [2, true, true],
      [3, true, true],
    ]);
    pages.ask(4);
    expect(calls).toHaveLength(2);
  });

  it('the reader’s own abort reaches every page in flight, and stops asking ahead', async () => {
    const { calls, fetchPage } = source();
    const outer = new AbortController();
    const pages = new PagesInFlight(fetchPage, outer.signal);
    pages.ask(2);
    outer.abort(new Error('cancelled by the admin'));
    expect(calls[0]?.signal.aborted).toBe(true);
    expect((calls[0]?.signal.reason as Error).message).toBe('cancelled by the admin');
    pages.ask(3);
    expect(calls).toHaveLength(1);
    await expect(pages.take(2)).rejects.toThrow('cancelled by the admin');
  });
});
