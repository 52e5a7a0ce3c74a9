import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Where the CPU went while a bench ran (Linux's /proc): the measured thread's own time and wait, and its peers'.

/** One field of the calling thread's /proc/thread-self/schedstat (Linux; in ns), in ms; undefined where the kernel does not offer it. */
function schedstatMs(field: 0 | 1): number | undefined {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[field]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/** The calling thread's time spent runnable but not running (waiting on a run queue), in ms: schedstat's second field. */
export const runQueueWaitMs = (): number | undefined => schedstatMs(1);

/** The calling thread's time on a CPU, in ms: schedstat's first field. */
export const threadCpuMs = (): number | undefined => schedstatMs(0);

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every architecture Node ships for. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Processes' CPU time (user + system, every thread), in seconds, from /proc/<pid>/stat (its 14th and 15th
 * fields, counted after the parenthesised name, which may hold spaces); undefined where any is unreadable.
 */
export function processesCpuSeconds(children: readonly ChildProcess[]): number | undefined {
  let sum = 0;
  for (const child of children) {
    try {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is the 3rd field (state): utime is the 14th, stime the 15th.
      const ticks = Number(fields[11]) + Number(fields[12]);
      if (!Number.isFinite(ticks)) return undefined;
      sum += ticks / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }
  return sum;
}
