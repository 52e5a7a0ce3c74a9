import { Worker } from 'node:worker_threads';
import type { Row, SqliteFile } from '../../appdb/adapter';
import type { StorageProvider } from '../../api/storage';
import { betterSqliteDriverPath, terminateWhenLoaded } from '../../store/sqlite-off-thread';
import { InThreadDiffer, withKinds, type ChunkDiff, type IdChunkDiff, type ListingDiffer, type ListingSets } from './listing-diff';
import { DIFF_WORKER_SOURCE, type DiffReply, type DiffRequest } from './listing-diff.worker';
import { ownRows, readFileRow, type StorageDb } from './storage-db';
import type { FileRow } from './storage-model';

/** One account's diff on the thread: its chunks as they arrive, until `done` or a failure. */
interface PendingDiff {
  account: { userId: string; provider: StorageProvider };
  queue: ChunkDiff[];
  done: boolean;
  error: Error | undefined;
  wake: (() => void) | undefined;
}

/**
 * The diffs of a check on a worker thread with its own read-only connection to the product's SQLite file
 * (listing-diff.worker.ts). Why: at a million rows the product read and the per-row diff are about 0.9 s of
 * the host's thread, which the listings' parsing already fills; on the thread they run beside it on the
 * second core, and the host only copies each chunk's keys (about 60 ms a million each way, issue 19).
 *
 * Accounts queue on the one thread and are answered in the order asked. A cancelled account is dropped here, not
 * on the thread, which finishes it (a keyset read always ends: StorageDb's lastKey); a check's cancel is the
 * whole check's, and its end (close) terminates the thread at once. An account whose diff the thread
 * cannot finish (its statement failed, or the thread itself stopped) gets an error, so the check leaves it
 * unknown and concludes nothing from a partial diff (DESIGN §4.1); once the thread has stopped, later
 * accounts are diffed on this thread. Where no thread can start (no file, Node's permission model) or its
 * connection cannot open (the file is gone, or the path now names another file than the host's), every account
 * is diffed on this thread: the same result, more of this thread's time.
 */
export class ThreadDiffer implements ListingDiffer {
  private readonly worker: Worker;
  private readonly ready: Promise<boolean>;
  private readonly exited: Promise<void>;
  private readonly pending = new Map<number, PendingDiff>();
  private nextId = 0;
  private answered = 0;
  /** Why the thread ended before close(): later accounts are diffed here. */
  private stopped: Error | undefined;
  private closing = false;

  /** `source`: the thread's program (listing-diff.worker.ts); tests give one that fails on cue. */
  constructor(
    file: SqliteFile,
    product: StorageDb,
    private readonly here: InThreadDiffer,
    source = DIFF_WORKER_SOURCE,
  ) {
    const { first, next, chunk, nullKey, byKey } = product.diffSql();
    this.worker = new Worker(source, {
      eval: true,
      // Not the host's flags: under --input-type=module (or a loader) the CommonJS source would not run.
      execArgv: [],
      workerData: { driverPath: betterSqliteDriverPath(), file: file.path, identity: file.identity, first, next, chunk, nullKey, byKey, busyTimeoutMs: 5000 },
    });
    let thrown: Error | undefined;
    let settleReady: (ready: boolean) => void = () => {};
    this.ready = new Promise<boolean>((resolve) => (settleReady = resolve));
    this.worker.on('message', (reply: DiffReply) => {
      if (reply.type === 'ready') settleReady(true);
      else if (reply.type === 'open-failed') settleReady(false);
      else this.receive(reply);
    });
    this.worker.on('error', (error) => (thrown = error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        settleReady(false);
        if (!this.closing) this.stop(thrown ?? new Error(`The diff thread stopped unexpectedly (exit code ${code}).`));
        resolve();
      }),
    );
  }

  get diffsOnThread(): number {
    return this.answered;
  }

  async *chunks(userId: string, provider: StorageProvider, listing: ListingSets, signal: AbortSignal): AsyncIterable<ChunkDiff> {
    if (!(await this.ready) || this.stopped) {
      yield* this.here.chunks(userId, provider, listing);
      return;
    }
    const id = this.nextId++;
    const diff: PendingDiff = { account: { userId, provider }, queue: [], done: false, error: undefined, wake: undefined };
    this.pending.set(id, diff);
    const wake = () => diff.wake?.();
    signal.addEventListener('abort', wake, { once: true });
    try {
      const request: DiffRequest = { id, userId, provider, present: listing.present, trashed: listing.trashed, coveredPrefix: listing.coveredPrefix, seenKeys: listing.seenKeys };
      this.worker.postMessage(request);
      for (;;) {
        signal.throwIfAborted();
        const next = diff.queue.shift();
        if (next) yield next;
        else if (diff.error) throw diff.error;
        else if (diff.done) {
          this.answered++;
          return;
        }
        else await new Promise<void>((resolve) => (diff.wake = resolve));
      }
    } finally {
      // A cancelled account's later chunks find no entry and are dropped.
      this.pending.delete(id);
      signal.removeEventListener('abort', wake);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    // `ready` settles once the thread has opened the product file (the driver loaded) or has ended: never terminated
    // while it loads the driver, which aborts the whole process (terminateWhenLoaded).
    await terminateWhenLoaded(this.worker, this.ready.then(() => undefined));
    await this.exited;
    this.stop(new Error('The check ended.'));
  }

  private receive(reply: Exclude<DiffReply, { type: 'ready' } | { type: 'open-failed' }>): void {
    const diff = this.pending.get(reply.id);
    if (!diff) return;
    if (reply.type === 'chunk') diff.queue.push({ ...reply.diff, driftedRows: driftedRows(diff.account, reply.diff, reply.details) });
    else if (reply.type === 'done') diff.done = true;
    else diff.error = Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {});
    diff.wake?.();
  }

  /** The thread is gone: every account still waiting on it fails. */
  private stop(reason: Error): void {
    this.stopped ??= reason;
    for (const diff of this.pending.values()) {
      diff.error ??= reason;
      diff.wake?.();
    }
  }
}

/** The thread's drifted rows as the in-thread differ gives them: the rows that drifted (ownRows; the thread read them in the account), with their kinds. */
function driftedRows(account: PendingDiff['account'], diff: IdChunkDiff, details: readonly Row[]): ChunkDiff['driftedRows'] {
  const rows: FileRow[] = [];
  for (const r of details) {
    const id = asBuffer(r.id);
    // Only rows a repair can address again by their text id (keysIn): a blob that is not UTF-8 would be reported, then
    // called gone by the repair while it is still there (s22 attack). The in-thread differ cannot find it either.
    if (Buffer.isBuffer(id) && !Buffer.from(id.toString('utf8'), 'utf8').equals(id)) continue;
    const row = readFileRow({ ...r, id, pid: asBuffer(r.pid) }, account);
    if (row) rows.push(row);
  }
  return withKinds(diff, ownRows(rows, diff.drifted.map(([id, , pid]) => ({ id, pid }))));
}

/** A blob crosses from the thread as a plain Uint8Array, whose String() lists its bytes: back to the Buffer the driver gives here. */
const asBuffer = (value: unknown): unknown => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value);

/** The check's differ: on a thread where the product is a SQLite file, else on this thread. */
export function openListingDiffer(product: StorageDb): ListingDiffer {
  const here = new InThreadDiffer(product);
  const file = product.db.file;
  if (file === undefined) return here;
  try {
    return new ThreadDiffer(file, product, here);
  } catch {
    // Threads refused (Node's permission model without --allow-worker).
    return here;
  }
}
