import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IdentitySpill } from '../../core/engines/identity/identity-spill';

/**
 * An outside attack on issue 19's scratch file (identity-spill.ts): half a
 * gigabyte at a million users, so one left behind by a crashed process must
 * go at the next check, never a live process's; it must be private; and a
 * temporary directory that cannot take it must say so plainly.
 */
describe("the identity check's scratch file (attack on issue 19)", () => {
  const savedTmp = process.env.TMPDIR;
  const made: string[] = [];
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true });
  });

  function scratchRoot(): string {
    const root = mkdtempSync(join(tmpdir(), 'attack19-'));
    made.push(root);
    process.env.TMPDIR = root;
    return root;
  }

  it("is private and removes a crashed process's scratch directory, never a live one's", async () => {
    const root = scratchRoot();
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const crashed = join(root, 'syncwarden-identity-crashed');
    mkdirSync(crashed);
    writeFileSync(join(crashed, 'owner'), String(deadPid));
    writeFileSync(join(crashed, 'sides.db'), 'x'.repeat(1024));
    const live = join(root, 'syncwarden-identity-live');
    mkdirSync(live);
    writeFileSync(join(live, 'owner'), String(process.pid));

    const spill = new IdentitySpill();
    try {
      expect(existsSync(crashed)).toBe(false);
      expect(existsSync(live)).toBe(true);
      const own = readdirSync(root).filter((name) => name.startsWith('syncwarden-identity-') && name !== 'syncwarden-identity-live');
      expect(own).toHaveLength(1);
      expect(statSync(join(root, own[0] as string)).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, own[0] as string, 'sides.db')).mode & 0o077).toBe(0);
    } finally {
      await spill.close();
    }
    expect(readdirSync(root).filter((name) => name !== 'syncwarden-identity-live')).toEqual([]);
  });

  it('removes an empty scratch directory left a minute ago (a close cut short), never a fresh one or one with files', async () => {
    const root = scratchRoot();
    const old = (name: string) => {
      const dir = join(root, name);
      mkdirSync(dir);
      const then = new Date(Date.now() - 5 * 60_000);
      return { dir, age: () => utimesSync(dir, then, then) };
    };
    const emptied = old('syncwarden-identity-emptied');
    emptied.age();
    // Being created this instant: mkdtemp done, the owner file not yet written.
    const fresh = old('syncwarden-identity-fresh');
    // Not ours to judge: files but no owner file.
    const foreign = old('syncwarden-identity-foreign');
    writeFileSync(join(foreign.dir, 'sides.db'), 'x');
    foreign.age();
    const spill = new IdentitySpill();
    await spill.close();
    expect(existsSync(emptied.dir)).toBe(false);
    expect(existsSync(fresh.dir)).toBe(true);
    expect(existsSync(foreign.dir)).toBe(true);
  });

  it('says where and why when the temporary directory cannot hold it', () => {
    const root = scratchRoot();
    process.env.TMPDIR = join(root, 'missing');
    expect(() => new IdentitySpill()).toThrow(/scratch file.*missing.*TMPDIR/s);
  });

  it('a scratch disk that fills up half-way fails plainly', async () => {
    scratchRoot();
    const spill = new IdentitySpill();
    try {
      // What a full disk gives SQLite: SQLITE_FULL on the next page it needs, in either side's file.
      spill.db.pragma('max_page_count = 8');
      spill.db.pragma('local_side.max_page_count = 8');
      const rows = Array.from({ length: 5000 }, (_, n) => ({ id: `id-${n}`, email: `u${n}@example.com`, name: 'U', emailVerified: true, role: 'user' }));
      expect(() => spill.addLocal(rows)).toThrow(/scratch file.*database or disk is full.*TMPDIR/s);
      expect(() => spill.addRemote(rows)).toThrow(/scratch file.*database or disk is full.*TMPDIR/s);
    } finally {
      await spill.close();
    }
  });
});
