/**
 * Child process of sheet-import-values-rows.test.ts, run with `--allow-natives-syntax`: reads a values.get body
 * of short cells never seen before through the sheet reader, parses another such body with JSON.parse, and prints
 * how many cells of each came out internalized (in V8's string table). A child of its own because the flag cannot be
 * given to a test worker, and a fresh string table keeps the count clean.
 */
import { ValuesRowReader } from '../../core/engines/sheet-import/values-rows';

// `%` syntax is V8's, not the language's: only a function compiled at run time (under the flag) can hold it.
const isInternalized = new Function('s', 'return %IsInternalizedString(s)') as (s: string) => boolean;

/** 10,000 cells of 3 to 9 characters, unique to `prefix` (ids and amounts, as sheets hold them). */
function body(prefix: string): Uint8Array {
  const values = Array.from({ length: 2000 }, (_, r) => Array.from({ length: 5 }, (_, c) => `${prefix}${(r * 5 + c).toString(36)}`));
  return new TextEncoder().encode(JSON.stringify({ range: 'Sheet1!A1:E2000', majorDimension: 'ROWS', values }));
}

const reader = new ValuesRowReader();
const bytes = body('r');
const read = [...reader.push(bytes.subarray(0, 7000)), ...reader.push(bytes.subarray(7000))];
reader.end();
const parsed = (JSON.parse(new TextDecoder().decode(body('j'))) as { values: string[][] }).values;
const count = (rows: string[][]) => rows.flat().filter(isInternalized).length;
process.stdout.write(`${JSON.stringify({ cells: read.flat().length, readInternalized: count(read), parsedCells: parsed.flat().length, parsedInternalized: count(parsed) })}\n`);
