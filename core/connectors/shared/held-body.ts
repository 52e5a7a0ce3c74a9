/**
 * A streamed response body that stays readable until it is read.
 *
 * Node's fetch (undici) cancels a body whose Response object is garbage
 * collected while the body is neither locked nor read, and the reader then
 * sees an empty body that ends normally. googleapis hands back `data` (the
 * body) and drops its Response, so a body read a little later came back
 * empty whenever a collection ran in between: the sheet import's prefetched
 * window failed ("it ended early") in 5 of 8 runs of the million-row bench,
 * and the CSV export is read after the spreadsheet's size is asked.
 * Taking the body's reader at once locks it, and undici leaves a locked body
 * alone. A Node stream (googleapis on node-fetch) is not at risk and is
 * returned as it is.
 */
export interface HeldBody extends AsyncIterable<Uint8Array> {
  /** Gives the body up unread (the connection is released). */
  destroy(): void;
}

export function heldBody(data: unknown): HeldBody {
  if (data instanceof ReadableStream) return lockedWebBody(data as ReadableStream<Uint8Array>);
  const stream = data as AsyncIterable<Uint8Array> & { destroy?: () => void };
  return { [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](), destroy: () => stream.destroy?.() };
}

function lockedWebBody(body: ReadableStream<Uint8Array>): HeldBody {
  const reader = body.getReader();
  let finished = false;
  const giveUp = () => {
    if (!finished) reader.cancel().catch(() => undefined);
  };
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            finished = true;
            return;
          }
          yield value;
        }
      } finally {
        // A consumer that stops early (break, throw) gives the body up, as a plain web body's iterator does.
        giveUp();
      }
    },
    destroy: giveUp,
  };
}
