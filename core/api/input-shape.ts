import { MAX_INPUT_BYTES } from './limits';

/**
 * How deeply a call's input may nest (objects and arrays). The contract's own schemas nest a few
 * levels (an engine's params inside runs.start, a mapping inside a connection's config: under 10;
 * tests/contract/contract-limits.test.ts checks every method's largest valid input against it), so 64
 * refuses nothing valid while keeping every walk over an input (ours, zod's) shallow.
 */
export const MAX_INPUT_DEPTH = 64;

export interface InputProblem {
  /** Said to the caller after "Invalid input for <method>: ". */
  message: string;
  /** Where, as keys and indexes from the top (empty for the input itself or its size). */
  path: string[];
}

/** A container being walked: its entries are visited in order, `next` is the one after the current. */
interface Frame {
  container: readonly unknown[] | Record<string, unknown>;
  keys: readonly string[] | undefined;
  next: number;
  /** Members counted so far (an object's undefined-valued ones included): whether a comma comes first. */
  written: number;
}

const NUL_MESSAGE = 'text cannot hold a NUL character (U+0000)';

/**
 * What every host's input must be before zod sees it, checked in one bounded walk (DESIGN §4.11):
 * - plain JSON only: null, booleans, finite numbers, strings, arrays without holes, objects whose
 *   prototype is Object's or null. IPC's structured clone carries far more (typed arrays, Maps,
 *   Dates, sparse arrays, cycles, BigInt) in a few bytes that JSON would expand a million-fold;
 * - at most `maxBytes` of JSON (what JSON.stringify would write, UTF-8, plus `"key":,` for each
 *   undefined-valued member, which structured clone carries and JSON drops), counted as the walk goes
 *   and refused as soon as the count passes it: the walk never costs more than the transport limit,
 *   whatever the message is, and nothing is serialised to learn the size;
 * - at most MAX_INPUT_DEPTH levels: refused on the way down, before anything deeper is looked at;
 * - no NUL (U+0000) in any string or key: a console store on PostgreSQL cannot hold it in text
 *   (SQLite can), so the same call is refused on both and never reaches a statement.
 * Linear in the input: iterative (no recursion), and a path is built only for the problem it reports.
 */
export function inputProblem(value: unknown, maxBytes: number = MAX_INPUT_BYTES): InputProblem | undefined {
  const stack: Frame[] = [];
  const path = (): string[] => stack.map((frame) => (frame.keys ? (frame.keys[frame.next - 1] as string) : String(frame.next - 1)));
  const tooLarge = (): InputProblem => ({ message: `larger than ${maxBytes / 1024} KB of JSON`, path: [] });
  let bytes = 0;

  /** Counts a value; pushes a container to be walked. A problem, or undefined. */
  const visit = (item: unknown): InputProblem | undefined => {
    const room = maxBytes - bytes;
    switch (typeof item) {
      case 'string':
        // Each UTF-16 unit costs at least one byte: a longer string is too large before it is measured.
        if (item.length + 2 > room) return tooLarge();
        if (item.includes('\u0000')) return { message: NUL_MESSAGE, path: path() };
        bytes += utf8Bytes(JSON.stringify(item));
        return undefined;
      case 'number':
        if (!Number.isFinite(item)) return { message: 'not JSON (a number that is not finite)', path: path() };
        bytes += JSON.stringify(item).length;
        return undefined;
      case 'boolean':
        bytes += item ? 4 : 5;
        return undefined;
      case 'object':
        break;
      default:
        return { message: `not JSON (${item === undefined ? 'undefined' : `a ${typeof item}`})`, path: path() };
    }
    if (item === null) {
      bytes += 4;
      return undefined;
    }
    if (stack.length >= MAX_INPUT_DEPTH) return { message: `nested deeper than ${MAX_INPUT_DEPTH} levels`, path: [] };
    if (stack.some((frame) => frame.container === item)) return { message: 'not JSON (a cycle)', path: path() };
    const prototype: unknown = Object.getPrototypeOf(item);
    if (Array.isArray(item) && prototype === Array.prototype) {
      // n entries cost at least "[" n digits, n-1 commas "]": a sparse length-3e7 array stops here, not after 3e7 steps.
      if (2 * item.length + 1 > room) return tooLarge();
      stack.push({ container: item, keys: undefined, next: 0, written: 0 });
    } else if (prototype === Object.prototype || prototype === null) {
      // Every key counts, its value undefined or not (below): n keys cost at least n times `"":` plus n-1 commas.
      const keys = Object.keys(item);
      if (4 * keys.length + 1 > room) return tooLarge();
      stack.push({ container: item as Record<string, unknown>, keys, next: 0, written: 0 });
    } else {
      return { message: `not JSON (${describe(item)})`, path: path() };
    }
    bytes += 2;
    return undefined;
  };

  let problem = visit(value);
  while (!problem) {
    if (bytes > maxBytes) return tooLarge();
    const frame = stack.at(-1);
    if (!frame) return undefined;
    const { container, keys } = frame;
    if (frame.next >= (keys ?? (container as readonly unknown[])).length) {
      stack.pop();
      continue;
    }
    const index = frame.next++;
    let item: unknown;
    if (keys) {
      const key = keys[index] as string;
      if (key.includes('\u0000')) return { message: NUL_MESSAGE, path: path() };
      item = (container as Record<string, unknown>)[key];
      // Counted before its value is looked at, undefined or not. JSON leaves an undefined member out (so does the
      // renderer's optional field), but structured clone (IPC) carries it, and every key sent is walked here and
      // by zod: two million undefined-valued keys must cost what their keys weigh, not nothing.
      bytes += utf8Bytes(JSON.stringify(key)) + 1;
      if (frame.written++ > 0) bytes += 1;
      if (item === undefined) continue;
    } else {
      if (!Object.hasOwn(container, index)) return { message: 'not JSON (an array with holes)', path: path() };
      item = (container as readonly unknown[])[index];
      if (frame.written++ > 0) bytes += 1;
    }
    problem = visit(item);
  }
  return problem;
}

/**
 * UTF-8 length of JSON text, without encoding it (this module is shared with the renderer's build: no
 * Buffer). JSON.stringify escapes lone surrogates, so every surrogate here is half of a pair (4 bytes).
 */
function utf8Bytes(json: string): number {
  let bytes = json.length;
  for (let i = 0; i < json.length; i++) {
    const unit = json.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdfff) bytes += 1; // 2 units, 4 bytes
    else if (unit >= 0x800) bytes += 2;
    else if (unit >= 0x80) bytes += 1;
  }
  return bytes;
}

/** "a Uint8Array", "a Map": what the caller sent instead of a plain object. */
function describe(item: object): string {
  try {
    const name = (item.constructor as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && /^\w{1,40}$/.test(name)) return `a ${name}`;
  } catch {
    // a getter that throws: said as below
  }
  return 'an object that is not plain';
}
