/**
 * What a run job carries: the console run it executes. The run row (state,
 * progress, result) lives in the store; the job is only the right to execute
 * it, so a job never holds secrets or parameters of its own.
 */
export interface RunJobData {
  readonly runId: number;
  readonly engine: string;
  readonly scope: string;
}

/** Reads a job's data defensively: a job inserted by hand or by an older version may be anything. */
export function parseRunJobData(data: unknown): RunJobData {
  if (typeof data !== 'object' || data === null) throw new Error('run job without data');
  const { runId, engine, scope } = data as Record<string, unknown>;
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId <= 0) throw new Error('run job without a valid runId');
  if (typeof engine !== 'string' || engine === '') throw new Error('run job without an engine');
  if (typeof scope !== 'string') throw new Error('run job without a scope');
  return { runId, engine, scope };
}
