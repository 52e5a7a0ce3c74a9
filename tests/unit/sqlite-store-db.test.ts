import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NestedTransactionError, SqliteStoreDb } from '../../core/store/sqlite-store-db';
import { openStore, type Store } from '../../core/store/store';
import { mergePatch } from '../../core/store/store-functions';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * The console store's SQLite driver (core/store/sqlite-store-db.ts): one better-sqlite3 connection that
 * async callers share. These fail if its transaction mutex, rollback, statement cache or store functions break.
 */
const NOW = '2026-12-02T10:00:00.000Z';
const macrotask = (ms = 15) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SqliteStoreDb', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: Store;
  let db: SqliteStoreDb;

  beforeEach(async () => {
    dir = makeTempDir();
    store = await openStore(dir.path);
    if (!(store.db instanceof SqliteStoreDb)) throw new Error('expected the SQLite store');
    db = store.db;
    await db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  const values = async () => (await db.all<{ x: number }>('SELECT x FROM t ORDER BY rowid')).map((row) => row.x);

  it('runs a plain statement at once when no transaction is open (no queueing)', () => {
    void db.run('INSERT INTO t (x) VALUES (?)', [7]);
    // Not awaited: the row is already there, as better-sqlite3 ran it synchronously.
    expect(db.raw.prepare('SELECT x FROM t').pluck().all()).toEqual([7]);
  });

  it('keeps other callers off the connection while a transaction awaits between its statements', async () => {
    const order: string[] = [];
    const transaction = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (x) VALUES (1)');
      order.push('tx: first insert');
      await macrotask(); // a real gap: timers, I/O and other callers get the event loop here
      await tx.run('INSERT INTO t (x) VALUES (2)');
      order.push('tx: second insert');
    });
    await Promise.resolve();
    // Issued while the transaction is open: each waits for it, and neither sees half of it.
    const read = db.all<{ x: number }>('SELECT x FROM t ORDER BY x').then((rows) => {
      order.push(`read: ${rows.map((row) => row.x).join(',')}`);
    });
    const write = db.run('INSERT INTO t (x) VALUES (3)').then(() => order.push('write: 3'));
    await Promise.all([transaction, read, write]);
    expect(order).toEqual(['tx: first insert', 'tx: second insert', 'read: 1,2', 'write: 3']);
    expect(await values()).toEqual([1, 2, 3]);
  });

  it('rolls the whole transaction back when its work throws, and a concurrent write is not part of it', async () => {
    const failing = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (x) VALUES (1)');
      await macrotask();
      await tx.run('INSERT INTO t (x) VALUES (2)');
      throw new Error('the work failed');
    });
    await Promise.resolve();
    // Without the mutex this insert would run inside the open transaction and be rolled back with it.
    const concurrent = db.run('INSERT INTO t (x) VALUES (3)');
    await expect(failing).rejects.toThrow('the work failed');
    await concurrent;
    expect(await values()).toEqual([3]);
    expect(db.raw.inTransaction).toBe(false);
    // The connection is free again: the next transaction commits.
    await db.transaction((tx) => tx.run('INSERT INTO t (x) VALUES (4)'));
    expect(await values()).toEqual([3, 4]);
  });

  it('rolls back when a statement of the transaction fails, and commits nothing of it', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (x) VALUES (1)');
        await tx.run('INSERT INTO t (x) VALUES (NULL)'); // NOT NULL
      }),
    ).rejects.toThrow(/NOT NULL/);
    expect(await values()).toEqual([]);
  });

  it('runs transactions one after the other, in the order they were asked for', async () => {
    const order: number[] = [];
    const one = (n: number) =>
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (x) VALUES (?)', [n]);
        await macrotask(5);
        await tx.run('INSERT INTO t (x) VALUES (?)', [n * 10]);
        order.push(n);
      });
    await Promise.all([one(1), one(2), one(3)]);
    expect(order).toEqual([1, 2, 3]);
    expect(await values()).toEqual([1, 10, 2, 20, 3, 30]);
  });

  it('refuses a nested transaction or a plain call from inside a transaction with a clear error (they would wait for themselves)', async () => {
    await expect(db.transaction(async () => db.transaction(async () => undefined))).rejects.toBeInstanceOf(NestedTransactionError);
    await expect(db.transaction(async () => db.get('SELECT 1'))).rejects.toThrow(/inside transaction\(work\), use the tx/);
    // Both were rolled back and released: the store works on.
    await db.run('INSERT INTO t (x) VALUES (5)');
    expect(await values()).toEqual([5]);
  });

  it('refuses a tx used after its transaction ended', async () => {
    let kept: Parameters<Parameters<SqliteStoreDb['transaction']>[0]>[0] | undefined;
    await db.transaction(async (tx) => {
      kept = tx;
    });
    await expect(kept?.run('INSERT INTO t (x) VALUES (9)')).rejects.toThrow(/transaction has ended/);
    expect(await values()).toEqual([]);
  });

  it('prepares a statement once and reuses it', async () => {
    const prepare = vi.spyOn(db.raw, 'prepare');
    for (let i = 0; i < 50; i++) await db.run('INSERT INTO t (x) VALUES (?)', [i]);
    await db.transaction(async (tx) => {
      for (let i = 0; i < 50; i++) await tx.run('INSERT INTO t (x) VALUES (?)', [i]);
    });
    const inserts = prepare.mock.calls.filter(([sql]) => sql === 'INSERT INTO t (x) VALUES (?)');
    expect(inserts).toHaveLength(1);
    expect((await values()).length).toBe(100);
    prepare.mockRestore();
  });

  it('gives Store.transaction repositories inside one transaction, their own batches as savepoints', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.engineState.setMany('e', [['a', 1], ['b', 2]], NOW);
        throw new Error('undo all of it');
      }),
    ).rejects.toThrow('undo all of it');
    expect(await store.engineState.get('e', 'a')).toBeUndefined();

    await store.transaction(async (tx) => {
      await tx.engineState.set('e', 'kept', true, NOW);
      // A batch that fails rolls back to its savepoint only.
      await expect(tx.runs.heartbeat([1], NOW)).resolves.toEqual([1]);
      await expect(tx.findings.insertMany(999, 'e', [{ subject: 's', kind: 'k', reason: 'r', proposedAction: 'p' }], NOW)).rejects.toThrow(/FOREIGN KEY/);
    });
    expect(await store.engineState.get('e', 'kept')).toBe(true);
    expect(await store.findings.countOpen()).toBe(0);
  });
});

describe('store functions', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let store: Store;

  beforeEach(async () => {
    dir = makeTempDir();
    store = await openStore(dir.path);
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  const patch = async (target: string | null, change: string | null) => (await store.db.get<{ r: string | null }>('SELECT sw_json_patch(?, ?) AS r', [target, change]))?.r;

  it('sw_json_patch is a JSON merge patch (RFC 7396): a null removes a key, objects merge, anything else replaces', async () => {
    expect(JSON.parse((await patch('{"a":1,"b":{"c":2,"d":3}}', '{"b":{"c":null,"e":4},"f":[1]}')) ?? 'null')).toEqual({ a: 1, b: { d: 3, e: 4 }, f: [1] });
    expect(JSON.parse((await patch('{"a":[1,2]}', '{"a":[3]}')) ?? 'null')).toEqual({ a: [3] });
    expect(JSON.parse((await patch('{"a":1}', '"text"')) ?? 'null')).toBe('text');
    expect(JSON.parse((await patch('[1]', '{"a":{"b":null}}')) ?? 'null')).toEqual({ a: {} });
    expect(JSON.parse((await patch('{"a":1}', '{"missing":null}')) ?? 'null')).toEqual({ a: 1 });
    expect(await patch(null, '{"a":1}')).toBeNull();
    // RFC 7396 appendix A, one of its cases in full.
    expect(mergePatch({ title: 'Goodbye!', author: { givenName: 'John', familyName: 'Doe' }, tags: ['example', 'sample'], content: 'x' }, { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] })).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'x',
      phoneNumber: '+01-123-456-7890',
    });
  });

  it('sw_json_patch keeps a "__proto__" key a plain key', async () => {
    const merged = JSON.parse((await patch('{}', '{"__proto__":{"polluted":true}}')) ?? 'null') as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('findings.update merges details with it: a null removes a key', async () => {
    const { id: runId } = await store.runs.insertQueued({ engine: 'e', scope: 'all', trigger: 'manual', params: {}, ownerPid: 1, now: NOW });
    await store.findings.insertMany(runId, 'e', [{ subject: 's', kind: 'k', reason: 'r', proposedAction: 'p', details: { keep: 1, drop: 2 } }], NOW);
    const [finding] = await store.findings.open('e');
    expect(await store.findings.update([finding!.id], { details: { drop: null, add: 3 } }, NOW)).toBe(1);
    expect((await store.findings.byIds([finding!.id]))[0]?.details).toEqual({ keep: 1, add: 3 });
  });

  it('sw_lower folds beyond ASCII, as PostgreSQL lower() does', async () => {
    expect((await store.db.get<{ r: string }>('SELECT sw_lower(?) AS r', ['ÉMILE Ädams']))?.r).toBe('émile ädams');
  });
});
