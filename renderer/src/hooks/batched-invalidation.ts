import type { QueryClient, QueryKey } from '@tanstack/react-query';

/** Invalidations inside this window are merged into one refetch per key. */
const WINDOW_MS = 200;

/**
 * Run events can arrive by the hundred (a CLI loop, a schedule tick for many
 * users); refetching the run list once per event would flood the host and
 * cancel its own in-flight requests. Collect the keys, invalidate once.
 */
export function batchedInvalidation(queryClient: QueryClient) {
  const pending = new Map<string, QueryKey>();
  let all = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const everything = all;
    const keys = [...pending.values()];
    pending.clear();
    all = false;
    // Every query but those that failed: a page whose query cannot succeed (no product database yet)
    // would otherwise show its error again at the end of every run, whatever engine ran.
    if (everything) void queryClient.invalidateQueries({ predicate: (query) => query.state.status !== 'error' });
    else for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
  };
  return {
    invalidate(queryKey: QueryKey): void {
      pending.set(JSON.stringify(queryKey), queryKey);
      timer ??= setTimeout(flush, WINDOW_MS);
    },
    /** Every query, mounted ones refetched now and the others when next shown. */
    invalidateAll(): void {
      all = true;
      timer ??= setTimeout(flush, WINDOW_MS);
    },
    cancel(): void {
      clearTimeout(timer);
      timer = undefined;
      pending.clear();
      all = false;
    },
  };
}
