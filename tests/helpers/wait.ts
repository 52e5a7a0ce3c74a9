/**
 * Polls `condition` until it holds; a bounded loop, so a broken test fails instead of hanging. `what` names the
 * condition in the error; a function is read when the wait fails (say, a child's output so far).
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what: string | (() => string) = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${typeof what === 'function' ? what() : what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
