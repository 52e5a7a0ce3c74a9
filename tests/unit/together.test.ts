import { describe, expect, it } from 'vitest';
import { together } from '../../core/base/together';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('together', () => {
  it('resolves with every result, in task order, when all succeed', async () => {
    const results = await together<[number, string]>(new AbortController().signal, [
      async () => (await tick(), 1),
      async () => 'two',
    ]);
    expect(results).toEqual([1, 'two']);
  });

  it('on a failure aborts the others and rejects with the first error only after all have settled', async () => {
    const events: string[] = [];
    const failure = new Error('listing failed');
    const outcome = together(new AbortController().signal, [
      async () => {
        await tick();
        events.push('fail');
        throw failure;
      },
      async (signal) => {
        while (!signal.aborted) await tick();
        await tick();
        events.push('reader stopped');
        throw new Error('stopped: not the error the caller gets');
      },
    ]);
    await expect(outcome).rejects.toBe(failure);
    expect(events).toEqual(['fail', 'reader stopped']);
  });

  it("the caller's abort reaches every task", async () => {
    const controller = new AbortController();
    const seen: boolean[] = [];
    const outcome = together(controller.signal, [0, 1].map(() => async (signal: AbortSignal) => {
      while (!signal.aborted) await tick();
      seen.push(true);
      signal.throwIfAborted();
    }));
    controller.abort(new Error('cancelled'));
    await expect(outcome).rejects.toThrow('cancelled');
    expect(seen).toEqual([true, true]);
  });
});
