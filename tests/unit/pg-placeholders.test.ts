import { describe, expect, it } from 'vitest';
import { numberPlaceholders } from '../../core/store/pg-placeholders';
import { parseExactNumber } from '../../core/store/postgres-store-db';

describe('numberPlaceholders', () => {
  const cases: Array<[string, string, number]> = [
    ['SELECT * FROM runs WHERE id = ? AND state IN (?,?)', 'SELECT * FROM runs WHERE id = $1 AND state IN ($2,$3)', 3],
    [`SELECT '?' AS q, ? AS p`, `SELECT '?' AS q, $1 AS p`, 1],
    [`SELECT 'it''s ?' , ?`, `SELECT 'it''s ?' , $1`, 1],
    [`SELECT E'a\\' ?' , ?`, `SELECT E'a\\' ?' , $1`, 1],
    [`SELECT "we?rd" FROM t WHERE x = ?`, `SELECT "we?rd" FROM t WHERE x = $1`, 1],
    [`SELECT "a""?" , ?`, `SELECT "a""?" , $1`, 1],
    ['SELECT ? -- why?\n, ?', 'SELECT $1 -- why?\n, $2', 2],
    ['SELECT /* a ? /* nested ? */ still ? */ ?', 'SELECT /* a ? /* nested ? */ still ? */ $1', 1],
    ['SELECT $$ ? $$, $tag$ ? $$ ? $tag$, ?', 'SELECT $$ ? $$, $tag$ ? $$ ? $tag$, $1', 1],
    // A positional $1 already written, or a name ending in $, is not a dollar quote.
    ['SELECT a$b, ?', 'SELECT a$b, $1', 1],
    // Not an E-string: the quote follows the identifier "name" (ends in e), so backslash is literal there.
    [`SELECT name'x\\' , ?`, `SELECT name'x\\' , $1`, 1],
    [`SELECT 'unterminated ?`, `SELECT 'unterminated ?`, 0],
  ];
  it.each(cases)('%s', (sql, text, count) => {
    expect(numberPlaceholders(sql)).toEqual({ text, count });
  });

  it('numbers past nine', () => {
    const sql = Array.from({ length: 12 }, () => '?').join(',');
    expect(numberPlaceholders(sql).text).toBe(Array.from({ length: 12 }, (_, i) => `$${i + 1}`).join(','));
  });
});

describe('parseExactNumber', () => {
  it('gives numbers for what a JS number holds exactly', () => {
    expect(parseExactNumber('42')).toBe(42);
    expect(parseExactNumber('-9007199254740991')).toBe(-9007199254740991);
    expect(parseExactNumber('1.25')).toBe(1.25);
  });
  it('refuses an integer beyond 2^53 rather than rounding it', () => {
    expect(() => parseExactNumber('9007199254740993')).toThrow(/2\^53/);
    expect(() => parseExactNumber('9007199254740992')).toThrow(/2\^53/);
    expect(() => parseExactNumber('-9223372036854775808')).toThrow(/2\^53/);
    expect(() => parseExactNumber('123456789012345678901.5')).toThrow(/2\^53/);
    expect(() => parseExactNumber('NaN')).toThrow(/finite/);
  });
});
