import { describe, expect, it } from 'vitest';
import type { KeyValue } from '../../core/engines/storage-orphans/state-commits';
import { SeenRows, sameSet, seenKey, seenKeyPrefix } from '../../core/engines/storage-orphans/seen-rows';
import { Prng } from '../helpers/prng';

/*
 * The seen-rows set (DESIGN §4.7) keys each row by its id and cloud file id. #19 made the key length-prefixed
 * (no NUL, so no JSON escape per key), moved the set to a new state key, and skips the save when a full pass
 * saw exactly the loaded set. Pinned here: the key stays exact, a set saved by the older version still loads
 * (no extra full listing after an upgrade) and is moved by the next save, and an unchanged set is not written.
 */
function store(): KeyValue & { map: Map<string, string>; commits: number; commitsLeft: number; peek<T>(key: string): T | undefined } {
  const map = new Map<string, string>();
  const kv = {
    map,
    commits: 0,
    commitsLeft: Number.POSITIVE_INFINITY,
    peek: <T>(key: string) => (map.has(key) ? (JSON.parse(map.get(key) as string) as T) : undefined),
    get: <T>(key: string) => Promise.resolve(kv.peek<T>(key)),
    async set(key: string, value: unknown) {
      await kv.setMany([[key, value]]);
    },
    async setMany(entries: readonly (readonly [string, unknown])[]) {
      if (kv.commitsLeft-- <= 0) throw new Error('killed');
      kv.commits++;
      for (const [key, value] of entries) map.set(key, JSON.stringify(value));
    },
  };
  return kv;
}

/** What the version before #19 wrote: NUL-separated keys under `seen:`, 5,000 a chunk. */
async function saveAsBefore(kv: KeyValue, userId: string, pairs: readonly (readonly [string, string])[]): Promise<void> {
  const keys = pairs.map(([row, file]) => `${row}\u0000${file}`);
  const chunks = Math.ceil(keys.length / 5000);
  for (let i = 0; i < chunks; i++) await kv.set(`seen:${userId}:google:${i}`, keys.slice(i * 5000, (i + 1) * 5000));
  await kv.set(`seen:${userId}:google`, { chunks, count: keys.length });
}

const pairs = (random: Prng, count: number): [string, string][] =>
  Array.from({ length: count }, (_, n) => [random.chance(0.2) ? String(n) : `row-${n}:${random.int(0, 9)}`, random.chance(0.1) ? `${random.int(0, 99)}` : `file-${n}`]);

describe('seen-rows keys', () => {
  it('tells apart every (row id, cloud file id) pair, also where a plain concatenation would not', () => {
    const hostile: [string, string][] = [
      ['1', '23'],
      ['12', '3'],
      ['', '123'],
      ['123', ''],
      ['1:', '2'],
      ['1', ':2'],
      ['2:ab', 'c'],
      ['2', ':abc'],
      ['a\u0000b', 'c'],
      ['a', 'b\u0000c'],
      ['10', ''],
      ['1', '0'],
    ];
    const random = new Prng(1919);
    const all = [...hostile, ...pairs(random, 5_000)];
    const byKey = new Map<string, string>();
    for (const [row, file] of all) {
      const key = seenKey(row, file);
      const pair = JSON.stringify([row, file]);
      expect(byKey.get(key) ?? pair, key).toBe(pair);
      byKey.set(key, pair);
      // The row's prefix starts its keys and no key of another row id.
      expect(key.startsWith(seenKeyPrefix(row))).toBe(true);
    }
    for (const [row] of hostile) for (const [other, file] of all) if (other !== row) expect(seenKey(other, file).startsWith(seenKeyPrefix(row)), `${row} / ${other}`).toBe(false);
  });

  it('writes keys JSON needs no escape for', async () => {
    const kv = store();
    await new SeenRows(kv, 'u1', 'google').save([seenKey('row-1', 'file-1'), seenKey('row-2', 'file-2')]);
    const chunk = kv.map.get('seen2:u1:google:0') as string;
    expect(chunk).toBe(JSON.stringify(['5:row-1file-1', '5:row-2file-2']));
    expect(chunk).not.toContain('\\u0000');
  });

  it('loads a set the older version saved in today keys, and the next save moves it', async () => {
    const random = new Prng(20261202);
    const old = pairs(random, 12_345);
    const kv = store();
    await saveAsBefore(kv, 'u1', old);
    const seen = new SeenRows(kv, 'u1', 'google');
    const expected = new Set(old.map(([row, file]) => seenKey(row, file)));
    const loaded = await seen.load();
    expect(loaded).toEqual(expected);
    // Saving the very same set still writes it: the older one must move.
    await seen.save([...expected], loaded);
    expect(kv.peek('seen:u1:google')).toBeNull();
    expect([0, 1, 2].map((i) => kv.peek<string[]>(`seen:u1:google:${i}`))).toEqual([[], [], []]);
    expect(await seen.load()).toEqual(expected);
  });

  it('a crash while moving an older set leaves the older set or the new one, never a mix', async () => {
    const random = new Prng(7);
    for (let crashAfter = 0; crashAfter < 8; crashAfter++) {
      const kv = store();
      const old = pairs(random, 22_000);
      await saveAsBefore(kv, 'u1', old);
      const fresh = [...old.slice(0, 15_000), ...pairs(random, 7_000).map(([row, file]) => [`new-${row}`, file] as [string, string])].map(([row, file]) => seenKey(row, file));
      const seen = new SeenRows(kv, 'u1', 'google');
      kv.commitsLeft = crashAfter;
      await seen.save(fresh).catch(() => undefined);
      const loaded = await seen.load();
      const asOld = new Set(old.map(([row, file]) => seenKey(row, file)));
      expect([asOld, new Set(fresh)], `crash after ${crashAfter} commits`).toContainEqual(loaded);
    }
  });

  it('writes nothing when a full pass saw exactly the loaded set, and writes any change', async () => {
    const kv = store();
    const seen = new SeenRows(kv, 'u1', 'dropbox');
    const keys = Array.from({ length: 12_000 }, (_, n) => seenKey(`r${n}`, `f${n}`));
    await seen.save(keys);
    const loaded = await seen.load();
    const before = kv.commits;
    await seen.save([...keys].reverse(), loaded);
    expect(kv.commits, 'same set, other order').toBe(before);
    // One row re-pointed to another cloud file: same size, different set.
    const repointed = [...keys.slice(1), seenKey('r0', 'f-other')];
    await seen.save(repointed, loaded);
    expect(kv.commits).toBeGreaterThan(before);
    expect(await seen.load()).toEqual(new Set(repointed));
    // Without the loaded set (a first pass, or a set that failed its count check) it always writes.
    const again = kv.commits;
    await seen.save(repointed);
    expect(kv.commits).toBeGreaterThan(again);
  });

  it('forgets a set (today keys or the older ones) so it no longer loads, writing nothing where none is stored; a crash mid-way loads nothing', async () => {
    const random = new Prng(19);
    const kv = store();
    const seen = new SeenRows(kv, 'u1', 'google');
    // Nothing stored: nothing written.
    await new SeenRows(kv, 'u1', 'google').forget();
    expect(kv.commits).toBe(0);
    const keys = pairs(random, 12_000).map(([row, file]) => seenKey(row, file));
    await seen.save(keys);
    await saveAsBefore(kv, 'u1', pairs(random, 7_000));
    for (let crashAfter = 0; crashAfter < 4; crashAfter++) {
      const copy = store();
      for (const [key, value] of kv.map) copy.map.set(key, value);
      copy.commitsLeft = crashAfter;
      await new SeenRows(copy, 'u1', 'google').forget().catch(() => undefined);
      const loaded = await new SeenRows(copy, 'u1', 'google').load();
      // Whole, or gone: a head whose chunks were blanked fails load's count check.
      expect([undefined, new Set(keys)], `crash after ${crashAfter} commits`).toContainEqual(loaded);
    }
    await new SeenRows(kv, 'u1', 'google').forget();
    expect(await new SeenRows(kv, 'u1', 'google').load()).toBeUndefined();
    expect([...kv.map.values()].every((value) => value === 'null' || value === '[]')).toBe(true);
    // And once gone, forgetting again writes nothing.
    const commits = kv.commits;
    await new SeenRows(kv, 'u1', 'google').forget();
    expect(kv.commits).toBe(commits);
  });

  it('sameSet is set equality for key lists without repeats', () => {
    expect(sameSet([], new Set())).toBe(true);
    expect(sameSet([], undefined)).toBe(false);
    expect(sameSet(['a', 'b'], new Set(['b', 'a']))).toBe(true);
    expect(sameSet(['a'], new Set(['a', 'b']))).toBe(false);
    expect(sameSet(['a', 'c'], new Set(['a', 'b']))).toBe(false);
  });
});
