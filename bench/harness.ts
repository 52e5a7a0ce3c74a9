import { spawn, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/**
 * What every engine benchmark measures around its run, in one place so the
 * figures of different benchmarks mean the same thing.
 */
export interface Measured<T> {
  value: T;
  wallSeconds: number;
  rssStartMb: number;
  peakRssMb: number;
  eventLoopDelayMaxMs: number;
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayP999Ms: number;
}

const MB = 2 ** 20;
const round1 = (value: number) => Math.round(value * 10) / 10;

/** Runs `work` while sampling this process's RSS every 25 ms and its event-loop delay at 5 ms resolution. */
export async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
  const rssStart = process.memoryUsage.rss();
  let peakRss = rssStart;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 25);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const startedAt = performance.now();
  try {
    const value = await work();
    const wallSeconds = (performance.now() - startedAt) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return {
      value,
      wallSeconds: Math.round(wallSeconds * 100) / 100,
      rssStartMb: round1(rssStart / MB),
      peakRssMb: round1(peakRss / MB),
      eventLoopDelayMaxMs: round1(delay.max / 1e6),
      eventLoopDelayP50Ms: round1(delay.percentile(50) / 1e6),
      eventLoopDelayP99Ms: round1(delay.percentile(99) / 1e6),
      eventLoopDelayP999Ms: round1(delay.percentile(99.9) / 1e6),
    };
  } finally {
    delay.disable();
    clearInterval(sampler);
  }
}

/**
 * Starts a TypeScript script (an emulator seeded for a benchmark) in a child
 * process, so its memory and CPU stay out of the measured process, and waits
 * for the one JSON line it prints when ready.
 */
export async function startChild<Ready>(script: string, args: readonly string[]): Promise<{ ready: Ready; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as Ready));
  });
  return { ready, child };
}
