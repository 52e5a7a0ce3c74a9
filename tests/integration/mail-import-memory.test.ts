import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../core/engines/mail-import/mail-ids';
import { inPool } from '../../core/base/pool';
import { withChildSignal } from '../../core/engines/mail-import/mail-signal';

/** The three habits that keep a million-message import's memory and commits flat (see the modules' comments). */
describe('mail-import: bounded memory and cheap commits', () => {
  it('row ids are UUID version 7 and sort by the time they were made', () => {
    const early = timeOrderedId(Date.UTC(2026, 0, 1));
    const late = timeOrderedId(Date.UTC(2026, 0, 1, 0, 0, 1));
    expect(early).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(early.slice(0, 13)).toBe('019b76da-a800');
    expect(early < late).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => timeOrderedId(0))).size).toBe(1000);
  });

  it('the pool never has more than its width pending and keeps each result in its item’s place', async () => {
    let pending = 0;
    let most = 0;
    const results = await inPool([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      most = Math.max(most, ++pending);
      await new Promise((resolve) => setTimeout(resolve, n));
      pending--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });

  it('a child signal follows its parent’s abort and leaves no listener on it once the work ends', async () => {
    const parent = new AbortController();
    await withChildSignal(parent.signal, async (signal) => {
      expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
      expect(signal).not.toBe(parent.signal);
    });
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);

    const seen = withChildSignal(parent.signal, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    parent.abort(new Error('cancelled'));
    await expect(seen).rejects.toThrow('cancelled');
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });
});
