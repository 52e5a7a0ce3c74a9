import { closeSync, existsSync, fstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IdentityRecord } from '../../core/engines/identity/identity-model';
import { IdentitySpill } from '../../core/engines/identity/identity-spill';
import { uuidOf as uuid } from '../helpers/identity-worlds';
import { openFilesUnder } from '../helpers/open-files';

/*
 * Outside attack (s20) on "the users table's side gets a scratch file of its own, indexed on a worker thread
 * while the listing goes on" (03bfd5d): what close() and finishReading leave running once they have said
 * they are done.
 */

/** Ids and emails out of order, so the index builds sort for real. */
const users = (n: number, salt = 0): IdentityRecord[] =>
  Array.from({ length: n }, (_, i) => ({ id: uuid((i * 7919 + salt) % 1e9), email: `u${(i * 104729) % n}x${salt}@example.com`, name: 'N', emailVerified: true, role: 'user' }));
const addLocal = (spill: IdentitySpill, rows: IdentityRecord[]) => {
  for (let i = 0; i < rows.length; i += 5000) spill.addLocal(rows.slice(i, i + 5000));
};
const addRemote = (spill: IdentitySpill, rows: IdentityRecord[]) => {
  for (let i = 0; i < rows.length; i += 5000) spill.addRemote(rows.slice(i, i + 5000));
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** close() resolves with the directory gone and nothing of it still open in this process, then or later. */
async function expectClosedWithNothingOpen(spill: IdentitySpill, dir: string): Promise<void> {
  await spill.close();
  const heldAfterClose = openFilesUnder(dir);
  // A worker left running would still be inside its statement: it held the files 110-320 ms more.
  await sleep(50);
  const heldLater = openFilesUnder(dir);
  expect(existsSync(dir)).toBe(false);
  expect({ heldAfterClose, heldLater }).toEqual({ heldAfterClose: [], heldLater: [] });
}

describe.runIf(process.platform === 'linux')('s20: no worker runs on once the spill says it is done', () => {
  it("close() while the users table's side is being indexed resolves only once the worker let go of local.db", async () => {
    const spill = new IdentitySpill(0);
    const dir = dirname(spill.db.name);
    addLocal(spill, users(300_000));
    spill.endLocal();
    // The worker has started and is inside CREATE INDEX (native code: worker.terminate() cannot stop it there).
    await sleep(120);
    // Found: the build's promise settled on the abort, not on the worker's exit, which went on holding the
    // deleted local.db (and its journal) open, building. It now settles on the thread's exit.
    await expectClosedWithNothingOpen(spill, dir);
  }, 30_000);

  it.each([
    [
      'its second index cannot be created',
      (spill: IdentitySpill) => {
        spill.db.exec('CREATE TABLE local_side.local_email (x)');
        spill.endLocal();
      },
      /local_email/,
    ],
    [
      'a page of local.db is unreadable (an I/O error, a bad sector)',
      (spill: IdentitySpill) => {
        spill.endLocal();
        // local.db is detached now: its last leaf page goes bad before the worker reads it.
        const file = join(dirname(spill.db.name), 'local.db');
        const fd = openSync(file, 'r+');
        const size = fstatSync(fd).size;
        writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, size - 4096);
        closeSync(fd);
      },
      /malformed|corrupt|not a database/i,
    ],
  ] as const)("a local build that fails (%s) while the listing's build runs: the failure is told, and that worker has ended before finishReading and close() settle", async (_name, breakLocal, said) => {
    const spill = new IdentitySpill(0);
    const dir = dirname(spill.db.name);
    addLocal(spill, users(200_000));
    addRemote(spill, users(400_000, 1));
    // Stands for any failure of the local side's worker part-way through (an I/O error, a full disk on local.db).
    breakLocal(spill);
    const failed = await spill.finishReading().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failed?.message).toMatch(said);
    // Found: the remote side's worker was never told (Promise.all rejected on the local failure, and close()
    // aborted only the local build): it went on indexing the unlinked sides.db. Either failure now ends both.
    await expectClosedWithNothingOpen(spill, dir);
  }, 30_000);

  it.each([
    ['remote side in-thread (small listing)', 100],
    ['remote side on a worker (large listing)', 20_000],
  ])("local.db removed (not its directory) while its worker builds: said plainly as a removed scratch file (%s)", async (_name, remoteRows) => {
    const spill = new IdentitySpill();
    const dir = dirname(spill.db.name);
    const localFile = join(dir, 'local.db');
    try {
      addLocal(spill, users(200_000));
      spill.endLocal();
      // The worker opened local.db: a cleaner of old files in the temporary directory takes it now.
      for (let i = 0; i < 500 && !openFilesUnder(dir).some((target) => target.startsWith(localFile)); i++) await sleep(2);
      expect(openFilesUnder(dir).some((target) => target.startsWith(localFile))).toBe(true);
      unlinkSync(localFile);
      addRemote(spill, users(remoteRows, 1));
      const failed = await spill.finishReading().then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failed?.message).toMatch(/removed while the check ran.*nothing was published/s);
    } finally {
      await spill.close();
    }
  }, 30_000);
});
