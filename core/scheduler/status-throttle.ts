import type { SchedulerStatus } from '../api/schedules';

/**
 * scheduler.status goes to every window and socket: send it when something a
 * person sees changed (state, counts, pause, which schedule is next), and a
 * moving next-run time alone at most every 5 s, since with 10,000 per-user
 * schedules the next run changes several times a second.
 */
export class StatusThrottle {
  private last = '';
  private lastAt = -Infinity;

  shouldEmit(status: SchedulerStatus, now: number, force: boolean): boolean {
    const key = JSON.stringify({ ...status, nextRun: status.nextRun?.scheduleId ?? null });
    if (!force && key === this.last && (now - this.lastAt < 5000 || status.nextRun === null)) return false;
    this.last = key;
    this.lastAt = now;
    return true;
  }
}
