import type { ActiveRunOwner } from '../store/runs.repo';
import type { Store } from '../store/store';
import type { RunOwner } from './run-owner';

export interface RecoveryOptions {
  now: Date;
  /** For runs written before leases existed (no lease_expires_at): stale when the heartbeat is this old. */
  staleAfterMs: number;
  /** The sweeping process: its own runs are judged by `isLocal`, never by their lease. */
  self?: RunOwner;
  /** Whether a run of `self` is still being worked on here (may read the store: a run's created_at). */
  isLocal?: (runId: number) => boolean | Promise<boolean>;
  isProcessAlive?: (pid: number) => boolean;
}

/**
 * Marks runs `interrupted` when they are queued or running but their owner is
 * gone (crash, SIGKILL, power loss). An owner is gone when its lease ran out,
 * or at once when it ran on this machine and its pid no longer exists. Every
 * live process sweeps every few seconds, and once when it opens the store.
 */
export async function recoverInterruptedRuns(store: Store, options: RecoveryOptions): Promise<number[]> {
  const interrupted: number[] = [];
  for (const owner of await store.runs.activeOwners()) {
    const reason = await whyOwnerIsGone(owner, options);
    if (reason && await interruptRun(store, owner, reason, options.now)) interrupted.push(owner.id);
  }
  return interrupted;
}

/** Interrupts one run if its owner is gone (cancel of a run nobody works on any more). */
export async function recoverRunIfOwnerGone(store: Store, runId: number, options: RecoveryOptions): Promise<boolean> {
  const owner = (await store.runs.activeOwners()).find((o) => o.id === runId);
  const reason = owner && (await whyOwnerIsGone(owner, options));
  return Boolean(owner && reason && await interruptRun(store, owner, reason, options.now));
}

/** Why the owner of this active run is gone, or undefined while it may still be alive. */
async function whyOwnerIsGone(owner: ActiveRunOwner, options: RecoveryOptions): Promise<string | undefined> {
  const { self, now } = options;
  if (self && owner.ownerId === self.id) return options.isLocal && !(await options.isLocal(owner.id)) ? 'this process lost track of it' : undefined;
  const alive = options.isProcessAlive ?? isProcessAlive;
  // A pid is only meaningful on its own machine; old rows have no host and are judged as before (same machine assumed).
  const sameHost = owner.ownerHost === null || owner.ownerHost === (self?.host ?? owner.ownerHost);
  if (sameHost && !alive(owner.ownerPid)) return 'the owning process stopped';
  const expiresAt = owner.leaseExpiresAt ? Date.parse(owner.leaseExpiresAt) : Date.parse(owner.heartbeatAt) + options.staleAfterMs;
  if (now.getTime() > expiresAt) return 'the owning process stopped renewing its lease';
  return undefined;
}

/** The state and the event saying why land together: a reader that sees the run interrupted sees the reason too. */
async function interruptRun(store: Store, owner: ActiveRunOwner, reason: string, now: Date): Promise<boolean> {
  const nowIso = now.toISOString();
  return await store.transaction(async (tx) => {
    const moved = await tx.runs.interrupt(
      owner.id,
      owner.heartbeatAt,
      { finishedAt: nowIso, error: { code: 'interrupted', message: `The process running this run stopped before it finished (${reason}).` } },
      nowIso,
    );
    if (moved) await tx.runEvents.append(owner.id, 'state', `interrupted: ${reason}`, nowIso, { ownerPid: owner.ownerPid, ownerId: owner.ownerId });
    return moved;
  });
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
