import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who runs a run: one identity per process instance. The pid alone cannot say
 * whether the owner still lives (pids are reused, and a store may be shared
 * with another machine); the random part makes the id unique per instance,
 * and the host says whether a dead pid may be trusted as "dead".
 */
export interface RunOwner {
  id: string;
  pid: number;
  host: string;
}

export function createRunOwner(pid: number = process.pid, host: string = hostname()): RunOwner {
  return { id: `${host}/${pid}/${randomUUID()}`, pid, host };
}

/** Lease timing: the owner renews every heartbeatMs; a run whose lease is leaseMs old is presumed dead. */
export interface LeaseTiming {
  heartbeatMs: number;
  leaseMs: number;
}

const DEFAULT_HEARTBEAT_MS = 2_000;
/** Several missed heartbeats, and longer than SQLite's 5 s busy timeout, so a briefly blocked owner keeps its runs. */
const DEFAULT_LEASE_MS = 15_000;

export function leaseTiming(heartbeatMs?: number, leaseMs?: number): LeaseTiming {
  const beat = heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  return { heartbeatMs: beat, leaseMs: leaseMs ?? (heartbeatMs === undefined ? DEFAULT_LEASE_MS : beat * 6) };
}
