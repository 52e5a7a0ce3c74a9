import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { keyValues as allKeyValues, keysIn } from '../../core/appdb/key-match';

/** The values besides the blob every SQLite id is also bound as (checked on its own below). */
const keyValues = (dialect: 'sqlite' | 'postgres', id: string) => allKeyValues(dialect, id).filter((v) => !Buffer.isBuffer(v));

describe('keyValues: a text id bound so it finds its row in any SQLite column type', () => {
  it('binds an integer\'s exact decimal text as that integer too, across the whole 64-bit range', () => {
    expect(keyValues('sqlite', '7')).toEqual(['7', 7n]);
    expect(keyValues('sqlite', '-12')).toEqual(['-12', -12n]);
    expect(keyValues('sqlite', '0')).toEqual(['0', 0n]);
    expect(keyValues('sqlite', '9223372036854775807')).toEqual(['9223372036854775807', 9223372036854775807n]);
    expect(keyValues('sqlite', '-9223372036854775808')).toEqual(['-9223372036854775808', -9223372036854775808n]);
  });

  it('binds only the text where no stored number reads so: other spellings, out of range, words', () => {
    for (const id of ['007', '+7', '-0', '7 ', '1e3', '.5', '9223372036854775808', 'infinity', 'NaN', '', 'row-7', '0x10']) expect(keyValues('sqlite', id)).toEqual([id]);
  });

  it('binds a real\'s own form as that real, a rounded one past 2^53 too', () => {
    expect(keyValues('sqlite', '0.5')).toEqual(['0.5', 0.5]);
    expect(keyValues('sqlite', '-2.25')).toEqual(['-2.25', -2.25]);
    expect(keyValues('sqlite', '1152921504606847000')).toEqual(['1152921504606847000', 1152921504606847000n, 2 ** 60]);
    // An exact integer past 2^53 that no double reads as: the integer only.
    expect(keyValues('sqlite', '1152921504606846977')).toEqual(['1152921504606846977', 1152921504606846977n]);
  });

  it('binds every SQLite id as its UTF-8 bytes too, and an overflowed REAL\'s text as that real', () => {
    expect(allKeyValues('sqlite', 'ABCD').at(-1)).toEqual(Buffer.from('ABCD'));
    expect(keyValues('sqlite', 'Infinity')).toEqual(['Infinity', Infinity]);
    expect(keyValues('sqlite', '-Infinity')).toEqual(['-Infinity', -Infinity]);
  });

  it('binds the text alone in PostgreSQL, whose columns are typed', () => {
    expect(keyValues('postgres', '7')).toEqual(['7']);
    expect(keysIn('postgres', 'id', ['7', 'a'])).toEqual({ sql: '"id" IN (?, ?)', params: ['7', 'a'] });
    expect(allKeyValues('postgres', '7')).toEqual(['7']);
  });

  it.each(['', 'INTEGER', 'TEXT', 'NUMERIC', 'REAL', 'BLOB'])('finds each row once by String(id) in a column declared %j', (type) => {
    const db = new Database(':memory:');
    try {
      // No key: a typed column may convert two stored values to one (NUMERIC 7 and 007), and each row must still be found.
      db.exec(`CREATE TABLE t (id ${type}, v TEXT)`);
      const insert = db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
      // 2^60 + 1 is stored exactly in most columns; a REAL column rounds it to 2^60, which reads '1152921504606847000'.
      const stored: unknown[] = [7n, 2n ** 60n + 1n, -3n, 0.5, 'abc', '007', Buffer.from('blob-id'), Infinity];
      stored.forEach((id, i) => insert.run(id, `v${i}`));
      const read = db.prepare('SELECT id FROM t').safeIntegers(true).all() as { id: unknown }[];
      const ids = read.map((r) => String(r.id));
      const match = keysIn('sqlite', 'id', ids);
      const found = db.prepare(`SELECT v FROM t WHERE ${match.sql}`).all(...match.params) as { v: string }[];
      expect(found.map((r) => r.v).sort()).toEqual(stored.map((_, i) => `v${i}`));
    } finally {
      db.close();
    }
  });
});
