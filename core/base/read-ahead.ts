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
  let next = iterator.next();
  let drained = false;
  try {
    for (;;) {
      const result = await next;
      if (result.done === true) {
        drained = true;
        return;
      }
      next = iterator.next();
      yield result.value;
    }
  } finally {
    if (!drained) {
      next.catch(() => undefined);
      iterator.return?.().catch(() => undefined);
    }
  }
}
