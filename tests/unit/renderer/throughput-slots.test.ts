import { describe, expect, it } from 'vitest';
import { enginesOf, throughputSlots } from '../../../renderer/src/components/team/throughput-data';

const HOUR = 3_600_000;
const since = Date.parse('2026-12-01T12:00:00.000Z');
const at = (h: number) => new Date(since + h * HOUR).toISOString();

describe('the Workers charts’ slots', () => {
  const points = [
    { at: at(0), engine: 'mail-import', completed: 10, failed: 1 },
    { at: at(0), engine: 'identity', completed: 5, failed: 0 },
    { at: at(3), engine: 'mail-import', completed: 7, failed: 2 },
    // Outside the window on both sides: not counted, never a slot of its own.
    { at: at(-1), engine: 'mail-import', completed: 99, failed: 99 },
    { at: at(30), engine: 'mail-import', completed: 99, failed: 99 },
  ];

  it('one slot per bucket from since to now, quiet hours as zero, engines summed', () => {
    const slots = throughputSlots(points, { since, now: since + 24 * HOUR, bucketMinutes: 60, engine: null });
    expect(slots).toHaveLength(24);
    expect(slots[0]).toEqual({ start: since, completed: 15, failed: 1 });
    expect(slots[1]).toEqual({ start: since + HOUR, completed: 0, failed: 0 });
    expect(slots[3]).toMatchObject({ completed: 7, failed: 2 });
    expect(slots.reduce((n, s) => n + s.completed, 0)).toBe(22);
  });

  it('one engine only when one is chosen; engines listed in first-seen order', () => {
    const slots = throughputSlots(points, { since, now: since + 24 * HOUR, bucketMinutes: 60, engine: 'identity' });
    expect(slots.reduce((n, s) => n + s.completed, 0)).toBe(5);
    expect(enginesOf(points)).toEqual(['mail-import', 'identity']);
  });

  it('a point inside a bucket (not on its start) lands in that bucket', () => {
    const slots = throughputSlots([{ at: new Date(since + 90 * 60_000).toISOString(), engine: 'x', completed: 1, failed: 0 }], { since, now: since + 3 * HOUR, bucketMinutes: 60, engine: null });
    expect(slots.map((s) => s.completed)).toEqual([0, 1, 0]);
  });
});
