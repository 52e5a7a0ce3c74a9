import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** Where better-sqlite3 is, for a worker thread to load the same driver (and native module) as this thread. */
export function betterSqliteDriverPath(): string {
  return createRequire(__filename).resolve('better-sqlite3');
}

/** Work for a second connection: pragmas, then a script, then one row read back. */
export interface OffThreadSql {
  /** Pragmas of the worker's connection (`name = value`), set first: per connection, they are not the file's. */
  pragmas?: readonly string[];
  /** Statements run with `exec`, in order. */
  exec: string;
  /** A query whose first row is returned (counts of what the script left). */
  get?: string;
}

export type OffThreadRow = Record<string, string | number | bigint | null>;

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { driverPath, file, pragmas, exec, get } = workerData;
let db;
try {
  const Database = require(driverPath);
  db = new Database(file, { fileMustExist: true });
  parentPort.postMessage({ loaded: true });
  for (const pragma of pragmas) db.pragma(pragma);
  db.exec(exec);
  const row = get ? db.prepare(get).get() : undefined;
  db.close();
  parentPort.postMessage({ ok: true, row });
} catch (error) {
  if (db && db.open) db.close();
  parentPort.postMessage({ ok: false, message: String(error && error.message), code: error && error.code });
}
`;

/**
 * Runs a long SQLite script (index builds over a million rows: seconds of
 * native work) on a worker thread, with its own connection to `file`, so the
 * event loop stays free. The caller must hold no connection that could write
 * or lock the file meanwhile (close it first): the worker's statements are
 * the only ones on it until this resolves.
 *
 * Where threads cannot start (Node's permission model without
 * --allow-worker) the script runs here, on this thread: slower to the event
 * loop, the same result. An abort terminates the worker and rejects once the
 * thread has ended (after the statement it was in: SQLite's own work is not
 * interrupted), its connection closed; the file is then in no known state and
 * is the caller's to discard.
 */
export async function runSqliteOffThread(file: string, work: OffThreadSql, signal?: AbortSignal): Promise<OffThreadRow | undefined> {
  signal?.throwIfAborted();
  const pragmas = work.pragmas ?? [];
  let worker: Worker;
  try {
    worker = new Worker(SOURCE, {
      eval: true,
      // Not the host's flags: under --input-type=module (or a loader) the CommonJS source would not run.
      execArgv: [],
      workerData: { driverPath: betterSqliteDriverPath(), file, pragmas, exec: work.exec, get: work.get },
      // The work is native (SQLite's sorter is bounded by the cache size): the JavaScript heap stays small.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
  } catch {
    return runHere(file, work, pragmas);
  }
  return new Promise<OffThreadRow | undefined>((resolve, reject) => {
    let aborted = false;
    // Terminating cannot stop a statement inside SQLite: the thread ends after it, and only its exit (below)
    // settles an abort, so the file is closed by then (a caller may then delete it, even on Windows).
    // Never while the thread loads the driver (terminateWhenLoaded).
    const loaded = driverLoaded(worker);
    const onAbort = () => {
      aborted = true;
      void terminateWhenLoaded(worker, loaded);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal?.removeEventListener('abort', onAbort);
    worker.on('message', (reply: { loaded: true } | { ok: true; row?: OffThreadRow } | { ok: false; message: string; code?: string }) => {
      if ('loaded' in reply) return;
      // The worker closed its connection before answering.
      settle();
      if (reply.ok) resolve(reply.row);
      else reject(Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code }));
    });
    // An error thrown by the worker's own code comes before its exit: the exit settles it, with the error.
    let failure: unknown;
    worker.once('error', (error) => (failure = error));
    // A worker that ends without a word (killed by its resource limits, terminated) fails the work.
    worker.once('exit', (code) => {
      settle();
      if (aborted) reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      else reject(failure ?? new Error(`the SQLite worker thread ended (exit code ${code}) before it was done`));
    });
  });
}

/**
 * Settles once a worker thread has loaded better-sqlite3's native module (its program posts `{ loaded: true }`
 * right after its first `new Database`), or has ended without.
 */
function driverLoaded(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'loaded' in message) done();
    };
    const done = () => {
      worker.off('message', onMessage);
      worker.off('exit', done);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('exit', done);
  });
}

/**
 * Terminates a worker thread that uses better-sqlite3, but never while it is loading the driver: better-sqlite3
 * 13's module init (N-API) aborts the whole process when its thread is terminated in the middle of it ("FATAL
 * ERROR: Error::New napi_get_last_error_info"). It did twice in one CI run (an aborted index build, a check's diff
 * thread closed early), and 800 terminations at 0-80 ms after the start took a test process down every time. The
 * load takes about a millisecond, some 25 ms after the thread starts; a termination during the driver's later calls
 * is safe (better-sqlite3 13.2 swallows the exception it cannot throw there).
 */
export async function terminateWhenLoaded(worker: Worker, loaded: Promise<void>): Promise<number> {
  await loaded;
  return await worker.terminate();
}

function runHere(file: string, work: OffThreadSql, pragmas: readonly string[]): OffThreadRow | undefined {
  const db = new Database(file, { fileMustExist: true });
  try {
    for (const pragma of pragmas) db.pragma(pragma);
    db.exec(work.exec);
    return work.get ? (db.prepare(work.get).get() as OffThreadRow | undefined) : undefined;
  } finally {
    db.close();
  }
}
