import { afterEach, describe, expect, it, vi } from 'vitest';
import { openFilesUnder } from '../helpers/open-files';
import { expectNoUnhandledRejection } from '../helpers/unhandled';
import { driveFiles, dropboxFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack s21 end to end: a real storage-orphans check on a SQLite product (the diff thread of fc97c92) against the
 * Drive and Dropbox emulators. Every diff thread a check starts has ended when the run ends (succeeded, cancelled,
 * failed), no descriptor of the product file is left, a thread that dies mid-account concludes nothing from the
 * partial diff, and the thread's findings and seen sets equal the host's own diff's.
 */

const control = vi.hoisted(() => ({
  /** Diff threads started and whether each has exited. */
  threads: [] as { exited: boolean }[],
  /** `refuse`: the Worker constructor throws (the host's in-thread diff runs); `die:<user>`: the thread sends a forged partial chunk for that user, then ends. */
  mode: 'normal' as 'normal' | 'refuse' | `die:${string}`,
}));

vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:worker_threads')>();
  class TrackedWorker extends original.Worker {
    constructor(source: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      const isDiff = typeof source === 'string' && source.includes('diffIdChunk');
      if (isDiff && control.mode === 'refuse') throw new Error('threads refused by the test');
      let text = source;
      if (isDiff && control.mode.startsWith('die:')) {
        const victim = control.mode.slice(4);
        text = (source as string).replace(
          "const { id, userId, provider } = request;",
          `const { id, userId, provider } = request;
  if (userId === ${JSON.stringify(victim)}) {
    parentPort.postMessage({ type: 'chunk', id, diff: { listed: 1, examined: ['forged'], drifted: [['row-g-${victim}-0', 'orphan', 'g-${victim}-0']], uncovered: [] }, details: [{ id: 'row-g-${victim}-0', user_id: ${JSON.stringify(victim)}, provider: 'google', pid: 'g-${victim}-0', name: 'forged', size: 1 }] });
    process.exit(7);
  }`,
        );
        if (text === source) throw new Error('the test could not patch the diff thread source');
      }
      super(text, options);
      if (isDiff) {
        const entry = { exited: false };
        control.threads.push(entry);
        this.once('exit', () => (entry.exited = true));
      }
    }
  }
  return { ...original, Worker: TrackedWorker, default: { ...original, Worker: TrackedWorker } };
});

let world: StorageWorld | undefined;
afterEach(async () => {
  control.mode = 'normal';
  control.threads.length = 0;
  await world?.close();
  world = undefined;
});

const USERS = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay', 'gus', 'hal'];
const productFiles = (w: StorageWorld) => openFilesUnder(w.dir).filter((f) => f.includes('product.db'));
const openSubjects = async (w: StorageWorld) => (await w.app.store.findings.open('storage-orphans')).map((f) => `${f.subject}:${f.kind}`).sort();
const seenState = async (w: StorageWorld) =>
  (await w.app.store.db.all<{ key: string; value_json: string }>(`SELECT key, value_json FROM engine_state WHERE engine = 'storage-orphans' AND key LIKE 'seen%' ORDER BY key`)).map((r) => `${r.key}=${r.value_json}`);
const summary = (run: Awaited<ReturnType<StorageWorld['run']>>) => {
  const r = resultOf(run);
  return { orphans: r.orphans, trashed: r.trashed, unknownFiles: r.unknownFiles, results: r.results.map((x) => `${x.userId}:${x.provider}:${x.mode}:${x.filesChecked}:${x.orphans}:${x.status}`).sort() };
};

async function seeded(): Promise<StorageWorld> {
  return openStorageWorld(USERS.map((id, i) => ({ id, drive: driveFiles(id, 40 + i * 30), goneDrive: [`g-gone-${id}`], dropbox: dropboxFiles(id, 5 + i), goneDropbox: [`id:gone-${id}`] })));
}

describe('attack s21: the diff thread in a real check', () => {
  it('thread and in-thread checks agree (findings, results, seen sets, then a delta); every diff thread ends; no product descriptor is left', async () => {
    const outcomes: unknown[] = [];
    for (const mode of ['normal', 'refuse'] as const) {
      control.mode = mode;
      control.threads.length = 0;
      world = await seeded();
      const w = world;
      await expectNoUnhandledRejection(async () => {
        const first = await w.run({ mode: 'check' });
        expect(first.state).toBe('succeeded');
        expect(control.threads.length).toBe(mode === 'normal' ? 1 : 0);
        expect(control.threads.every((t) => t.exited)).toBe(true);
        expect(productFiles(w)).toEqual([]);
        // Rows added between checks: the delta must examine them (the seen set the full pass saved says they are new).
        await w.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('new-g', 'ada', 'google', 'g-never', 'n.pdf', 1)");
        await w.exec("INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES ('new-d', 'bob', 'dropbox', 'id:never', 'n.txt', 1)");
        const delta = await w.run({ mode: 'check' });
        expect(delta.state).toBe('succeeded');
        const full = await w.run({ mode: 'check', full: true });
        expect(control.threads.every((t) => t.exited)).toBe(true);
        expect(productFiles(w)).toEqual([]);
        expect((await seenState(w)).length).toBeGreaterThan(0);
        outcomes.push({ first: summary(first), delta: summary(delta), full: summary(full), findings: await openSubjects(w), seen: await seenState(w) });
      });
      await w.close();
      world = undefined;
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect((outcomes[0] as { delta: { orphans: number } }).delta.orphans).toBe(USERS.length * 2 + 2);
  }, 60_000);

  it('a cancelled check ends its diff thread and leaves no product descriptor', async () => {
    world = await seeded();
    const w = world;
    await expectNoUnhandledRejection(async () => {
      w.google.fault('drive.files.list', { status: 200, delayMs: 150, passThrough: true });
      const { runId } = await w.app.runs.start('storage-orphans', { mode: 'check' }, 'manual');
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && control.threads.length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 200));
      await w.app.runs.cancel(runId);
      const run = await w.app.runs.waitFor(runId);
      expect(run?.state).toBe('cancelled');
      expect(control.threads.length).toBe(1);
      expect(control.threads.every((t) => t.exited)).toBe(true);
      expect(productFiles(w)).toEqual([]);
    }, 300);
    w.google.clearFaults();
    const again = await w.run({ mode: 'check' });
    expect(resultOf(again)).toMatchObject({ orphans: USERS.length * 2 });
  }, 60_000);

  it('a thread that dies mid-account (after a forged partial chunk) concludes nothing for it; the others are checked here', async () => {
    control.mode = 'die:cy';
    world = await seeded();
    const w = world;
    await expectNoUnhandledRejection(async () => {
      const run = await w.run({ mode: 'check' });
      const r = resultOf(run);
      // The account of cy's whose diff the thread died in (whichever of the two reached it first) fails.
      expect(r.results.filter((x) => x.userId === 'cy').some((x) => x.status === 'unknown')).toBe(true);
      const findings = await openSubjects(w);
      // The forged drift (a live file's row) never becomes a finding; every other account's orphans are found.
      expect(findings).not.toContain('file:row-g-cy-0:orphan');
      // Accounts in flight on the thread when it died fail (unknown); every account that ended ok found its orphan, no other.
      const ok = r.results.filter((x) => x.status !== 'unknown').map((x) => `file:row-${x.provider === 'google' ? 'g-gone-' : 'id:gone-'}${x.userId}:orphan`).sort();
      expect(findings).toEqual(ok);
      expect(ok.length).toBeGreaterThan(USERS.length);
      expect(r.results.filter((x) => x.status === 'unknown').every((x) => x.orphans === 0)).toBe(true);
      console.log(`s21: after the thread died: ${r.results.filter((x) => x.status === 'unknown').map((x) => `${x.userId}:${x.provider}:${x.status}:${x.message}`).join(' | ')}`);
      expect(control.threads.every((t) => t.exited)).toBe(true);
      expect(productFiles(w)).toEqual([]);
    });
    control.mode = 'normal';
    expect(resultOf(await w.run({ mode: 'check' }))).toMatchObject({ orphans: USERS.length * 2 });
  }, 60_000);
});
