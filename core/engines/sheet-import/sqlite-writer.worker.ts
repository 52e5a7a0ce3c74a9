import type { CellValue } from './validate';

/**
 * The SQLite writer thread of a sheet import (see sqlite-worker-sink.ts).
 * It is plain CommonJS source run with `new Worker(source, { eval: true })`,
 * so it needs no separate entry in any bundler (tsx, vitest and the
 * electron-vite main bundle all load it the same way); better-sqlite3 is
 * required by the absolute path the host resolved.
 * Each `rows` message is one transaction of multi-row INSERTs (one prepared
 * statement of `perStatement` rows: far fewer native calls than one per row)
 * and is acknowledged with `saved`. `synchronous = NORMAL` is safe here: WAL
 * keeps the file consistent, and the staging table is rebuilt by the next
 * import if a power cut loses its last commits; the swap runs on the host's
 * own connection with its own settings.
 */
export type WriterMessage = { type: 'rows'; values: CellValue[] } | { type: 'end' } | { type: 'abort' };
export type WriterReply = { type: 'saved'; rows: number } | { type: 'error'; message: string; code?: string };

export const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { driverPath, path, busyTimeoutMs, width, perStatement, oneSql, manySql } = workerData;
let db;
try {
  const Database = require(driverPath);
  db = new Database(path, { timeout: busyTimeoutMs });
  db.pragma('synchronous = NORMAL');
} catch (error) {
  parentPort.postMessage({ type: 'error', message: error.message, code: error.code });
  process.exit(1);
}
const one = db.prepare(oneSql);
const many = db.prepare(manySql);
const args = new Array(width * perStatement);
const single = new Array(width);
const bind = (value) => (value === true ? 1 : value === false ? 0 : value);

function insert(values) {
  const rows = values.length / width;
  let row = 0;
  for (; row + perStatement <= rows; row += perStatement) {
    const base = row * width;
    for (let i = 0; i < args.length; i++) args[i] = bind(values[base + i]);
    many.run(args);
  }
  for (; row < rows; row++) {
    const base = row * width;
    for (let i = 0; i < width; i++) single[i] = bind(values[base + i]);
    one.run(single);
  }
  return rows;
}

parentPort.on('message', (message) => {
  if (message.type === 'rows') {
    try {
      db.exec('BEGIN IMMEDIATE');
      const rows = insert(message.values);
      db.exec('COMMIT');
      parentPort.postMessage({ type: 'saved', rows });
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      parentPort.postMessage({ type: 'error', message: error.message, code: error.code });
      db.close();
      parentPort.close();
    }
    return;
  }
  // 'end' and 'abort' alike: nothing is left uncommitted between messages, so closing is all.
  if (db.open) db.close();
  parentPort.close();
});
`;
