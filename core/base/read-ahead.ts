/**
 * Iterates `source` one item ahead: while the consumer works on an item (a
 * page of users being written to disk), the next one is already being
 * produced (its request sent and answered). The source is never asked for
 * more than one item beyond what the consumer took, so memory grows by one
 * item. When the consumer stops early, the item in flight is dropped (its
 * failure is not reported: the consumer's own ending is) and the source is
 * closed.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  // Each item in flight is marked handled at once: its failure reaches the consumer where it awaits it, but
  // a failure that lands while the consumer works on the previous item (or yields to the event loop) was an
  // unhandled rejection meanwhile, which ends a Node process.
  const ask = () => {
    const pending = iterator.next();
    pending.catch(() => undefined);
    return pending;
  };
  let next = ask();
  let drained = false;
  try {
    for (;;) {
      const result = await next;
      if (result.done === true) {
        drained = true;
        return;
      }
      next = ask();
      yield result.value;
    }
  } finally {
    if (!drained) iterator.return?.().catch(() => undefined);
  }
}
