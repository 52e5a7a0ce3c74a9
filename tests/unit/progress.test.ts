import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProgressSnapshot } from '../../core/api/models';
import { ProgressTracker } from '../../core/runs/progress';
import { createThrottle } from '../../core/base/throttle';

const PHASES = [
  { id: 'download', label: 'Downloading', weight: 60 },
  { id: 'process', label: 'Processing', weight: 20 },
  { id: 'save', label: 'Saving', weight: 20 },
];

describe('progress', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('percent is weighted by phase', () => {
    const tracker = new ProgressTracker({ runId: 1, engine: 'x', phases: PHASES, emit: () => {} });
    tracker.phase('download', { total: 200 });
    tracker.advance(100);
    expect(tracker.snapshot().percent).toBe(30);
    tracker.phase('process', { total: 10 });
    tracker.advance(5);
    expect(tracker.snapshot()).toMatchObject({ percent: 70, phase: 'process', phaseLabel: 'Processing', phaseIndex: 1, phaseCount: 3 });
    tracker.phase('save', { total: 4 });
    tracker.advance(4);
    expect(tracker.snapshot().percent).toBe(100);
    expect(tracker.final(false).percent).toBe(100);
  });

  it('a million updates in ten seconds emit at most 10 events in any second, and the last state arrives', () => {
    const emitted: { at: number; snapshot: ProgressSnapshot }[] = [];
    const tracker = new ProgressTracker({
      runId: 1,
      engine: 'x',
      phases: PHASES,
      emit: (snapshot) => emitted.push({ at: Date.now(), snapshot }),
    });
    tracker.phase('download', { total: 1_000_000 });
    for (let i = 0; i < 1_000_000; i++) {
      tracker.advance();
      if (i % 100 === 99) vi.advanceTimersByTime(1); // 1 ms of "work" per 100 items: 10 s in all
    }
    vi.advanceTimersByTime(1000);

    const perSecond = new Map<number, number>();
    for (const { at } of emitted) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(10);
    for (let i = 1; i < emitted.length; i++) {
      expect((emitted[i]?.at ?? 0) - (emitted[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(100);
    }
    expect(emitted.length).toBeGreaterThanOrEqual(90);
    expect(emitted.at(-1)?.snapshot.counters.done).toBe(1_000_000);
  });

  it('unknown phases are a programming error, reported with the engine name', () => {
    const tracker = new ProgressTracker({ runId: 1, engine: 'sheet-import', phases: PHASES, emit: () => {} });
    expect(() => tracker.phase('nope')).toThrow(/sheet-import has no phase "nope"/);
  });

  it('cancel drops a pending trailing emission', () => {
    const emit = vi.fn();
    const throttle = createThrottle(100, emit);
    throttle.request();
    throttle.request();
    throttle.cancel();
    vi.advanceTimersByTime(500);
    expect(emit).toHaveBeenCalledTimes(1);
  });
});
