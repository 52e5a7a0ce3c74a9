import type { Logger } from '../logging/logger';
import { yieldToEventLoop } from '../base/cooperative';
import { sameDerived, type DerivedSchedule, type SchedulesRepository } from '../store/schedules.repo';
import { derivedSignature } from './derived-signature';
import type { DerivedScheduleSource } from './scheduler-options';

/**
 * Keeps the store's app-db schedules equal to the product database's
 * per-user settings. One read at a time; an unchanged product costs no store
 * access (the same list, or an equal signature); a read still in flight when
 * the scheduler stops is discarded (its store may be closed by then).
 */
export class AppDbSync {
  private refreshing: Promise<void> | null = null;
  private lastDerived: DerivedSchedule[] | null = null;
  private lastSignature: string | null = null;
  private generation = 0;
  /** When the last read started (the scheduler re-reads once a minute from it). */
  lastReadAt = -Infinity;

  constructor(
    private readonly deps: {
      source: DerivedScheduleSource | undefined;
      schedules: SchedulesRepository;
      log: Logger;
      now: () => number;
      /** Called after the store changed: the scheduler reloads these schedules and tells the windows. */
      onChanged: (changed: number[], deleted: number[]) => Promise<void>;
    },
  ) {}

  get enabled(): boolean {
    return this.deps.source !== undefined;
  }

  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.lastReadAt = this.deps.now();
    this.refreshing = this.read().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async settled(): Promise<void> {
    await this.refreshing;
  }

  /** Forget what was read and close the source: a later refresh starts afresh. */
  reset(): void {
    this.generation++;
    this.lastDerived = null;
    this.lastSignature = null;
    void this.deps.source?.close?.().catch((error: unknown) => this.deps.log.warn({ err: error }, 'closing the product database failed'));
  }

  private async read(): Promise<void> {
    const source = this.deps.source;
    if (!source) return;
    const generation = this.generation;
    let derived: DerivedSchedule[] | null;
    try {
      derived = await source.read();
    } catch (error) {
      this.deps.log.warn({ err: error }, 'reading per-user schedules from the product database failed; keeping the last ones');
      return;
    }
    if (generation !== this.generation) return;
    if (derived !== null && derived === this.lastDerived) return;
    this.lastDerived = derived;
    // The read and the comparison each take ~10-20 ms at 10,000 users: let the host breathe between them.
    if (!(await this.pause(generation))) return;
    const signature = derivedSignature(derived ?? []);
    if (signature === this.lastSignature) return;
    if (!(await this.pause(generation))) return;
    const changes = await this.apply(derived ?? [], generation);
    if (!changes) return;
    this.lastSignature = signature;
    if (changes.changed.length + changes.deleted.length === 0) return;
    this.deps.log.info({ changed: changes.changed.length, deleted: changes.deleted.length }, 'per-user schedules changed in the product database');
    await this.deps.onChanged(changes.changed, changes.deleted);
  }

  /**
   * Compares and writes PAGE rows at a time, yielding to the event
   * loop between pages: 10,000 users written at once would hold the host for
   * ~100 ms. Null when the scheduler stopped meanwhile.
   */
  private async apply(derived: readonly DerivedSchedule[], generation: number): Promise<{ changed: number[]; deleted: number[] } | null> {
    const { schedules } = this.deps;
    const now = () => new Date(this.deps.now()).toISOString();
    const wanted = new Map(derived.map((d) => [d.sourceKey, d]));
    const changed: number[] = [];
    const deleted: number[] = [];
    for (let after = 0; ; ) {
      const page = await schedules.derivedPage(after, PAGE);
      const updates: { id: number; schedule: DerivedSchedule }[] = [];
      const deletes: number[] = [];
      for (const row of page) {
        const schedule = wanted.get(row.source_key);
        wanted.delete(row.source_key);
        if (!schedule) deletes.push(row.id);
        else if (!sameDerived(row, schedule)) updates.push({ id: row.id, schedule });
      }
      if (updates.length || deletes.length) await schedules.applyDerived({ inserts: [], updates, deletes }, now());
      changed.push(...updates.map((u) => u.id));
      deleted.push(...deletes);
      if (page.length < PAGE) break;
      after = (page[page.length - 1] as (typeof page)[number]).id;
      if (!(await this.pause(generation))) return null;
    }
    const inserts = [...wanted.values()];
    for (let at = 0; at < inserts.length; at += PAGE) {
      if (at > 0 && !(await this.pause(generation))) return null;
      changed.push(...await schedules.applyDerived({ inserts: inserts.slice(at, at + PAGE), updates: [], deletes: [] }, now()));
    }
    return { changed, deleted };
  }

  private async pause(generation: number): Promise<boolean> {
    await yieldToEventLoop();
    return generation === this.generation;
  }
}

/** Rows compared or written between two yields to the event loop. */
const PAGE = 500;
