import type { Logger } from '../logging/logger';
import type { StoredSchedule } from '../store/schedules.repo';
import { DueQueue } from './due-queue';
import { stableFraction } from './jitter';
import { compileTrigger, type CompiledTrigger } from './triggers';

/** A schedule the scheduler holds: its compiled trigger, next regular slot and pending retry. */
export interface Entry {
  schedule: StoredSchedule;
  trigger: CompiledTrigger;
  /** The next regular slot. */
  nextRegular: number;
  /** A pending retry of a failed firing (within the same interval). */
  retry: { at: number; attempt: number; dueAt: number } | null;
}

/**
 * The scheduler's in-memory table: entries by id, their next due times in one
 * min-heap, and the set of failing ones (so the attention count never walks
 * 10,000 entries).
 */
export class EntryTable {
  private readonly entries = new Map<number, Entry>();
  private readonly queue = new DueQueue();
  private readonly failing = new Set<number>();

  constructor(private readonly log: Logger) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: number): Entry | undefined {
    return this.entries.get(id);
  }

  /** One schedule in: at start from its last due time (a slot missed while closed fires once), after an edit from now. */
  load(schedule: StoredSchedule, base: number): void {
    const existing = this.entries.get(schedule.id);
    if (!schedule.enabled) return this.remove(schedule.id);
    if (existing && existing.schedule.updatedAt === schedule.updatedAt) {
      existing.schedule = schedule;
      return;
    }
    const trigger = this.compile(schedule);
    if (!trigger) return this.remove(schedule.id);
    const entry = { schedule, trigger, nextRegular: trigger.next(base) ?? Infinity, retry: null };
    this.entries.set(schedule.id, entry);
    this.setFailures(entry, schedule.failures);
    this.requeue(entry);
  }

  remove(id: number): void {
    this.entries.delete(id);
    this.failing.delete(id);
    this.queue.delete(id);
  }

  clear(): void {
    this.entries.clear();
    this.queue.clear();
    this.failing.clear();
  }

  /** Back into the queue at its earliest time: the next slot or the pending retry. */
  requeue(entry: Entry): void {
    const at = Math.min(entry.nextRegular, entry.retry?.at ?? Infinity);
    if (Number.isFinite(at)) this.queue.set(entry.schedule.id, at);
    else this.queue.delete(entry.schedule.id);
  }

  /** Takes an entry out of the queue (it is handled elsewhere until requeued). */
  unqueue(id: number): void {
    this.queue.delete(id);
  }

  popDue(now: number): { id: number; at: number }[] {
    return this.queue.popDue(now);
  }

  peek(): { entry: Entry; at: number } | undefined {
    const top = this.queue.peek();
    const entry = top && this.entries.get(top.id);
    return top && entry ? { entry, at: top.at } : undefined;
  }

  setFailures(entry: Entry, failures: number): void {
    entry.schedule.failures = failures;
    if (failures > 0) this.failing.add(entry.schedule.id);
    else this.failing.delete(entry.schedule.id);
  }

  /** Whether the store's failure count must be reset (it is non-zero for this schedule). */
  isFailing(id: number): boolean {
    return this.failing.has(id);
  }

  attention(threshold: number): number {
    let count = 0;
    for (const id of this.failing) if ((this.entries.get(id)?.schedule.failures ?? 0) >= threshold) count++;
    return count;
  }

  private compile(schedule: StoredSchedule): CompiledTrigger | null {
    const offsetFraction = schedule.origin === 'app-db' ? stableFraction(schedule.sourceKey ?? String(schedule.id)) : 0;
    const compiled = compileTrigger(schedule.trigger, { timeZone: schedule.timeZone, offsetFraction });
    if (compiled.ok) return compiled.trigger;
    this.log.warn({ scheduleId: schedule.id, error: compiled.error }, 'a schedule has an invalid trigger and never fires');
    return null;
  }
}
