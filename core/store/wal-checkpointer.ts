import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { betterSqliteDriverPath } from './sqlite-off-thread';

/**
 * Checkpoints the console store's write-ahead log on a worker thread.
 *
 * Why: SQLite's automatic checkpoint runs inside the commit that takes the
 * WAL past 1,000 pages, on the thread that commits, and it syncs the WAL and
 * then the database file. On this machine's disk one such commit took
 * 30-110 ms (strace), and identity's recording of its sync table (150 MB of
 * chunks at a million users) made a hundred of them: every event-loop stall
 * left in that phase was one (issue 19).
 *
 * How: a second connection on a worker thread runs `wal_checkpoint(PASSIVE)`
 * every FAST_MS while the WAL grows, backing off to SLOW_MS when it does not.
 * A passive checkpoint never waits for a lock and never blocks the host's
 * reads or writes; its syncs happen on the worker. The host's connection
 * keeps an automatic checkpoint as a backstop only (BACKSTOP_PAGES), so the
 * WAL stays bounded if the worker is slow or gone; if the worker fails or
 * exits unasked, the host's automatic checkpoint goes back to SQLite's
 * default. Durability is unchanged: commits are as durable as before, and a
 * checkpoint cut short by a crash is redone from the WAL on the next open.
 */
const FAST_MS = 250;
const SLOW_MS = 4000;
/** SQLite's default automatic checkpoint, in pages: restored when the worker is gone. */
const DEFAULT_AUTOCHECKPOINT = 1000;
/** About 64 MB of 4 KiB pages: past this the host's own commit checkpoints, as SQLite would. */
export const BACKSTOP_PAGES = 16_384;

type CheckpointerMessage = { type: 'checkpoint' } | { type: 'stop' };
type CheckpointerReply = { type: 'checkpointed' } | { type: 'error'; message: string };

const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { driverPath, nativeBinding, file, fastMs, slowMs } = workerData;
let db;
let timer;
try {
  const Database = require(driverPath);
  db = new Database(file, { fileMustExist: true, timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) });
  db.pragma('synchronous = NORMAL');
} catch (error) {
  parentPort.postMessage({ type: 'error', message: error.message });
  process.exit(1);
}
let last = '';
let delay = fastMs;
function checkpoint(asked) {
  let moved = false;
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    const state = row.log + '/' + row.checkpointed;
    moved = state !== last;
    last = state;
  } catch (error) {
    // SQLITE_BUSY (another connection checkpoints) or a locked file: the next tick tries again.
    const code = String(error.code);
    if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) {
      parentPort.postMessage({ type: 'error', message: error.message });
      return false;
    }
  }
  if (asked) parentPort.postMessage({ type: 'checkpointed' });
  return moved;
}
function tick() {
  delay = checkpoint(false) ? fastMs : Math.min(slowMs, delay * 2);
  timer = setTimeout(tick, delay);
}
timer = setTimeout(tick, delay);
parentPort.on('message', (message) => {
  if (message.type === 'checkpoint') {
    checkpoint(true);
    return;
  }
  clearTimeout(timer);
  if (db.open) db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Whether the worker runs (false after a failure: the host's automatic checkpoint is back). */
  readonly running: boolean;
  /**
   * A checkpoint now, on the worker; resolves when it is done (at once when the worker is not running).
   * A writer that has written much awaits this, so the WAL is copied back while it pauses (see SqliteStoreDb).
   */
  checkpoint(): Promise<void>;
  /** Stops the worker and waits for it to close its connection. */
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** The better_sqlite3.node the host's connection loaded (Electron's ABI differs from Node's). */
  nativeBinding?: string | undefined;
}

export function startWalCheckpointer(db: Database.Database, file: string, options: WalCheckpointerOptions = {}): WalCheckpointer {
  let worker: Worker;
  try {
    worker = new Worker(CHECKPOINTER_SOURCE, {
      eval: true,
      // Not the host's flags: under --input-type=module (or a loader) the CommonJS source would not run.
      execArgv: [],
      workerData: {
        driverPath: betterSqliteDriverPath(),
        nativeBinding: options.nativeBinding,
        file,
        fastMs: FAST_MS,
        slowMs: SLOW_MS,
      },
      // A thread that opens one connection and runs one pragma: a small heap is plenty.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
  } catch {
    // No threads here (Node's permission model without --allow-worker): SQLite checkpoints as it always did.
    return INERT;
  }
  let running = true;
  let stopping = false;
  const fallBack = () => {
    if (!running) return;
    running = false;
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  };
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  // Callers of checkpoint(), in the order they asked (the worker answers in order).
  // While one waits, the worker keeps the process alive: a write paced behind a checkpoint in a process with
  // nothing else to do (a CLI's last write) must not see the process exit under it.
  const asked: (() => void)[] = [];
  const answered = () => {
    if (asked.length === 0 && !stopping) worker.unref();
  };
  const answerAll = () => {
    asked.splice(0).forEach((resolve) => resolve());
    answered();
  };
  worker.on('message', (reply: CheckpointerReply) => {
    if (reply.type === 'checkpointed') {
      asked.shift()?.();
      answered();
    } else {
      fallBack();
      answerAll();
    }
  });
  worker.on('error', () => {
    fallBack();
    answerAll();
  });
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping) fallBack();
      answerAll();
      resolve();
    }),
  );
  // Never what keeps a process alive (a CLI that ends without closing its store still exits). After the
  // listeners: adding a 'message' listener refs the worker's port again.
  worker.unref();
  return {
    get running() {
      return running;
    },
    checkpoint() {
      if (!running) return Promise.resolve();
      return new Promise<void>((resolve) => {
        asked.push(resolve);
        worker.ref();
        worker.postMessage({ type: 'checkpoint' } satisfies CheckpointerMessage);
      });
    },
    async stop() {
      if (stopping) return exited;
      stopping = true;
      running = false;
      // Held until it has closed its connection (the last one, it then also removes the WAL).
      worker.ref();
      worker.postMessage({ type: 'stop' } satisfies CheckpointerMessage);
      // A checkpoint in progress finishes first (it cannot be interrupted); terminate is the backstop.
      const timer = setTimeout(() => void worker.terminate(), 5000);
      timer.unref();
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The checkpointer of a host that cannot start one: SQLite's own automatic checkpoint stays. */
const INERT: WalCheckpointer = {
  running: false,
  checkpoint: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};
