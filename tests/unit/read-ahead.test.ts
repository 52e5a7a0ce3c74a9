import { describe, expect, it } from 'vitest';
import { readAhead } from '../../core/base/read-ahead';

/** Runs `work`, then waits a little, and returns the rejections Node reported unhandled meanwhile. */
async function unhandledDuring(work: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return unhandled;
}

describe('readAhead', () => {
  it('yields every item in order and asks for exactly one item beyond what the consumer holds', async () => {
    const asked: number[] = [];
    async function* pages() {
      for (let page = 1; page <= 4; page++) {
        asked.push(page);
        await Promise.resolve();
        yield page;
      }
    }
    const got: number[] = [];
    for await (const page of readAhead(pages())) {
      await new Promise((resolve) => setImmediate(resolve));
      // While page N is in hand, page N + 1 is already asked for, never N + 2.
      expect(asked.at(-1)).toBe(Math.min(4, page + 1));
      got.push(page);
    }
    expect(got).toEqual([1, 2, 3, 4]);
  });

  it('closes the source and drops the failure of the item in flight when the consumer stops early', async () => {
    let closed = false;
    async function* pages() {
      try {
        yield 1;
        throw new Error('page 2 failed');
      } finally {
        closed = true;
      }
    }
    const unhandled = await unhandledDuring(() =>
      expect(
        (async () => {
          for await (const page of readAhead(pages())) if (page === 1) throw new Error('consumer stopped');
        })(),
      ).rejects.toThrow('consumer stopped'),
    );
    expect(closed).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it('passes on the failure of an item the consumer asked for', async () => {
    async function* pages() {
      yield 1;
      throw new Error('page 2 failed');
    }
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const page of readAhead(pages())) got.push(page);
      })(),
    ).rejects.toThrow('page 2 failed');
    expect(got).toEqual([1]);
  });

  it('a failure of the item in flight that lands while the consumer works (across turns of the event loop) is no unhandled rejection, and reaches the consumer', async () => {
    async function* pages() {
      yield 1;
      throw new Error('page 2 failed');
    }
    const unhandled = await unhandledDuring(() =>
      expect(
        (async () => {
          for await (const page of readAhead(pages())) {
            expect(page).toBe(1);
            // The consumer writes page 1 and yields: page 2's failure lands meanwhile.
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })(),
      ).rejects.toThrow('page 2 failed'),
    );
    expect(unhandled).toEqual([]);
  });
});
