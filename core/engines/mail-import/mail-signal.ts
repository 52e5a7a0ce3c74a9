/**
 * Runs `work` with a signal of its own that aborts when `parent` does.
 * Why: gaxios 7 wraps every request's signal in AbortSignal.any([signal,
 * timeout]), and on Node 20 (nodejs/node#55351) each call leaves a WeakRef
 * in the source signal's dependants set that is never removed while that
 * signal lives. Handing googleapis the run's signal made that set grow by
 * one entry per request for the whole run: 145,000 WeakRefs (about 50 MB
 * per million requests) in a 300-user benchmark, kept alive and walked by
 * every GC. A signal per batch of requests takes the set with it when the
 * batch ends.
 */
export async function withChildSignal<T>(parent: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const child = new AbortController();
  const forward = () => child.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  try {
    return await work(child.signal);
  } finally {
    parent.removeEventListener('abort', forward);
  }
}
