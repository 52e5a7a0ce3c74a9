import { describe, expect, it } from 'vitest';
import { inPool } from '../../core/base/pool';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('inPool (core/base/pool)', () => {
  it('keeps at most `width` calls pending and puts each result in its item\'s place', async () => {
    let pending = 0;
    let peak = 0;
    const items = Array.from({ length: 50 }, (_, i) => i);
    const results = await inPool(items, 4, async (item, index) => {
      pending++;
      peak = Math.max(peak, pending);
      // Uneven durations: later items finish before earlier ones.
      for (let t = 0; t < (item * 7) % 5; t++) await tick();
      pending--;
      return `${item}:${index}`;
    });
    expect(peak).toBe(4);
    expect(results).toEqual(items.map((i) => `${i}:${i}`));
  });

  it('starts no more workers than items, and none for an empty list', async () => {
    let calls = 0;
    expect(await inPool([], 8, async () => ++calls)).toEqual([]);
    expect(await inPool(['a', 'b'], 8, async (item) => item + ++calls)).toEqual(['a1', 'b2']);
    expect(calls).toBe(2);
  });

  it('rejects with the first failure', async () => {
    await expect(inPool([1, 2, 3], 2, async (item) => {
      if (item === 2) throw new Error('item 2 failed');
      return item;
    })).rejects.toThrow('item 2 failed');
  });

  it('a worker that checks an aborted signal stops pulling items', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = inPool(Array.from({ length: 100 }, (_, i) => i), 3, async (item) => {
      controller.signal.throwIfAborted();
      seen.push(item);
      if (item === 5) controller.abort();
      await tick();
    });
    await expect(run).rejects.toThrow();
    await tick();
    expect(seen.length).toBeLessThan(10);
  });

  it('after the first failure starts no item, and rejects only once the calls already running have ended', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    let rejectedWhileRunning = false;
    const run = inPool(Array.from({ length: 40 }, (_, i) => i), 4, async (item) => {
      started.push(item);
      if (item === 2) throw new Error('item 2 failed');
      // The calls beside the failing one take longer than it.
      for (let t = 0; t < 5; t++) await tick();
      ended.push(item);
      return item;
    });
    void run.catch(() => (rejectedWhileRunning = ended.length < started.length - 1));
    await expect(run).rejects.toThrow('item 2 failed');
    expect(started).toEqual([0, 1, 2, 3]);
    expect(ended).toEqual([0, 1, 3]);
    expect(rejectedWhileRunning).toBe(false);
  });
});
