import { describe, expect, it } from 'vitest';
import type { ConnectionCheckResult } from '@core/api';
import { testInTurn, type TestAllProgress } from '../../../renderer/src/components/connections/test-all';

const result = (ok: boolean, message: string): ConnectionCheckResult => ({ ok, status: ok ? 'ok' : 'bad-credentials', message, at: '2026-01-01T00:00:00Z' });

describe('testInTurn', () => {
  it('tests one connection at a time, in order, and counts what passed and what failed', async () => {
    let running = 0;
    const order: number[] = [];
    const progress: TestAllProgress[] = [];
    const summary = await testInTurn(
      [3, 1, 2],
      async (id) => {
        running += 1;
        expect(running).toBe(1);
        order.push(id);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running -= 1;
        if (id === 2) throw new Error('network down');
        return result(id === 3, id === 3 ? 'fine' : 'wrong key');
      },
      (p) => progress.push(p),
    );
    expect(order).toEqual([3, 1, 2]);
    expect(summary).toEqual({ total: 3, ok: 1, failed: [{ id: 1, message: 'wrong key' }, { id: 2, message: 'network down' }] });
    expect(progress.map((p) => [p.done, p.current])).toEqual([[0, 3], [1, 1], [2, 2], [3, null]]);
  });

  it('answers at once for no connections', async () => {
    expect(await testInTurn([], () => Promise.reject(new Error('never')), () => undefined)).toEqual({ total: 0, ok: 0, failed: [] });
  });
});
