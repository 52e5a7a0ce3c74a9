import { describe, expect, it } from 'vitest';
import { CsvRecordSplitter, MAX_QUOTED_CHARS, type CsvRecord } from '../../core/engines/sheet-import/csv-records';

/** Splits the text fed in pieces of `step` characters (a stream cuts anywhere). */
function split(text: string, step = text.length || 1): CsvRecord[] {
  const splitter = new CsvRecordSplitter();
  const out: CsvRecord[] = [];
  for (let at = 0; at < text.length; at += step) out.push(...splitter.push(text.slice(at, at + step)));
  return [...out, ...splitter.end()];
}

/** A tiny seeded PRNG (mulberry32): the same cuts on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('CsvRecordSplitter', () => {
  it('reads RFC 4180: quotes, doubled quotes, line breaks in cells, CRLF, a BOM, empty cells and lines', () => {
    const text = '\uFEFFplan,price\r\n"a, ""b""\nc",1\r\n,\n\nlast,2';
    expect(split(text)).toEqual([{ cells: ['plan', 'price'] }, { cells: ['a, "b"\nc', '1'] }, { cells: ['', ''] }, { cells: [''] }, { cells: ['last', '2'] }]);
  });

  it('gives every cut of the stream the same records (seeded)', () => {
    const text = 'h1,h2\n"x\n""y""",2\n3,"4"\n5,bad"quote\n"never closed,6\n7,8\n';
    const whole = split(text);
    const random = prng(16);
    for (let n = 0; n < 200; n++) expect(split(text, 1 + Math.floor(random() * 7))).toEqual(whole);
  });

  it('a malformed line is one malformed record in its place; the rest is read', () => {
    const records = split('h\n1,2\n4,"5"x,6\n7,8\n10,1"1,12\n13,14\n');
    expect(records.map((r) => r.malformed ?? r.cells.join('|'))).toEqual(['h', '1|2', 'text after a closing quote', '7|8', 'a quote inside an unquoted cell', '13|14']);
  });

  it('a quote never closed costs only its own line', () => {
    const records = split('h\n1,"open\n3,4\n5,6\n');
    expect(records.map((r) => r.malformed ?? r.cells.join('|'))).toEqual(['h', 'a quote opened here is never closed', '3|4', '5|6']);
  });

  it('a quoted cell past the cell limit is cut at the line it opened on, without buffering the whole file', () => {
    const body = `${'x'.repeat(100)}\n`.repeat(Math.ceil(MAX_QUOTED_CHARS / 100) + 10);
    const records = split(`h\n"${body}`, 4096);
    expect(records[1]?.malformed).toMatch(/runs past/);
    expect(records.length).toBeGreaterThan(10);
    expect(records.slice(2).every((r) => r.cells.join('') === 'x'.repeat(100))).toBe(true);
  });
});
