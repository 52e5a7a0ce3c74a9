import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { processesCpuSeconds, runQueueWaitMs, threadCpuMs } from '../../bench/cpu-time';
import { measure, startLoopDelayMonitor } from '../../bench/harness';
import { REPO_ROOT } from '../helpers/paths';

/** Blocks this thread, as a synchronous read at the top of a run would. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else may run
  }
}

/** Blocks this thread for `ms` of its own CPU time, however long the machine makes that take. */
function computeFor(ms: number): void {
  const until = process.threadCpuUsage().user / 1000 + ms;
  while (process.threadCpuUsage().user / 1000 < until) {
    // busy: nothing else may run
  }
}

/** Blocks this thread asleep, as a synchronous fsync or a native call waiting on the disk would. */
function sleepFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
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

  describe('the delay the process itself caused (maxOwnMs), apart from waiting for a CPU', () => {
    /** Late by more than 50 ms, less than 50 ms of it its own. */
    const leftOut = (delay: { maxMs: number; maxOwnMs: number }) => delay.maxMs - delay.maxOwnMs > 50 && delay.maxOwnMs < 50;

    async function nicedChild(): Promise<{ maxMs: number; maxOwnMs: number }> {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/helpers/loop-delay-niced-child.ts'), '1000'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await new Promise((resolve) => child.on('exit', resolve));
      clearTimeout(killer);
      return JSON.parse(out) as { maxMs: number; maxOwnMs: number };
    }

    it('counts a block that computes and one that sleeps in a synchronous call', async () => {
      for (const block of [computeFor, sleepFor]) {
        const monitor = startLoopDelayMonitor(10);
        await tick();
        block(200);
        await tick();
        const delay = monitor.stop();
        expect(delay.maxOwnMs, block.name).toBeGreaterThanOrEqual(180);
        expect(delay.maxMs, block.name).toBeGreaterThanOrEqual(delay.maxOwnMs);
      }
    });

    it('leaves out the time the loop waited for a CPU other processes held', async () => {
      // A monitor at the lowest priority sharing one core with a busy process at normal priority: its timers
      // fire hundreds of ms late (930 ms seen here), none of it its own doing. Linux only (schedstat): elsewhere
      // maxOwnMs is maxMs and this test fails rather than pass on what it cannot tell.
      expect(runQueueWaitMs()).toBeDefined();
      // Up to three tries: about one in twelve here, the thread's lateness came with no run-queue wait counted (a
      // wait on another of its threads, not niced or pinned), and the delay counted as its own. That errs the safe
      // way for a bound (a real block is never hidden); what this test proves is that a wait for a CPU is left out.
      const tries: { maxMs: number; maxOwnMs: number }[] = [];
      for (let attempt = 0; attempt < 3 && !tries.some(leftOut); attempt++) tries.push(await nicedChild());
      expect(tries.some(leftOut), JSON.stringify(tries)).toBe(true);
    }, 130_000);
  });

  describe('CPU time beside the wall time', () => {
    it("counts the main thread's own CPU time and a peer process's, over the measured work only", async () => {
      // Linux only (schedstat, /proc): elsewhere the figures are left out and this test fails rather than pass on what it cannot tell.
      expect(threadCpuMs()).toBeDefined();
      const peer = spawn(process.execPath, ['-e', 'const until = Date.now() + 60_000; while (Date.now() < until) {}'], { stdio: 'ignore' });
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(processesCpuSeconds([peer])).toBeGreaterThan(0);
        let own = 0;
        const measured = await measure(
          async () => {
            const before = process.threadCpuUsage();
            computeFor(300);
            const used = process.threadCpuUsage(before);
            own = (used.user + used.system) / 1e6;
            await new Promise((resolve) => setTimeout(resolve, 300));
          },
          { peers: [peer] },
        );
        // The work's CPU time on this thread (getrusage's user and system), then 300 ms asleep: the main thread's
        // figure has the first, within the monitor's own few ms, and not the second.
        expect(own).toBeGreaterThanOrEqual(0.3);
        expect(measured.mainThreadCpuSeconds).toBeGreaterThanOrEqual(own - 0.02);
        expect(measured.mainThreadCpuSeconds).toBeLessThan(own + 0.1);
        expect(measured.mainThreadCpuSeconds).toBeLessThan(measured.wallSeconds - 0.25);
        // The busy peer ran through the whole window (0.6 s of wall), given a core for some of it on 2 cores.
        expect(measured.peerCpuSeconds).toBeGreaterThan(0.1);
        expect(measured.peerCpuSeconds).toBeLessThanOrEqual(measured.wallSeconds + 0.05);
      } finally {
        peer.kill();
      }
      expect(processesCpuSeconds([{ pid: 2 ** 30 } as never])).toBeUndefined();
    }, 30_000);
  });
});

