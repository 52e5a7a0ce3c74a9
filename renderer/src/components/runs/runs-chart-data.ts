import type { RunState } from '@core/api';

export type Outcome = 'succeeded' | 'partial' | 'failed' | 'stopped' | 'active';
export const OUTCOMES: readonly Outcome[] = ['succeeded', 'partial', 'failed', 'stopped', 'active'];

export interface StatRun {
  state: RunState;
  startedAt: string;
  durationMs: number | null;
}

export interface Bucket {
  start: number;
  end: number;
  counts: Record<Outcome, number>;
  /** Of the finished runs in the bucket; null when none finished. */
  medianMs: number | null;
  maxMs: number | null;
}

export function outcomeOf(state: RunState): Outcome {
  if (state === 'succeeded' || state === 'partial' || state === 'failed') return state;
  if (state === 'queued' || state === 'running') return 'active';
  return 'stopped';
}

/**
 * Runs grouped into fixed buckets (6 hours by default) ending at the next
 * bucket boundary after `now`: thousands of per-user runs still draw as a
 * few dozen bars, and a run always lands in the same bucket across refetches.
 */
export function bucketRuns(runs: readonly StatRun[], options: { now: number; days: number; bucketHours?: number }): Bucket[] {
  const size = (options.bucketHours ?? 6) * 3_600_000;
  const local = new Date(options.now);
  // Buckets align on local midnight so each day's labels sit under whole days.
  const midnight = new Date(local.getFullYear(), local.getMonth(), local.getDate()).getTime();
  const end = midnight + Math.ceil((options.now - midnight + 1) / size) * size;
  const count = Math.round((options.days * 24 * 3_600_000) / size);
  const start = end - count * size;
  const buckets: (Bucket & { durations: number[] })[] = Array.from({ length: count }, (_, i) => ({
    start: start + i * size,
    end: start + (i + 1) * size,
    counts: { succeeded: 0, partial: 0, failed: 0, stopped: 0, active: 0 },
    medianMs: null,
    maxMs: null,
    durations: [],
  }));
  for (const run of runs) {
    const at = Date.parse(run.startedAt);
    const index = Math.floor((at - start) / size);
    const bucket = buckets[index];
    if (!bucket) continue;
    bucket.counts[outcomeOf(run.state)]++;
    if (run.durationMs !== null) bucket.durations.push(run.durationMs);
  }
  return buckets.map(({ durations, ...bucket }) => {
    if (durations.length === 0) return bucket;
    durations.sort((a, b) => a - b);
    return { ...bucket, medianMs: durations[Math.floor((durations.length - 1) / 2)] ?? null, maxMs: durations[durations.length - 1] ?? null };
  });
}

/** Log scale for durations: a 2-second check and a 40-minute import fit one axis. */
export const DURATION_TICKS_MS = [1_000, 10_000, 60_000, 600_000, 3_600_000] as const;

export function durationScale(maxMs: number, height: number): (ms: number) => number {
  const floor = Math.log10(100);
  const top = Math.log10(Math.max(maxMs, 60_000) * 1.2);
  return (ms: number) => (Math.min(Math.max(Math.log10(Math.max(ms, 100)) - floor, 0), top - floor) / (top - floor)) * height;
}
