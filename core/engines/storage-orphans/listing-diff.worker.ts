import type { Row } from '../../appdb/adapter';
import { diffIdChunk, type IdChunkDiff, type ListingSets } from './listing-diff';

/**
 * The diff thread of a storage-orphans check (see listing-diff-thread.ts). Plain CommonJS source run with
 * `new Worker(source, { eval: true })`, as sqlite-writer.worker.ts is, so it needs no entry in any bundler;
 * better-sqlite3 is required by the absolute path the host resolved. The per-row diff is diffIdChunk's own
 * source text, so the thread and the host's in-thread diff cannot drift apart.
 *
 * It opens the product's SQLite file read-only (the product database is in WAL mode: its reads never block
 * the host's writes), and only if the file at that path is still the host's (SqliteFile.identity), says
 * `ready`, then answers each request, one at a time, with the account's chunks in
 * row order (each with its drifted rows read again by id) and `done`. Integers are read exactly (bigints), as the host's adapter reads them.
 */
export type DiffRequest = { id: number; userId: string; provider: string } & ListingSets;
export type DiffReply =
  | { type: 'ready' }
  | { type: 'open-failed'; message: string }
  /** `details`: the drifted rows as read by id (StorageDb.diffSql's byKey), raw; the host takes them with readFileRow. */
  | { type: 'chunk'; id: number; diff: IdChunkDiff; details: Row[] }
  | { type: 'done'; id: number }
  | { type: 'failed'; id: number; message: string; code?: string };

export const DIFF_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { driverPath, file, identity, first, next, chunk, nullKey, byKey, busyTimeoutMs } = workerData;
const diffIdChunk = ${diffIdChunk.toString()};
let db;
let firstChunk;
let nextChunk;
let rowByKey;
try {
  const Database = require(driverPath);
  db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  // Opened by path: the file there now must be the one the host's connection reads (a restore may have renamed
  // another over it since), checked after the open, so a rename in between is caught too.
  const stat = require('node:fs').statSync(file, { bigint: true });
  if (\`\${stat.dev}:\${stat.ino}\` !== identity) throw new Error('the product file was replaced since the host opened it');
  firstChunk = db.prepare(first).safeIntegers(true);
  nextChunk = db.prepare(next).safeIntegers(true);
  rowByKey = db.prepare(byKey).safeIntegers(true);
} catch (error) {
  parentPort.postMessage({ type: 'open-failed', message: String(error && error.message) });
  if (db && db.open) db.close();
  process.exit(0);
}
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', (request) => {
  const { id, userId, provider } = request;
  try {
    let after;
    for (;;) {
      const rows = after === undefined ? firstChunk.all(userId, provider) : nextChunk.all(userId, provider, after);
      if (rows.length === 0) break;
      const diff = diffIdChunk(rows, request);
      // The drifted rows again, by their ids as read (exact in any column type): a handful per chunk.
      const details = [];
      if (diff.drifted.length > 0) {
        // The rows that drifted (id and cloud id as the diff saw them), by their own keys; a NULL id addresses nothing.
        const drifted = new Set(diff.drifted.map((d) => \`\${d[0].length}:\${d[0]}\${d[2]}\`));
        for (const row of rows) {
          const id = String(row.id);
          if (row.id !== null && drifted.has(\`\${id.length}:\${id}\${String(row.pid)}\`)) for (const found of rowByKey.all(row.id, userId, provider)) details.push(found);
        }
      }
      parentPort.postMessage({ type: 'chunk', id, diff, details });
      if (rows.length < chunk) break;
      // As read (StorageDb's lastKey): a bigint, a number, text or a blob.
      after = rows[rows.length - 1].id;
      if (after === null) throw new Error(nullKey);
    }
    parentPort.postMessage({ type: 'done', id });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', id, message: String(error && error.message), code: error && error.code });
  }
});
`;
