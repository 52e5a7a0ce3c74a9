import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { createHistogram, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { processesCpuSeconds, runQueueWaitMs, threadCpuMs } from './cpu-time';

/**
 * What every engine benchmark measures around its run, in one place so the
 * figures of different benchmarks mean the same thing.
 */
export interface Measured<T> {
  value: T;
  wallSeconds: number;
  /** This process's CPU time (user + system) while the work ran, every thread of it. */
  cpuSeconds: number;
  /** The main thread's own CPU time (its event loop's): undefined where Linux's schedstat is missing. */
  mainThreadCpuSeconds: number | undefined;
  /** How long the main thread was ready to run but waited for a core (runQueueWaitMs): the machine's, not the work's. */
  mainThreadWaitSeconds: number | undefined;
  /** The CPU time of the `peers` (the emulator processes) while the work ran: undefined where /proc is missing. */
  peerCpuSeconds: number | undefined;
  rssStartMb: number;
  peakRssMb: number;
  eventLoopDelayMaxMs: number;
  /** The same less the time the thread waited for a CPU (LoopDelay.maxOwnMs). */
  eventLoopDelayMaxOwnMs: number;
  stallsOver50ms: number;
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayP999Ms: number;
}

const MB = 2 ** 20;
const round1 = (value: number) => Math.round(value * 10) / 10;
export const round2 = (value: number) => Math.round(value * 100) / 100;

/** A delay above this is a stall: the host's IPC and WebSocket went unanswered that long. */
const STALL_MS = 50;

interface LoopDelay {
  maxMs: number;
  /**
   * The longest delay less the time this thread spent runnable but waiting for a CPU in it (Linux's
   * schedstat): what the process itself held the loop for, computing or asleep in a synchronous call, as
   * opposed to the machine giving its cores to other processes. Equals maxMs where schedstat is missing.
   */
  maxOwnMs: number;
  stallsOver50ms: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  /** Ticks observed (the last, partial interval included). */
  ticks: number;
}

/**
 * Event-loop delay measured with its own interval timer: each tick records
 * how late it fired. Why not perf_hooks' monitorEventLoopDelay: it never
 * records the interval in which it was enabled, so a block right after the
 * start (a synchronous read at the top of a run) goes unseen. Started before
 * the work and stopped after it, this one sees every interval, and on stop
 * it also counts the pending one, so a block just before the end is seen too.
 */
export function startLoopDelayMonitor(intervalMs = 10): { stop: () => LoopDelay } {
  const histogram = createHistogram();
  const stallLog: Stall[] | undefined = process.env.BENCH_STALLS ? [] : undefined;
  let last = performance.now();
  let max = 0;
  let stalls = 0;
  let ticks = 0;
  let maxOwn = 0;
  let lastWaited = runQueueWaitMs();
  const startedAt = last;
  const record = (now: number) => {
    const late = Math.max(0, now - last - intervalMs);
    const waited = runQueueWaitMs();
    if (late > STALL_MS) stallLog?.push({ endedAt: now, lateMs: late });
    last = now;
    ticks++;
    max = Math.max(max, late);
    maxOwn = Math.max(maxOwn, waited === undefined || lastWaited === undefined ? late : Math.max(0, late - (waited - lastWaited)));
    lastWaited = waited;
    if (late > STALL_MS) stalls++;
    histogram.record(Math.max(1, Math.round(late * 1e6)));
  };
  const timer = setInterval(() => record(performance.now()), intervalMs);
  const causes = stallLog ? traceStallCauses(startedAt, intervalMs) : undefined;
  return {
    stop: () => {
      clearInterval(timer);
      const now = performance.now();
      // The interval still pending: only counted if it already ran over (a shorter one says nothing yet).
      if (now - last > intervalMs) record(now);
      causes?.report(stallLog ?? []);
      return { maxMs: round1(max), maxOwnMs: round1(maxOwn), stallsOver50ms: stalls, p50Ms: round1(histogram.percentile(50) / 1e6), p99Ms: round1(histogram.percentile(99) / 1e6), p999Ms: round1(histogram.percentile(99.9) / 1e6), ticks };
    },
  };
}

/**
 * `BENCH_STALLS=1` (an investigation aid): on stop, prints to stderr every
 * stall > STALL_MS with its offset from the window's start and the garbage
 * collections that overlapped it, to tell GC pauses from synchronous work
 * (and, at high load, from the OS descheduling the process: neither).
 * `span` gives the stall's start and end on the monotonic clock in µs, the
 * clock of a BENCH_CPU_PROFILE profile's timestamps, to find what ran.
 */
function traceStallCauses(startedAt: number, intervalMs: number): { report(stalls: readonly Stall[]): void } {
  const gcs: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    report(stalls) {
      observer.disconnect();
      // performance.now() and V8's profile timestamps both count from CLOCK_MONOTONIC; this is the offset between them.
      const monoMsAtZero = Number(process.hrtime.bigint()) / 1e6 - performance.now();
      const mono = (ms: number) => Math.round((ms + monoMsAtZero) * 1000);
      for (const stall of stalls) {
        const from = stall.endedAt - stall.lateMs - intervalMs;
        const overlapping = gcs.filter((gc) => gc.startTime < stall.endedAt && gc.startTime + gc.duration > from);
        const gcMs = overlapping.reduce((sum, gc) => sum + gc.duration, 0);
        const kinds = overlapping.map((gc) => `${gcKind(gc)} ${round1(gc.duration)} ms`).join(', ');
        process.stderr.write(`stall ${round1(stall.lateMs)} ms at +${round1((from - startedAt) / 1000)} s: GC ${round1(gcMs)} ms${kinds ? ` (${kinds})` : ''}, span ${mono(from)}-${mono(stall.endedAt)}\n`);
      }
    },
  };
}

interface Stall {
  /** When the late tick fired (performance.now()). */
  endedAt: number;
  lateMs: number;
}

/** V8's GC kinds (perf_hooks constants.NODE_PERFORMANCE_GC_*): 1 minor, 2 major, 4 incremental, 8 weak callbacks. */
function gcKind(entry: PerformanceEntry): string {
  // @types/node types the gc entry's detail only on its own subclass.
  const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
  return ({ 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' } as Record<number, string>)[kind] ?? `kind ${kind}`;
}

/**
 * Runs `work` while measuring this process's peak RSS, its CPU time and its
 * event-loop delay (from before the work starts to after it ends). Peak RSS:
 * the kernel's own high-water mark (resourceUsage().maxRSS) when the work
 * raised it, which is exact; otherwise (an earlier phase set it higher) the
 * highest of samples every 100 ms. Sampling every 25 ms cost about 2 % of
 * the CPU under load: reading /proc is not free.
 */
/**
 * `BENCH_CPU_PROFILE=<dir>` writes one .cpuprofile per measured window (the
 * product run, then its floor), so a profile shows only the run and not the
 * module loading and seeding around it (`node --cpu-prof` covers the whole
 * process). `BENCH_HEAP_PROFILE=<dir>` writes one .heapprofile per window
 * from V8's sampling heap profiler, objects already collected included: what
 * each stack allocated over the window, not what was left at its end. The
 * profilers' own overhead then counts in the window's figures. `BENCH_RSS=1`
 * prints the RSS and the heap's parts about every second to stderr, to see
 * which phase sets the peak.
 */
async function startWindowProfile(): Promise<{ stop(): Promise<void> } | undefined> {
  const cpuDir = process.env.BENCH_CPU_PROFILE;
  const heapDir = process.env.BENCH_HEAP_PROFILE;
  if (!cpuDir && !heapDir) return undefined;
  const session = new Session();
  session.connect();
  if (cpuDir) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (heapDir) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  return {
    async stop() {
      const stamp = Date.now();
      if (cpuDir) {
        const { profile } = await session.post('Profiler.stop');
        mkdirSync(cpuDir, { recursive: true });
        writeFileSync(join(cpuDir, `window-${stamp}.cpuprofile`), JSON.stringify(profile));
      }
      if (heapDir) {
        const { profile } = await session.post('HeapProfiler.stopSampling');
        mkdirSync(heapDir, { recursive: true });
        writeFileSync(join(heapDir, `window-${stamp}.heapprofile`), JSON.stringify(profile));
      }
      session.disconnect();
    },
  };
}

/**
 * Runs `work` once and measures it. `peers`: the processes serving it (emulators), whose CPU time over the same
 * window says how much of the machine's other core was left: on 2 cores, work moved to a worker thread only
 * gains what the emulators leave.
 */
export async function measure<T>(work: () => Promise<T>, options: { peers?: readonly ChildProcess[] } = {}): Promise<Measured<T>> {
  const rssStart = process.memoryUsage.rss();
  const maxRssBefore = process.resourceUsage().maxRSS;
  let peakRss = rssStart;
  const trace = process.env.BENCH_RSS ? { startedAt: performance.now(), next: 0 } : undefined;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (trace && performance.now() - trace.startedAt >= trace.next) {
      trace.next += 1000;
      const m = process.memoryUsage();
      process.stderr.write(`rss +${((performance.now() - trace.startedAt) / 1000).toFixed(1)} s: rss ${Math.round(m.rss / MB)} MB, heap ${Math.round(m.heapUsed / MB)}/${Math.round(m.heapTotal / MB)} MB, external ${Math.round(m.external / MB)} MB, buffers ${Math.round(m.arrayBuffers / MB)} MB\n`);
    }
  }, 100);
  const delay = startLoopDelayMonitor();
  const profiler = await startWindowProfile();
  const peers = options.peers ?? [];
  const peersStart = peers.length ? processesCpuSeconds(peers) : undefined;
  const mainStart = threadCpuMs();
  const waitStart = runQueueWaitMs();
  const cpuStart = process.cpuUsage();
  const startedAt = performance.now();
  let loop: LoopDelay | undefined;
  try {
    const value = await work();
    const wallSeconds = (performance.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const mainEnd = threadCpuMs();
    const waitEnd = runQueueWaitMs();
    const peersEnd = peersStart === undefined ? undefined : processesCpuSeconds(peers);
    loop = delay.stop();
    await profiler?.stop();
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const maxRssAfter = process.resourceUsage().maxRSS;
    if (maxRssAfter > maxRssBefore) peakRss = Math.max(peakRss, maxRssAfter * 1024);
    return {
      value,
      wallSeconds: round2(wallSeconds),
      cpuSeconds: round2((cpu.user + cpu.system) / 1e6),
      mainThreadCpuSeconds: mainStart === undefined || mainEnd === undefined ? undefined : round2((mainEnd - mainStart) / 1000),
      mainThreadWaitSeconds: waitStart === undefined || waitEnd === undefined ? undefined : round2((waitEnd - waitStart) / 1000),
      peerCpuSeconds: peersStart === undefined || peersEnd === undefined ? undefined : round2(peersEnd - peersStart),
      rssStartMb: round1(rssStart / MB),
      peakRssMb: round1(peakRss / MB),
      eventLoopDelayMaxMs: loop.maxMs,
      eventLoopDelayMaxOwnMs: loop.maxOwnMs,
      stallsOver50ms: loop.stallsOver50ms,
      eventLoopDelayP50Ms: loop.p50Ms,
      eventLoopDelayP99Ms: loop.p99Ms,
      eventLoopDelayP999Ms: loop.p999Ms,
    };
  } finally {
    if (!loop) delay.stop();
    clearInterval(sampler);
  }
}

/** The fields every engine benchmark prints under --json, product against its bare floor measured in the same process. */
interface EngineFigures {
  wallSeconds: number;
  floorWallSeconds: number;
  wallRatio: number;
  cpuRatio: number;
  apiCalls: number;
  floorCalls: number;
  peakRssMb: number;
  eventLoopDelayMaxMs: number;
  stallsOver50ms: number;
  rowsPerSecond: number;
  /** Where Linux tells them: the main threads' CPU time, and the emulators' (Measured). */
  mainThreadCpuSeconds?: number;
  floorMainThreadCpuSeconds?: number;
  emulatorCpuSeconds?: number;
  floorEmulatorCpuSeconds?: number;
}

export function engineFigures(product: Measured<unknown>, floor: Measured<unknown>, calls: { apiCalls: number; floorCalls: number }, rows: number): EngineFigures {
  return {
    wallSeconds: product.wallSeconds,
    floorWallSeconds: floor.wallSeconds,
    wallRatio: round2(product.wallSeconds / Math.max(floor.wallSeconds, 0.01)),
    cpuRatio: round2(product.cpuSeconds / Math.max(floor.cpuSeconds, 0.01)),
    apiCalls: calls.apiCalls,
    floorCalls: calls.floorCalls,
    peakRssMb: product.peakRssMb,
    eventLoopDelayMaxMs: product.eventLoopDelayMaxMs,
    stallsOver50ms: product.stallsOver50ms,
    rowsPerSecond: Math.round(rows / Math.max(product.wallSeconds, 0.001)),
    ...(product.mainThreadCpuSeconds === undefined ? {} : { mainThreadCpuSeconds: product.mainThreadCpuSeconds }),
    ...(floor.mainThreadCpuSeconds === undefined ? {} : { floorMainThreadCpuSeconds: floor.mainThreadCpuSeconds }),
    ...(product.peerCpuSeconds === undefined ? {} : { emulatorCpuSeconds: product.peerCpuSeconds }),
    ...(floor.peerCpuSeconds === undefined ? {} : { floorEmulatorCpuSeconds: floor.peerCpuSeconds }),
  };
}

/** The common lines every engine benchmark prints: product vs floor, calls, memory, the loop. */
export function engineLines(figures: EngineFigures, product: Measured<unknown>, floor: Measured<unknown>, floorWhat: string): string[] {
  const n = (value: number) => value.toLocaleString('en');
  return [
    `  wall time                    ${figures.wallSeconds} s; floor ${figures.floorWallSeconds} s (${floorWhat}); ratio ${figures.wallRatio}`,
    `  CPU time (this process)      ${product.cpuSeconds} s; floor ${floor.cpuSeconds} s; ratio ${figures.cpuRatio}`,
    ...(product.mainThreadCpuSeconds === undefined || floor.mainThreadCpuSeconds === undefined
      ? []
      : [
          `  of it, the main thread's      ${product.mainThreadCpuSeconds} s (${busy(product.mainThreadCpuSeconds, product.wallSeconds)} of the wall time), waiting for a core ${product.mainThreadWaitSeconds ?? '?'} s; floor ${floor.mainThreadCpuSeconds} s (${busy(floor.mainThreadCpuSeconds, floor.wallSeconds)}), ${floor.mainThreadWaitSeconds ?? '?'} s`,
        ]),
    ...(product.peerCpuSeconds === undefined || floor.peerCpuSeconds === undefined
      ? []
      : [`  the emulators' CPU time      ${product.peerCpuSeconds} s (${busy(product.peerCpuSeconds, product.wallSeconds)} of a core); floor ${floor.peerCpuSeconds} s (${busy(floor.peerCpuSeconds, floor.wallSeconds)})`]),
    `  API calls                    ${n(figures.apiCalls)}; floor ${n(figures.floorCalls)}; ratio ${(figures.apiCalls / Math.max(1, figures.floorCalls)).toFixed(3)}`,
    `  rows per second, end to end  ${n(figures.rowsPerSecond)}`,
    `  RSS at start / peak          ${product.rssStartMb} MB / ${figures.peakRssMb} MB (floor peak ${floor.peakRssMb} MB)`,
    `  event-loop delay             max ${figures.eventLoopDelayMaxMs} ms (${product.eventLoopDelayMaxOwnMs} ms not waiting for a CPU), ${figures.stallsOver50ms} stalls > ${STALL_MS} ms (p99 ${product.eventLoopDelayP99Ms} ms; floor max ${floor.eventLoopDelayMaxMs} ms)`,
  ];
}

const busy = (cpuSeconds: number, wallSeconds: number) => `${Math.round((100 * cpuSeconds) / Math.max(wallSeconds, 0.001))} %`;

/** `--size N` (the bench's row count), or the full size. */
export function sizeFlag(args: readonly string[], full: number): number {
  const at = args.indexOf('--size');
  const value = at >= 0 ? Number(args[at + 1]) : full;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--size wants a positive number, got ${String(args[at + 1])}`);
  return Math.round(value);
}

/** Runs `work` over `items` with at most `width` pending at once (the floors page accounts as the engines do). */
export async function eachLimited<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** A floor's HTTP call: plain fetch, JSON body, counted; throws on a non-2xx answer (the floor never recovers). */
export async function fetchJson<T>(counter: { calls: number }, url: string, init: RequestInit = {}): Promise<T> {
  counter.calls++;
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`floor call ${init.method ?? 'GET'} ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
