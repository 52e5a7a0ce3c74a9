import type { TeamThroughputPoint } from '@core/api';

export interface ThroughputSlot {
  /** Epoch ms of the slot's start. */
  start: number;
  completed: number;
  failed: number;
}

/**
 * One slot per bucket from `since` to `now`, each the sum over the chosen
 * engines (all when `engine` is null). Buckets the queue did not report are
 * zero: a quiet hour shows as an empty slot, not as a gap that moves the axis.
 */
export function throughputSlots(points: readonly TeamThroughputPoint[], options: { since: number; now: number; bucketMinutes: number; engine: string | null }): ThroughputSlot[] {
  const size = options.bucketMinutes * 60_000;
  const count = Math.max(1, Math.ceil((options.now - options.since) / size));
  const slots: ThroughputSlot[] = Array.from({ length: count }, (_, i) => ({ start: options.since + i * size, completed: 0, failed: 0 }));
  for (const point of points) {
    if (options.engine !== null && point.engine !== options.engine) continue;
    const index = Math.floor((Date.parse(point.at) - options.since) / size);
    const slot = slots[index];
    if (!slot) continue;
    slot.completed += point.completed;
    slot.failed += point.failed;
  }
  return slots;
}

/** Engines present in the points, in first-seen order (the chart's engine filter). */
export function enginesOf(points: readonly TeamThroughputPoint[]): string[] {
  return [...new Set(points.map((point) => point.engine))];
}
