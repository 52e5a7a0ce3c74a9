import type { Clock } from '../../core/base/clock';
import type { TimerSource } from '../../core/base/timers';

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A test double (under tests/, so no shipped module can import it): a clock
 * and timers that move only when told; unit tests and the schedules
 * benchmark (`npm run bench -- schedules`) run hours of scheduling in milliseconds. `sleep` moves the wall
 * clock without firing timers on the way, like a laptop lid closing; the
 * timers then fire late, as Node's do after a resume.
 */
export class ManualClock implements Clock, TimerSource {
  private nowMs: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(start: Date | number) {
    this.nowMs = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const item = { at: this.nowMs + Math.max(0, ms), seq: this.seq++, callback };
    this.pending.push(item);
    return item;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p !== handle);
  }

  get armed(): number {
    return this.pending.length;
  }

  /** Moves time forward, firing each timer at its due time; awaits microtasks between timers. */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > end) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.nowMs = Math.max(this.nowMs, next.at);
      next.callback();
      await flushMicrotasks();
    }
    this.nowMs = end;
  }

  /** The machine sleeps for `ms`: time jumps, then overdue timers fire late. */
  async sleep(ms: number): Promise<void> {
    this.nowMs += ms;
    await this.advance(0);
  }

  private earliest(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    return best;
  }
}

/**
 * Lets work started by a timer settle before time moves on: promise chains,
 * and the scheduler's own yields to the event loop (setImmediate), as a few
 * real event-loop turns. Its cost is counted in the benchmark's figures.
 */
async function flushMicrotasks(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) {
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
