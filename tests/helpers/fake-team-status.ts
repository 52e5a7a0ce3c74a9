import type { TeamDeadLetter, TeamQueueDepth, TeamStatusSource, TeamThroughputBucket, TeamWorker } from '../../core/team/team-status';

/**
 * A TeamStatusSource test double: what the queue module would report, held in
 * plain arrays the test edits. `failWith` makes every read throw (a dropped
 * database connection); `calls` records what the handlers asked.
 */
export class FakeTeamStatus implements TeamStatusSource {
  workersList: TeamWorker[] = [];
  depthList: TeamQueueDepth[] = [];
  buckets: TeamThroughputBucket[] = [];
  dead: TeamDeadLetter[] = [];
  failWith: Error | null = null;
  readonly calls: { method: string; args: unknown[] }[] = [];

  private async answer<T>(method: string, args: unknown[], value: () => T): Promise<T> {
    this.calls.push({ method, args });
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    return value();
  }

  workers(): Promise<TeamWorker[]> {
    return this.answer('workers', [], () => this.workersList.map((w) => ({ ...w })));
  }

  depth(): Promise<TeamQueueDepth[]> {
    return this.answer('depth', [], () => this.depthList.map((d) => ({ ...d })));
  }

  throughput(sinceIso: string, bucketMinutes: number): Promise<TeamThroughputBucket[]> {
    return this.answer('throughput', [sinceIso, bucketMinutes], () => this.buckets.filter((b) => b.at >= sinceIso));
  }

  deadLetters(page: { limit: number; offset: number }): Promise<{ items: TeamDeadLetter[]; total: number }> {
    return this.answer('deadLetters', [page], () => ({ items: this.dead.slice(page.offset, page.offset + page.limit), total: this.dead.length }));
  }

  /** Like the queue: a retried job leaves the dead letters; a second retry of it answers false. */
  retryDeadLetter(jobId: string): Promise<boolean> {
    return this.answer('retryDeadLetter', [jobId], () => {
      const index = this.dead.findIndex((job) => job.jobId === jobId);
      if (index < 0) return false;
      this.dead.splice(index, 1);
      return true;
    });
  }
}

/** A team with three workers (one draining, one lost), three engines' queues, 24 h of throughput and dead letters, as of `now`. */
export function populatedTeam(now: Date): FakeTeamStatus {
  const team = new FakeTeamStatus();
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
  team.workersList = [
    { id: 'build-01/4121/a1', host: 'build-01', pid: 4121, engines: ['mail-import', 'storage-orphans'], concurrency: 8, running: 6, startedAt: ago(3 * 3_600_000), heartbeatAt: ago(4_000), alive: true, draining: false },
    { id: 'build-02/977/b2', host: 'build-02', pid: 977, engines: ['mail-import'], concurrency: 4, running: 2, startedAt: ago(26 * 3_600_000), heartbeatAt: ago(9_000), alive: true, draining: true },
    { id: 'build-03/31337/c3', host: 'build-03', pid: 31337, engines: ['identity', 'media-import', 'sheet-import'], concurrency: 2, running: 1, startedAt: ago(5 * 3_600_000), heartbeatAt: ago(7 * 60_000), alive: false, draining: false },
  ];
  team.depthList = [
    { engine: 'mail-import', queued: 1_840, active: 8, deadLetter: 3 },
    { engine: 'storage-orphans', queued: 12, active: 1, deadLetter: 0 },
    { engine: 'identity', queued: 0, active: 0, deadLetter: 1 },
  ];
  const bucketMs = 60 * 60_000;
  const start = Math.floor((now.getTime() - 24 * bucketMs) / bucketMs) * bucketMs;
  for (let i = 0; i <= 24; i++) {
    const at = new Date(start + i * bucketMs).toISOString();
    team.buckets.push({ at, engine: 'mail-import', completed: 2_400 + ((i * 379) % 900), failed: i % 7 === 3 ? 40 + i : i % 5 });
    team.buckets.push({ at, engine: 'storage-orphans', completed: 120 + ((i * 53) % 80), failed: i === 17 ? 12 : 0 });
  }
  team.dead = [
    { jobId: 'job-7f3a', engine: 'mail-import', scope: 'user:ada@example.com', runId: 912, attempts: 5, error: 'Gmail answered 401 invalid_grant: the user revoked access (needs reconnect).', failedAt: ago(12 * 60_000) },
    { jobId: 'job-81c0', engine: 'mail-import', scope: 'user:grace@example.com', runId: 915, attempts: 5, error: 'connect ETIMEDOUT 10.0.4.12:5432 (product database)', failedAt: ago(41 * 60_000) },
    { jobId: 'job-90de', engine: 'identity', scope: 'all', runId: null, attempts: 3, error: 'Supabase Auth answered 500 with an HTML page (not its own error shape); nothing was changed.', failedAt: ago(3 * 3_600_000) },
  ];
  return team;
}
