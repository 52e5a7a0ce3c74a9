import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldText } from '../../core/store/audit-search';
import { openPostgresStoreDb } from '../../core/store/postgres-open';
import type { PostgresStoreDb } from '../../core/store/postgres-store-db';
import { usePostgres } from '../helpers/postgres';

/**
 * PostgreSQL's sw_lower and sw_fold against the JS they stand for (toLowerCase, foldText): the same
 * query must find the same rows on both dialects, whatever the server's locale.
 */
const server = usePostgres();
let db: PostgresStoreDb;

beforeAll(async () => {
  db = (await openPostgresStoreDb({ connectionString: await server().createDatabase('functions'), location: 'functions' })).db;
}, 120_000);
afterAll(async () => db?.close());

const HOSTILE = [
  'ÉMILE', 'Émile', 'e\u0301mile', 'ΟΔΟΣ', 'ΟΔΟΣ.', 'Σ', 'ΣΣ', 'ΑΣ\'Β', 'ΑΣ\u0301', 'Α\u00adΣ', ' Σ ', 'ΑΣ1', 'ΑΣΑ', 'ὈΔΥΣΣΕΎΣ',
  'İstanbul', 'I\u0307', 'ǅǄǆ', 'ẞ straße', 'ﬁ', 'ＡＢＣ', '①', 'Ⅻ', '㎒', 'Ǆ\u0308', '\u1e9e', 'Ω Ω K Å',
  '😀 \u{1D400}\u{1D41A}', '\u{10400}\u{10428}', '\u{1E900}', 'ⓐⒶ', 'Ａ\u0301', 'a\u0000b'.replace('\u0000', ''), '', ' ', "'; DROP TABLE runs; --", '%_\\',
  'ß', 'ŉ', 'ǰ', 'ΐ', 'ﬀ', 'Ꭰ', 'ꭰ', 'Ⴀ', 'ᲀ', 'ς', 'ϐ', 'ϑ', 'ϕ', 'ϖ', 'ϰ', 'ϱ', 'ϵ', 'ẛ', 'Ͱ', '\u2126', '\u212a', '\u212b',
];

/** A seeded generator: the same strings on every run, so a failure can be replayed. */
function randomStrings(count: number, seed: number): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pools = [
    () => 0x41 + Math.floor(next() * 58),
    () => 0x370 + Math.floor(next() * 0x90), // Greek (final sigma)
    () => 0x3a3,
    () => 0x300 + Math.floor(next() * 0x70), // combining marks
    () => 0xc0 + Math.floor(next() * 0x250), // Latin with accents, Latin Extended
    () => 0x400 + Math.floor(next() * 0x100), // Cyrillic
    () => 0x1e00 + Math.floor(next() * 0x300), // Latin Extended Additional, Greek Extended
    () => 0x2000 + Math.floor(next() * 0x1000), // punctuation, letterlike, numbers, enclosed
    () => 0xff00 + Math.floor(next() * 0xf0), // full width
    () => [0x27, 0x2e, 0x3a, 0xad, 0x20, 0x2d][Math.floor(next() * 6)]!, // case-ignorable and word breaks
    () => 0x10400 + Math.floor(next() * 0x50), // Deseret (astral case pairs)
    () => 0x1d400 + Math.floor(next() * 0x300), // mathematical alphanumerics (NFKD)
  ];
  return Array.from({ length: count }, () => {
    let s = '';
    const length = 1 + Math.floor(next() * 12);
    for (let i = 0; i < length; i++) {
      const cp = pools[Math.floor(next() * pools.length)]!();
      if (cp < 0xd800 || cp > 0xdfff) s += String.fromCodePoint(cp);
    }
    return s;
  });
}

async function both(fn: 'sw_lower' | 'sw_fold', inputs: string[]): Promise<string[]> {
  const rows = await db.all<{ out: string }>(`SELECT ${fn}(input) AS out FROM unnest(?::text[]) WITH ORDINALITY AS t(input, n) ORDER BY n`, [`{${inputs.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`]);
  return rows.map((row) => row.out);
}

describe('store functions on PostgreSQL give what the JS gives', () => {
  it('sw_lower is toLowerCase on hostile strings (final sigma, dotted I, astral letters)', async () => {
    expect(await both('sw_lower', HOSTILE)).toEqual(HOSTILE.map((s) => s.toLowerCase()));
  });

  it('sw_fold is foldText on hostile strings (compatibility forms, combining marks)', async () => {
    expect(await both('sw_fold', HOSTILE)).toEqual(HOSTILE.map(foldText));
  });

  it.each([20261202, 1, 99, 4242])('sw_lower is toLowerCase on 3,000 random strings of seed %i', async (seed) => {
    const inputs = randomStrings(3000, seed);
    const out = await both('sw_lower', inputs);
    const differ = inputs.filter((s, i) => out[i] !== s.toLowerCase());
    expect(differ).toEqual([]);
  });

  it.each([7, 2, 31337, 8])('sw_fold is foldText on 3,000 random strings of seed %i', async (seed) => {
    const inputs = randomStrings(3000, seed);
    const out = await both('sw_fold', inputs);
    const differ = inputs.filter((s, i) => out[i] !== foldText(s));
    expect(differ).toEqual([]);
  });

  it('NULL stays NULL', async () => {
    expect(await db.get('SELECT sw_lower(NULL) AS a, sw_fold(NULL) AS b')).toEqual({ a: null, b: null });
  });
});
