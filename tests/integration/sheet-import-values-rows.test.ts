import { describe, expect, it } from 'vitest';
import { ValuesRowReader } from '../../core/engines/sheet-import/values-rows';

/** The streaming reader of values.get bodies that sheet-import's Sheets API path parses windows with. */
const encoder = new TextEncoder();

function readInChunks(body: string, size: number): string[][] {
  const bytes = encoder.encode(body);
  const reader = new ValuesRowReader();
  const rows: string[][] = [];
  for (let at = 0; at < bytes.length; at += size) rows.push(...reader.push(bytes.subarray(at, at + size)));
  reader.end();
  return rows;
}

const tricky = { range: "'Plans'!A1:C6", majorDimension: 'ROWS', values: [['id', 'name, "quoted"', 'a \\ ] [ } {'], [], ['2', 'ünïcödé € 😀'], ['3', '\\', '"'], ['4', '', 'line\nbreak']] };

describe('sheet-import values.get reader', () => {
  it('gives the same rows as JSON.parse whatever the chunk boundaries (escapes, brackets in cells, multi-byte characters, empty rows)', () => {
    for (const body of [JSON.stringify(tricky), JSON.stringify(tricky, null, 2)]) {
      for (let size = 1; size <= 48; size++) expect(readInChunks(body, size), `chunks of ${size} bytes`).toEqual(tricky.values);
      expect(readInChunks(body, 1 << 20)).toEqual(tricky.values);
    }
  });

  it('reads an empty range (no values key, or an empty array) as no rows, whatever the key order', () => {
    expect(readInChunks(JSON.stringify({ range: 'A1:B2', majorDimension: 'ROWS' }), 3)).toEqual([]);
    expect(readInChunks(JSON.stringify({ values: [], range: 'A1:B2' }), 3)).toEqual([]);
    expect(readInChunks(JSON.stringify({ values: [['x']], range: 'A1' }), 2)).toEqual([['x']]);
  });

  it('turns cells that are not strings into strings, as getValues does', () => {
    expect(readInChunks('{"values":[[1,null,true,"a"]]}', 5)).toEqual([['1', '', 'true', 'a']]);
  });

  it('refuses a body that ends early or is not the expected JSON, so a truncated window never passes for a short one', () => {
    expect(() => readInChunks('{"range":"A1","values":[["a"],["b"]', 4)).toThrow(/ended early/);
    expect(() => readInChunks('{"range":"A1"', 4)).toThrow(/ended early/);
    expect(() => readInChunks('{"values":[["a"] ["b"]]}', 4)).toThrow(/not the expected JSON/);
    expect(() => readInChunks('[["a"]]', 4)).toThrow(/not the expected JSON/);
  });
});
