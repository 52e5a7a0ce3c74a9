import { describe, expect, it } from 'vitest';
import { fullPassCost, planPass, rowsWorthCounting } from '../../core/engines/storage-orphans/account-pass';
import type { AccountState } from '../../core/engines/storage-orphans/account-state';
import { Prng } from '../helpers/prng';

const PROVIDERS = ['google', 'dropbox'] as const;
const STRATEGIES = ['auto', 'list', 'probe'] as const;

describe('the full pass cost model reads no more rows than its answer depends on', () => {
  it('the answer from a count capped at rowsWorthCounting equals the answer from the exact count (random accounts)', () => {
    const prng = new Prng(22);
    for (let i = 0; i < 20_000; i++) {
      const provider = prng.pick(PROVIDERS);
      const strategy = prng.pick(STRATEGIES);
      // Around the page sizes (1,000 and 2,000) and their multiples, where the answers turn.
      const rows = prng.chance(0.5) ? prng.int(0, 8) : prng.int(0, 9000);
      const remoteFiles = prng.chance(0.3) ? null : prng.chance(0.3) ? prng.int(0, 3) : prng.int(0, 12_000);
      const cap = rowsWorthCounting(remoteFiles, provider);
      expect(fullPassCost(Math.min(rows, cap), remoteFiles, provider, strategy), `seed 22 #${i}: ${rows} rows, ${remoteFiles} remote, ${provider}, ${strategy}`).toEqual(fullPassCost(rows, remoteFiles, provider, strategy));
    }
  });

  it('each answer turns where the model says: probes below the listing\'s pages, a cursor from two pages', () => {
    // 2,500 files listed last time: 3 Drive pages. 2 rows cost 2 probes, 3 rows as many as the listing.
    expect(fullPassCost(2, 2500, 'google', 'auto')).toEqual({ probe: true, keepCursor: true, cursorBeforeProbes: true });
    expect(fullPassCost(3, 2500, 'google', 'auto')).toMatchObject({ probe: false, keepCursor: true });
    // Never listed: a Drive account keeps a cursor only past one page of rows; Dropbox always.
    expect(fullPassCost(1000, null, 'google', 'auto')).toMatchObject({ probe: false, keepCursor: false });
    expect(fullPassCost(1001, null, 'google', 'auto')).toMatchObject({ probe: false, keepCursor: true });
    expect(fullPassCost(1, null, 'dropbox', 'auto')).toMatchObject({ probe: false, keepCursor: true });
    expect(fullPassCost(1, null, 'google', 'probe')).toEqual({ probe: true, keepCursor: false, cursorBeforeProbes: false });
    expect(rowsWorthCounting(500, 'google')).toBe(2);
    expect(rowsWorthCounting(null, 'google')).toBe(1001);
  });
});

describe('the pass an account gets', () => {
  const now = new Date('2026-12-05T12:00:00Z');
  const base = { files: 0, remoteFiles: null, status: 'ok', message: null, lastCheckAt: null, lastRunId: null, userId: 'u', provider: 'google', email: null, name: null, autoSync: true, deleteAfterSync: false } as const;
  const plan = (state: Partial<AccountState>, seenKnown: boolean, full = false) => planPass({ ...base, cursor: null, ...state } as AccountState, { full, now, fullPassHours: 24, seenKnown });
  it('a pass kept no cursor (and so no seen set): full, "no cursor kept"; a cursor without its seen set: full, "first pass"', () => {
    const lastFullAt = '2026-12-05T11:00:00Z';
    expect(plan({}, false)).toEqual({ pass: 'full', reason: 'first pass' });
    expect(plan({ lastFullAt }, false)).toEqual({ pass: 'full', reason: 'no cursor kept' });
    expect(plan({ lastFullAt }, true)).toEqual({ pass: 'full', reason: 'no cursor kept' });
    expect(plan({ lastFullAt, cursor: 'c1' }, false)).toEqual({ pass: 'full', reason: 'first pass' });
    expect(plan({ lastFullAt, cursor: 'c1' }, true)).toEqual({ pass: 'delta', reason: 'changes since the last pass' });
    expect(plan({ lastFullAt: '2026-12-04T11:00:00Z', cursor: 'c1' }, true)).toEqual({ pass: 'full', reason: 'periodic full pass due' });
    expect(plan({ lastFullAt, cursor: 'c1' }, true, true)).toEqual({ pass: 'full', reason: 'requested' });
  });
});
