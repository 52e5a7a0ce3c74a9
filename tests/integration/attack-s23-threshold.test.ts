import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { usePostgres } from '../helpers/postgres';
import { Prng } from '../helpers/prng';
import { driveFiles, dropboxFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/*
 * Attack s23 (commit 301f82f: a pass that keeps no cursor keeps no seen set). A Drive account whose size swings
 * back and forth across the one-page threshold (1,000 files: the cost model keeps a cursor from two pages on),
 * so its passes keep a cursor, then none, then one again, while the product and the cloud change between
 * checks: rows added for live files and for files that never existed, files deleted and trashed behind their
 * rows, rows re-pointed at other cloud files. Strategies (list / auto / probe) and `full` are random.
 *
 * Invariant checked after EVERY check (no faults, so nothing is ever unknown): the open findings are exactly
 * the rows whose cloud file is gone or trashed (a delta that skipped an unexamined row would miss one), the
 * result's counts agree with them, the pass reason agrees with what the previous check stored, and the
 * change's own claim holds: no cursor stored, no seen set stored.
 */
let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

type Kind = 'orphan' | 'trashed';

interface Truth {
  /** Cloud files alive and not trashed, per provider:user. */
  live: Set<string>;
  trashed: Set<string>;
  /** Product rows: row id → { user, provider, pid }. */
  rows: Map<string, { user: string; provider: 'google' | 'dropbox'; pid: string }>;
}

const SEEN_HEADS = `SELECT key, value_json FROM engine_state WHERE engine = 'storage-orphans' AND (key LIKE 'seen2:%' OR key LIKE 'seen:%')`;

async function storedSeenSets(w: StorageWorld): Promise<Set<string>> {
  const rows = await w.app.store.db.all<{ key: string; value_json: string }>(SEEN_HEADS);
  // A head: exactly three parts (seen2:<user>:<provider>), not null.
  return new Set(rows.filter((r) => r.key.split(':').length === 3 && r.value_json !== 'null').map((r) => r.key.split(':').slice(1).join(':')));
}

async function accountState(w: StorageWorld, user: string, provider: string): Promise<{ cursor: string | null; lastFullAt?: string | null } | undefined> {
  return await w.app.store.engineState.get('storage-orphans', `account:${user}:${provider}`);
}

function expected(truth: Truth): Map<string, Kind> {
  const out = new Map<string, Kind>();
  for (const [id, row] of truth.rows) {
    const key = `${row.provider}:${row.pid}`;
    if (truth.trashed.has(key)) out.set(`file:${id}`, 'trashed');
    else if (!truth.live.has(key)) out.set(`file:${id}`, 'orphan');
  }
  return out;
}

async function found(w: StorageWorld): Promise<Map<string, Kind>> {
  const open = await w.app.store.findings.open('storage-orphans');
  const out = new Map<string, Kind>();
  for (const f of open) {
    if (out.has(f.subject)) throw new Error(`${f.subject} is open twice`);
    out.set(f.subject, f.kind as Kind);
  }
  return out;
}

const sorted = (m: Map<string, Kind>) => [...m].sort(([a], [b]) => a.localeCompare(b));

const postgres = usePostgres();
let databases = 0;

// SQLite: diffs on the diff thread (listing-diff.worker.ts); PostgreSQL: the in-thread differ. Both must agree.
describe.each([
  ['sqlite', [2312, 7, 19, 23, 101, 4242]],
  ['postgres', [2312, 77]],
] as const)('attack s23: an account that grows and shrinks across the page threshold (%s)', (dialect, seeds) => {
  it.each(seeds)('hides no row, finds every drift at every check, names the pass honestly, and stores no seen set beside no cursor (seed %i)', async (seed) => {
    const random = new Prng(seed);
    const START = 990;
    const users = [
      { id: 'ada', drive: driveFiles('ada', START) },
      { id: 'bob', dropbox: dropboxFiles('bob', 6) },
    ];
    world = await openStorageWorld(users, dialect === 'postgres' ? { postgresUrl: await postgres().createDatabase(`s23_threshold_${++databases}`) } : {});
    const w = world;
    const truth: Truth = { live: new Set(), trashed: new Set(), rows: new Map() };
    for (const f of users[0]!.drive!) {
      truth.live.add(`google:${f.id}`);
      truth.rows.set(`row-${f.id}`, { user: 'ada', provider: 'google', pid: f.id });
    }
    for (const f of users[1]!.dropbox!) {
      truth.live.add(`dropbox:${f.id}`);
      truth.rows.set(`row-${f.id}`, { user: 'bob', provider: 'dropbox', pid: f.id });
    }
    let nextFile = START;
    const liveDrive = () => [...truth.live].filter((k) => k.startsWith('google:')).map((k) => k.slice('google:'.length));
    const insertRow = async (id: string, user: string, provider: 'google' | 'dropbox', pid: string) => {
      await w.exec('INSERT INTO files (id, user_id, provider, provider_file_id, name, size) VALUES (?, ?, ?, ?, ?, 1)', [id, user, provider, pid, `${id}.bin`]);
      truth.rows.set(id, { user, provider, pid });
    };
    const deleteRows = async (ids: string[]) => {
      if (ids.length === 0) return;
      await w.exec(`DELETE FROM files WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
      for (const id of ids) truth.rows.delete(id);
    };
    const rowsOfPid = (pid: string) => [...truth.rows].filter(([, r]) => r.pid === pid).map(([id]) => id);

    const mutate = async () => {
      const drive = liveDrive();
      // Swing across the threshold: grow by up to 40, or shrink by up to 40 (file and row both go: no drift).
      if (random.chance(0.5)) {
        for (let i = random.int(1, 40); i > 0; i--) {
          const pid = `g-ada-${nextFile++}`;
          w.google.addFile('ada', { id: pid, name: `${pid}.pdf`, mimeType: 'application/pdf', parents: ['root'], size: 1 });
          truth.live.add(`google:${pid}`);
          await insertRow(`row-${pid}`, 'ada', 'google', pid);
        }
      } else {
        const victims = drive.slice(0, random.int(1, 40));
        for (const pid of victims) {
          w.google.deleteFile('ada', pid);
          truth.live.delete(`google:${pid}`);
        }
        await deleteRows(victims.flatMap(rowsOfPid));
      }
      // Drift behind the product's back.
      const pick = () => liveDrive()[random.int(0, liveDrive().length - 1)] as string;
      if (random.chance(0.5)) {
        const pid = pick();
        w.google.deleteFile('ada', pid);
        truth.live.delete(`google:${pid}`);
      }
      if (random.chance(0.3)) {
        const pid = pick();
        w.google.trashFile('ada', pid);
        truth.live.delete(`google:${pid}`);
        truth.trashed.add(`google:${pid}`);
      }
      if (random.chance(0.5)) await insertRow(`new-${nextFile++}`, 'ada', 'google', `g-never-${nextFile}`);
      // A row re-pointed at another cloud file: a gone one, or a live one.
      if (random.chance(0.4)) {
        const [id] = [...truth.rows].filter(([, r]) => r.provider === 'google')[random.int(0, 50)] ?? [];
        if (id) {
          // Files rows are unique by (provider, cloud id): a live target is a file just added that no row names yet.
          let pid = `g-repointed-gone-${nextFile++}`;
          if (random.chance(0.5)) {
            pid = `g-ada-${nextFile++}`;
            w.google.addFile('ada', { id: pid, name: `${pid}.pdf`, mimeType: 'application/pdf', parents: ['root'], size: 1 });
            truth.live.add(`google:${pid}`);
          }
          await w.exec('UPDATE files SET provider_file_id = ? WHERE id = ?', [pid, id]);
          (truth.rows.get(id) as { pid: string }).pid = pid;
        }
      }
      // Some orphans' rows go (the product cleaned them up itself).
      if (random.chance(0.3)) {
        const gone = [...expected(truth).keys()].map((s) => s.slice('file:'.length));
        await deleteRows(gone.slice(0, random.int(0, gone.length)));
      }
      // Dropbox: a row for a file that never existed, a deleted file.
      if (random.chance(0.4)) await insertRow(`new-d-${nextFile++}`, 'bob', 'dropbox', `id:d-never-${nextFile}`);
      if (random.chance(0.3)) {
        const live = [...truth.live].filter((k) => k.startsWith('dropbox:'));
        const key = live[random.int(0, live.length - 1)];
        if (key) {
          w.dropbox.deletePath('dbid:bob', (users[1]!.dropbox!.find((f) => `dropbox:${f.id}` === key) as { path: string }).path);
          truth.live.delete(key);
        }
      }
    };

    const before = new Map<string, { cursor: string | null; seen: boolean; lastFullAt: boolean }>();
    const snapshot = async () => {
      const seen = await storedSeenSets(w);
      for (const [user, provider] of [['ada', 'google'], ['bob', 'dropbox']] as const) {
        const state = await accountState(w, user, provider);
        before.set(`${user}:${provider}`, { cursor: state?.cursor ?? null, seen: seen.has(`${user}:${provider}`), lastFullAt: !!state?.lastFullAt });
      }
    };
    await snapshot();
    const reasons: string[] = [];
    for (let check = 0; check < 14; check++) {
      if (check > 0) await mutate();
      const strategy = random.pick(['list', 'list', 'auto', 'auto', 'probe'] as const);
      const full = random.chance(0.15);
      const run: Run = await w.run({ mode: 'check', strategy, ...(full ? { full: true } : {}) });
      const ctx = `check ${check} (${strategy}${full ? ', full' : ''}): ${reasons.join(' | ')}`;
      expect(run.state, ctx).toBe('succeeded');
      const result = resultOf(run);
      const want = expected(truth);
      const got = await found(w);
      expect(sorted(got), `${ctx}: open findings`).toEqual(sorted(want));
      expect(result.orphans, `${ctx}: orphans counted`).toBe([...want.values()].filter((k) => k === 'orphan').length);
      expect(result.trashed, `${ctx}: trashed counted`).toBe([...want.values()].filter((k) => k === 'trashed').length);
      for (const line of result.results as (StorageResultLine & { pass: string; passReason: string })[]) {
        const was = before.get(`${line.userId}:${line.provider}`) as { cursor: string | null; seen: boolean; lastFullAt: boolean };
        reasons.push(`${check}:${line.userId}:${line.pass}:${line.passReason}:${line.mode}`);
        const reason = full ? 'requested' : !was.lastFullAt ? 'first pass' : was.cursor === null ? 'no cursor kept' : !was.seen ? 'first pass' : undefined;
        if (reason) expect(`${line.pass}:${line.passReason}`, ctx).toBe(`full:${reason}`);
        // A Dropbox deletion at a path no file id is known at ties no row: that account is listed in full (s26).
        else expect(['delta:changes since the last pass', 'full:many rows added', 'full:changes not tied to files'], ctx).toContain(`${line.pass}:${line.passReason}`);
        // Sequential checks without faults or crashes: after the first, an account is never "first pass" again.
        if (check > 0) expect(line.passReason, `${ctx}: ${line.userId} was read in full before`).not.toBe('first pass');
      }
      await snapshot();
      // The change's claim: a stored state with no cursor has no seen set beside it.
      for (const [account, s] of before) if (s.cursor === null) expect(s.seen, `${ctx}: ${account} keeps a seen set without a cursor`).toBe(false);
    }
    // The swing really crossed the threshold both ways: some checks ran deltas, some full passes for lack of a cursor.
    expect(reasons.some((r) => r.includes(':ada:delta')), reasons.join(' | ')).toBe(true);
    expect(reasons.some((r) => r.includes(':ada:full:no cursor kept')), reasons.join(' | ')).toBe(true);
  }, 30_000);
});

type StorageResultLine = ReturnType<typeof resultOf>['results'][number];
