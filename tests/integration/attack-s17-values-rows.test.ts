import { describe, expect, it } from 'vitest';
import { ValuesRowReader } from '../../core/engines/sheet-import/values-rows';

/**
 * Outside review of 7f452db (ValuesRowReader cuts string cells out of the text instead of JSON.parse'ing rows).
 * The invariant: for any body the reader gives exactly `JSON.parse(body).values` (cells as strings: null → '',
 * others via String()), whatever the chunking, or it throws. The failing tests below state that invariant for
 * bodies the reader accepts although JSON.parse refuses them (or reads differently).
 */
const encoder = new TextEncoder();

function readInChunks(body: string | Uint8Array, size: number): string[][] {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  const reader = new ValuesRowReader();
  const rows: string[][] = [];
  for (let at = 0; at < bytes.length; at += size) rows.push(...reader.push(bytes.subarray(at, at + size)));
  reader.end();
  return rows;
}

/** JSON.parse's reading of a body, cells as strings as getValues gives them. */
function parsed(body: string): string[][] {
  const values = (JSON.parse(body) as { values?: unknown[][] }).values ?? [];
  return values.map((row) => row.map((c) => (typeof c === 'string' ? c : c === null ? '' : String(c))));
}

/** Whatever the chunk size, the reader must refuse the body (JSON.parse does). */
function expectRefusedEverywhere(body: string): void {
  expect(() => JSON.parse(body), 'the control: JSON.parse refuses it').toThrow();
  const length = encoder.encode(body).length;
  for (let size = 1; size <= length; size++) expect(() => readInChunks(body, size), `${JSON.stringify(body)} in chunks of ${size}`).toThrow();
}

describe('attack s17: values.get reader against JSON.parse', () => {
  // Regression of 7f452db: the old reader gave every complete row to JSON.parse, which refuses a raw control
  // character (U+0000–U+001F) inside a string; a cell now cut out with slice() is never checked for one.
  it('refuses a raw control character inside a string cell, as JSON.parse (and the reader before 7f452db) did', () => {
    expectRefusedEverywhere('{"values":[["a\tb"]]}'); // raw TAB
    expectRefusedEverywhere('{"values":[["a\nb"]]}'); // raw LF
    expectRefusedEverywhere('{"range":"A1","values":[["ok"],["x\u0001y","z"]]}'); // raw U+0001
    expectRefusedEverywhere('{"values":[["\u0000"]]}'); // raw NUL
  });

  // Pre-existing (unchanged by 7f452db): nothing after the values array's `]` is read.
  it('refuses text after the end of the body', () => {
    expectRefusedEverywhere('{"values":[["a"]]}garbage');
    expectRefusedEverywhere('{"range":"A1"} {"values":[["x"]]}');
  });

  it('refuses a body whose values array is not followed by the end of the object (extra brackets, a truncated tail)', () => {
    expectRefusedEverywhere('{"values":[["a"]]]]]');
    // Truncated bodies: everything after the values array is missing, the reader calls them complete.
    expectRefusedEverywhere('{"range":"A1","values":[["a"]]');
    expectRefusedEverywhere('{"values":[["a"]],"range":"A1');
  });

  it('reads a body with two values keys as JSON.parse does (the last one), or refuses it', () => {
    const body = '{"values":[["a"]],"values":[["b"]]}';
    expect(parsed(body)).toEqual([['b']]);
    for (let size = 1; size <= body.length; size++) {
      let rows: string[][] | undefined;
      try {
        rows = readInChunks(body, size);
      } catch {
        continue; // refusing it is fine
      }
      expect(rows, `chunks of ${size}`).toEqual([['b']]);
    }
  });

  it('refuses a trailing comma in the values array', () => {
    expectRefusedEverywhere('{"values":[["a"],]}');
  });

  it('refuses a malformed head before the values array (a bare word, a missing value, stray commas)', () => {
    expectRefusedEverywhere('{"range":x,"values":[["a"]]}');
    expectRefusedEverywhere('{"range":,"values":[["a"]]}');
    expectRefusedEverywhere('{,,"values":[["a"]]}');
  });

  // Attacks that failed, kept for coverage the existing tests lack.

  it('reads a body split in three at every pair of byte positions as JSON.parse does (escapes written out, CRLF layout, astral characters)', () => {
    const values = [['a\\', '\\\\', '"', '\\"', '😀é', '\u2028', ']', '},{', ''], [], [1, -0, Infinity, 1.5e-7, null, true] as unknown[], [['n', ['e']], { k: '"]' }] as unknown[]];
    const bodies = [
      JSON.stringify({ majorDimension: 'ROWS', values }, null, '\t').replace(/\n/g, '\r\n'),
      '{"values":[["\\u0061\\u00e9\\ud83d\\ude00","\\/","\\b\\f\\n\\r\\t","a\\\\"],[ ],["\\ud800"]] }',
    ];
    for (const body of bodies) {
      const bytes = encoder.encode(body);
      const want = parsed(body);
      for (let i = 0; i <= bytes.length; i += 1)
        for (let j = i; j <= bytes.length; j += 1) {
          const reader = new ValuesRowReader();
          const rows = [...reader.push(bytes.subarray(0, i)), ...reader.push(bytes.subarray(i, j)), ...reader.push(bytes.subarray(j))];
          reader.end();
          if (JSON.stringify(rows) !== JSON.stringify(want)) expect(rows, `cut at ${i} and ${j}`).toEqual(want);
        }
    }
  });

  it('never accepts a body cut inside the values array: every prefix up to its last `]` is refused', () => {
    const body = JSON.stringify({ range: 'A1:C3', values: [['a', '"]"', 'x\\'], [], ['\\"', '😀']] }, null, 2);
    const bytes = encoder.encode(body);
    const lastBracket = bytes.lastIndexOf(0x5d);
    for (let cut = 0; cut <= lastBracket; cut++) expect(() => readInChunks(bytes.subarray(0, cut), 7), `cut at ${cut}`).toThrow(/not the expected JSON/);
  });

  it('refuses cells that are not JSON values, and maps numbers as String() does', () => {
    for (const cell of ['01', '+1', 'NaN', '0x10', 'truex', 'nul', '"\\x"', '"\\u00g0"', '-', '1.', '.5', "'a'"]) expectRefusedEverywhere(`{"values":[[${cell}]]}`);
    expectRefusedEverywhere('{"values":[["a",]]}');
    expectRefusedEverywhere('{"values":[[,"a"]]}');
    expectRefusedEverywhere('{"values":[["a"]}}');
    expectRefusedEverywhere('{"values":\u000b[["a"]]}'); // vertical tab is not JSON whitespace
    expectRefusedEverywhere('{"values":[\u00a0["a"]]}'); // nor is NBSP
    expect(readInChunks('{"values":[[-0,1e400,1.0,-1E-7,1e21,0.1]]}', 3)).toEqual([['0', 'Infinity', '1', '-1e-7', '1e+21', '0.1']]);
  });
});
