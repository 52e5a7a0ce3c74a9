import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { measure, startLoopDelayMonitor } from '../../bench/harness';

/** Blocks this thread, as a synchronous read at the top of a run would. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else may run
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('the benches’ event-loop delay monitor', () => {
  it('catches a 300 ms block in the very first interval, which monitorEventLoopDelay misses', async () => {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const monitor = startLoopDelayMonitor(10);
    blockFor(300);
    await tick();
    const delay = monitor.stop();
    histogram.disable();

    expect(delay.maxMs).toBeGreaterThanOrEqual(250);
    expect(delay.stallsOver50ms).toBe(1);
    // The reason for the monitor: the built-in one does not record the interval it was enabled in.
    expect(histogram.max / 1e6).toBeLessThan(250);
  });

  it('counts a block just before the end, in the interval still pending at stop', () => {
    const monitor = startLoopDelayMonitor(10);
    blockFor(120);
    const delay = monitor.stop();
    expect(delay.maxMs).toBeGreaterThanOrEqual(100);
    expect(delay.stallsOver50ms).toBe(1);
  });

  it('measure() sees a block at the start of the work and counts its CPU time', async () => {
    const measured = await measure(async () => {
      blockFor(300);
      await tick();
      return 'done';
    });
    expect(measured.value).toBe('done');
    expect(measured.eventLoopDelayMaxMs).toBeGreaterThanOrEqual(250);
    expect(measured.stallsOver50ms).toBeGreaterThanOrEqual(1);
    expect(measured.cpuSeconds).toBeGreaterThan(0);
    expect(measured.peakRssMb).toBeGreaterThanOrEqual(measured.rssStartMb);
  });
});
