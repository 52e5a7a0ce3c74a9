import type { SchedulerStatus } from '../api/schedules';
import { createThrottle, type Throttle } from '../base/throttle';

/**
 * scheduler.status goes to every window and socket: send it when something a
 * person sees changed (state, counts, pause, which schedule is next), and a
 * moving next-run time alone at most every 5 s, since with 10,000 per-user
 * schedules the next run changes several times a second. What counts as a
 * change is decided here; the 5 s is the shared throttle's (without trailing
 * emission: the scheduler re-sends on its next change).
 */
export class StatusThrottle {
  private last = '';
  private at = 0;
  private readonly moving: Throttle = createThrottle(5000, () => undefined, { now: () => this.at, trailing: false });

  shouldEmit(status: SchedulerStatus, now: number, force: boolean): boolean {
    this.at = now;
    const key = JSON.stringify({ ...status, nextRun: status.nextRun?.scheduleId ?? null });
    if (force || key !== this.last) {
      this.last = key;
      this.moving.flush();
      return true;
    }
    return status.nextRun !== null && this.moving.request();
  }
}
