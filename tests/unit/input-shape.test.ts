import { describe, expect, it } from 'vitest';
import { inputProblem, MAX_INPUT_DEPTH } from '../../core/api/input-shape';
import { jsonBytes, MAX_INPUT_BYTES } from '../../core/api/limits';
import { Prng } from '../helpers/prng';

/** A random JSON value: strings with escapes, astral and lone surrogates, numbers of every form, nesting. */
function randomJson(prng: Prng, depth: number): unknown {
  const kind = prng.int(0, depth > 4 ? 3 : 5);
  if (kind === 0) return prng.pick([null, true, false]);
  if (kind === 1) return prng.pick([0, -0, 1.5, -1e21, 1e-7, 123456789012, Number.MAX_VALUE]);
  if (kind === 2 || kind === 3) return prng.pick(['', 'plain', 'é"\\\n\t\u0001', '\u{1F600}', '\uD800x', '\u2028']).repeat(prng.int(0, 3));
  if (kind === 4) return Array.from({ length: prng.int(0, 4) }, () => randomJson(prng, depth + 1));
  return Object.fromEntries(Array.from({ length: prng.int(0, 4) }, (_, i) => [`k${i}${prng.pick(['', 'é', '"'])}`, randomJson(prng, depth + 1)]));
}

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;

describe('inputProblem: plain JSON, bounded in bytes and depth, before zod', () => {
  it('counts exactly the bytes JSON.stringify would write (UTF-8), plus `"key":,` for each undefined-valued member', () => {
    const prng = new Prng(0x16c3);
    for (let i = 0; i < 500; i++) {
      const value = { v: randomJson(prng, 0), skipped: undefined };
      // JSON leaves `skipped` out; structured clone carries it, and its key is walked: it counts `"skipped":` and a comma.
      const bytes = jsonBytes(value) + '"skipped":,'.length;
      expect(inputProblem(value, bytes), JSON.stringify(value)).toBeUndefined();
      expect(inputProblem(value, bytes - 1)?.message, JSON.stringify(value)).toMatch(/larger than/);
    }
  });

  it('an object of undefined-valued keys costs its keys: refused by their count before any is walked', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) wide[`k${i}`] = undefined;
    expect(inputProblem(wide)?.message).toMatch(/larger than/);
    // Just under the limit in keys alone is still refused once their bytes are counted.
    const keys = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key-${String(i).padStart(4, '0')}`, undefined]));
    expect(inputProblem(keys, 4 * 1000 + 1)?.message).toMatch(/larger than/);
    expect(inputProblem(keys, 1000 * '"key-0000":,'.length + 1)).toBeUndefined();
  });

  it(`accepts ${MAX_INPUT_DEPTH} levels and refuses one more, on the way down`, () => {
    expect(inputProblem(nested(MAX_INPUT_DEPTH))).toBeUndefined();
    expect(inputProblem(nested(MAX_INPUT_DEPTH + 1))).toMatchObject({ message: `nested deeper than ${MAX_INPUT_DEPTH} levels` });
  });

  it('refuses what only structured clone carries, naming where', () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { again: cyclic };
    const cases: [unknown, RegExp, string[]][] = [
      [{ a: sparse }, /holes/, ['a', '1']],
      [{ a: new Uint8Array(4) }, /Uint8Array/, ['a']],
      [{ a: new ArrayBuffer(4) }, /ArrayBuffer/, ['a']],
      [{ a: new Map() }, /Map/, ['a']],
      [{ a: new Set() }, /Set/, ['a']],
      [{ a: new Date(0) }, /Date/, ['a']],
      [{ a: [10n] }, /bigint/, ['a', '0']],
      [{ a: Number.NaN }, /not finite/, ['a']],
      [{ a: [undefined] }, /undefined/, ['a', '0']],
      [cyclic, /cycle/, ['self', 'again']],
    ];
    for (const [value, message, path] of cases) expect(inputProblem(value), message.source).toMatchObject({ message: expect.stringMatching(message) as unknown, path });
    expect(inputProblem(Object.assign(Object.create(null) as object, { a: 1 }))).toBeUndefined();
  });

  it('names the path of a NUL in a string or a key', () => {
    expect(inputProblem({ a: [{ b: 'x\u0000' }] })).toMatchObject({ path: ['a', '0', 'b'], message: expect.stringMatching(/NUL/) as unknown });
    expect(inputProblem({ a: { ['k\u0000']: 1 } })).toMatchObject({ path: ['a', 'k\u0000'] });
  });

  it('costs what the limit allows, not what the value would expand to', () => {
    const sparse: unknown[] = [];
    sparse[2 ** 32 - 2] = 1;
    const hostile = [sparse, new Uint8Array(64 * 1024 * 1024), 'x'.repeat(64 * 1024 * 1024), { deep: Array(150).fill(nested(3_000)) }];
    for (const value of hostile) {
      const started = performance.now();
      expect(inputProblem(value)).toBeDefined();
      expect(performance.now() - started).toBeLessThan(100);
    }
    // The largest accepted input is walked in about linear time too.
    const wide = { list: Array.from({ length: MAX_INPUT_BYTES / 10 }, () => 'abcde') };
    const started = performance.now();
    expect(inputProblem(wide)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(200);
  });
});
