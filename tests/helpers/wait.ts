/**
 * Polls `condition` until it holds; a bounded loop, so a broken test fails instead of hanging. `what` names the
 * condition in the error; a function is read when the wait fails (say, a child's output so far).
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what: string | (() => string) = 'condition'): Promise<void> {
  await untilEvery(10, condition, timeoutMs, what);
}

/**
 * `until` with a poll period of the caller's choosing, for long waits on a condition that costs a query: polled
 * every 10 ms for a minute, a count over the run and job tables is thousands of queries competing for the CPU
 * with the very workers being waited for (2 shared cores in CI). A period of 100-250 ms leaves them the CPU and
 * adds at most that period to a wait of many seconds.
 */
export async function untilEvery(
  periodMs: number,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what: string | (() => string) = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${typeof what === 'function' ? what() : what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, periodMs));
  }
}
