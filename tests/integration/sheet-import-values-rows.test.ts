import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValuesRowReader } from '../../core/engines/sheet-import/values-rows';
import { REPO_ROOT } from '../helpers/paths';
import { Prng } from '../helpers/prng';

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
    expect(() => readInChunks('{"values":[["a" "b"]]}', 4)).toThrow(/follows a cell/);
    expect(() => readInChunks('{"values":[["a",tru]]}', 4)).toThrow(/a cell reads tru/);
  });

  it('reads any body as JSON.parse does, over random cells, layouts and chunk boundaries (property)', () => {
    // Cells as the Sheets API may send them and worse: escapes of every kind, brackets and quotes, multi-byte and
    // astral characters, numbers, booleans and null (turned into strings), empty rows and empty cells.
    const pieces = ['a', 'Z', '0', '9', ' ', '"', '\\', '/', ']', '[', '{', '}', ',', ':', '\n', '\t', '\u0001', 'é', '€', '😀', '\u2028', 'x'.repeat(20)];
    for (let seed = 1; seed <= 200; seed++) {
      const prng = new Prng(seed);
      const cell = (): unknown => {
        const kind = prng.int(0, 9);
        if (kind === 0) return prng.pick([0, -1.5, 1e21, 12345678901, 0.1]);
        if (kind === 1) return prng.pick([true, false, null]);
        return Array.from({ length: prng.int(0, 14) }, () => prng.pick(pieces)).join('');
      };
      const values = Array.from({ length: prng.int(0, 40) }, () => Array.from({ length: prng.int(0, 6) }, cell));
      const head = prng.pick([{ range: 'A1:F40', majorDimension: 'ROWS' }, {}, { range: 'a "]" range' }]);
      const body = JSON.stringify(prng.chance(0.5) ? { ...head, values } : { values, ...head }, null, prng.pick([undefined, 1, 2, '\t']));
      const expected = values.map((row) => row.map((c) => (typeof c === 'string' ? c : c === null ? '' : String(c))));
      expect(readInChunks(body, prng.int(1, 300)), `seed ${seed}`).toEqual(expected);
    }
  });

  it('keeps short cells out of V8\'s string table, where JSON.parse puts them (its growth rehashes on the main thread)', () => {
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', join(REPO_ROOT, 'tests/helpers/internalized-cells-child.ts')], { cwd: REPO_ROOT, encoding: 'utf8' });
    const counts = JSON.parse(out) as { cells: number; readInternalized: number; parsedCells: number; parsedInternalized: number };
    // The control proves the probe sees internalization: JSON.parse internalized every one of its cells.
    expect(counts.parsedInternalized).toBe(counts.parsedCells);
    expect(counts).toMatchObject({ cells: 10_000, readInternalized: 0 });
  });
});

