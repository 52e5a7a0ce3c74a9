import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SchedulerStatus } from '../../core/api/schedules';
import { createThrottle } from '../../core/base/throttle';
import { StatusThrottle } from '../../core/scheduler/status-throttle';

describe('the one throttle (core/base/throttle)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('emits the first request at once and collapses a burst into one trailing emission at the end of the interval', () => {
    const emit = vi.fn();
    const throttle = createThrottle(100, emit);
    expect(throttle.request()).toBe(true);
    for (let i = 0; i < 50; i++) expect(throttle.request()).toBe(false);
    expect(emit).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(99);
    expect(emit).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(emit).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(emit).toHaveBeenCalledTimes(2);
  });

  it('never emits closer than the interval, whatever the request rate', () => {
    const at: number[] = [];
    const throttle = createThrottle(100, () => at.push(Date.now()));
    for (let t = 0; t < 2000; t += 7) {
      throttle.request();
      vi.advanceTimersByTime(7);
    }
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect(at.length).toBeGreaterThanOrEqual(19);
  });

  it('without trailing, a request inside the interval is dropped and the next one after it emits', () => {
    const emit = vi.fn();
    const throttle = createThrottle(5000, emit, { trailing: false });
    expect(throttle.request()).toBe(true);
    expect(throttle.request()).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(emit).toHaveBeenCalledTimes(1);
    expect(throttle.request()).toBe(true);
    expect(emit).toHaveBeenCalledTimes(2);
  });

  it('flush emits at once, drops the pending trailing emission and restarts the interval', () => {
    const emit = vi.fn();
    const throttle = createThrottle(100, emit);
    throttle.request();
    throttle.request();
    vi.advanceTimersByTime(50);
    throttle.flush();
    expect(emit).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(60);
    expect(emit).toHaveBeenCalledTimes(2);
    expect(throttle.request()).toBe(false);
    vi.advanceTimersByTime(40);
    expect(emit).toHaveBeenCalledTimes(3);
  });

  it('reads time from the given clock', () => {
    let now = 0;
    const emit = vi.fn();
    const throttle = createThrottle(100, emit, { now: () => now, trailing: false });
    throttle.request();
    now = 99;
    expect(throttle.request()).toBe(false);
    now = 100;
    expect(throttle.request()).toBe(true);
    expect(emit).toHaveBeenCalledTimes(2);
  });
});

describe('scheduler.status throttle', () => {
  const status = (over: Partial<SchedulerStatus> = {}): SchedulerStatus => ({
    state: 'idle',
    activeRuns: 0,
    attention: 0,
    nextRun: { scheduleId: 1, engine: 'identity', at: '2026-01-01T00:00:00.000Z' },
    pausedUntil: null,
    pausedIndefinitely: false,
    ...over,
  });

  it('sends a change a person sees at once, and a moving next-run time alone at most every 5 s', () => {
    const throttle = new StatusThrottle();
    expect(throttle.shouldEmit(status(), 0, false)).toBe(true);
    expect(throttle.shouldEmit(status(), 10, false)).toBe(false);
    expect(throttle.shouldEmit(status({ nextRun: { scheduleId: 1, engine: 'identity', at: '2026-01-01T00:01:00.000Z' } }), 4999, false)).toBe(false);
    expect(throttle.shouldEmit(status({ activeRuns: 1 }), 5000 - 1, false)).toBe(true);
    expect(throttle.shouldEmit(status({ activeRuns: 1 }), 5000, false)).toBe(false);
    expect(throttle.shouldEmit(status({ activeRuns: 1 }), 9999, false)).toBe(true);
    expect(throttle.shouldEmit(status({ nextRun: { scheduleId: 2, engine: 'identity', at: 'x' } }), 10_000, false)).toBe(true);
  });

  it('force always sends; an unchanged status without a next run is never re-sent', () => {
    const throttle = new StatusThrottle();
    expect(throttle.shouldEmit(status({ nextRun: null }), 0, false)).toBe(true);
    expect(throttle.shouldEmit(status({ nextRun: null }), 60_000, false)).toBe(false);
    expect(throttle.shouldEmit(status({ nextRun: null }), 60_001, true)).toBe(true);
  });
});
