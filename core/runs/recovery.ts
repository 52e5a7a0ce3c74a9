import type { Store } from '../store/store';

export interface RecoveryOptions {
  now: Date;
  /** A run whose heartbeat is older than this is stale even if its pid exists (pid reuse). */
  staleAfterMs: number;
  isProcessAlive?: (pid: number) => boolean;
}

/**
 * Marks runs `interrupted` when they are queued or running but their owner is
 * gone (crash, SIGKILL, power loss). Runs owned by a live process that keeps
 * its heartbeat (the desktop app while the CLI opens the same store) are left alone.
 */
export function recoverInterruptedRuns(store: Store, options: RecoveryOptions): number[] {
  const alive = options.isProcessAlive ?? isProcessAlive;
  const nowIso = options.now.toISOString();
  const interrupted: number[] = [];
  for (const owner of store.runs.activeOwners()) {
    const stale = options.now.getTime() - Date.parse(owner.heartbeatAt) > options.staleAfterMs;
    if (alive(owner.ownerPid) && !stale) continue;
    const moved = store.runs.transition(
      owner.id,
      ['queued', 'running'],
      'interrupted',
      { finishedAt: nowIso, error: { code: 'interrupted', message: 'The process running this run stopped before it finished.' } },
      nowIso,
    );
    if (moved) {
      store.runEvents.append(owner.id, 'state', 'interrupted: the owning process stopped', nowIso, { ownerPid: owner.ownerPid });
      interrupted.push(owner.id);
    }
  }
  return interrupted;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
