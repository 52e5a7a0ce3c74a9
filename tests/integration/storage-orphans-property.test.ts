import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../core/api/models';
import { dropboxFaults } from '../emulators/dropbox/dropbox.emulator';
import { googleTokenFaults } from '../emulators/google';
import { rateLimitBody } from '../emulators/google/test-support';
import { ANY_ROUTE, foreignFault, type FaultScript } from '../emulators/shared/faults';
import { Prng as SeededRandom } from '../helpers/prng';
import { snapshot, SQLITE_FILES, sqliteExtras } from './storage-orphans.product-tables';
import { driveRefresh, dropboxAccountId, dropboxFiles, driveFiles, dropboxRefresh, openStorageWorld, type StorageWorld, type WorldUser } from './storage-orphans.setup';

/**
 * The storage-orphans safety invariant as a property (DESIGN §6): in random worlds (files existing, gone, trashed,
 * renamed, added; rows added between checks) under random faults of every class on random calls (429, 5xx, dropped
 * connections, foreign HTML/empty/other-JSON 404s, invalid_client, revoked grants), check + repair --all removes
 * only rows whose file the service itself said is gone (or trashed), and every removed row restores whole. Once the
 * faults stop, plain (delta) checks find every gone row again: no finding is hidden for ever.
 * Seeded and bounded: the same worlds and fault scripts on every run.
 */
const SEED = 20261202;
const WORLDS = 12;

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Truth {
  /** `provider:cloud id` of files the service says are gone or trashed. */
  gone: Set<string>;
  /** Accounts whose grant was revoked (they are skipped, never concluded on). */
  revoked: Set<string>;
  /** Dropbox: current path of each live file, per user. */
  paths: Map<string, Map<string, string>>;
  driveLive: Map<string, string[]>;
}

function makeUsers(rng: SeededRandom, n: number): { users: WorldUser[]; truth: Truth } {
  const truth: Truth = { gone: new Set(), revoked: new Set(), paths: new Map(), driveLive: new Map() };
  const users: WorldUser[] = [];
  for (let u = 0; u < rng.int(1, 3); u++) {
    const id = `w${n}u${u}`;
    const withDrive = rng.chance(0.7);
    const user: WorldUser = { id };
    if (withDrive) {
      user.drive = driveFiles(id, rng.int(2, 9)).map((f) => (rng.chance(0.15) ? { ...f, trashed: true } : f));
      user.goneDrive = Array.from({ length: rng.int(0, 3) }, (_, j) => `g-${id}-gone-${j}`);
      for (const f of user.drive) if (f.trashed) truth.gone.add(`google:${f.id}`);
      for (const pid of user.goneDrive) truth.gone.add(`google:${pid}`);
      truth.driveLive.set(id, user.drive.filter((f) => !f.trashed).map((f) => f.id));
    }
    if (!withDrive || rng.chance(0.6)) {
      user.dropbox = dropboxFiles(id, rng.int(2, 9));
      user.goneDropbox = Array.from({ length: rng.int(0, 3) }, (_, j) => `id:d-${id}-gone-${j}`);
      for (const pid of user.goneDropbox) truth.gone.add(`dropbox:${pid}`);
      truth.paths.set(id, new Map(user.dropbox.map((f) => [f.id, f.path])));
    }
    users.push(user);
  }
  return { users, truth };
}

const GOOGLE_ROUTES = ['oauth.token', 'drive.files.get', 'drive.files.list', 'drive.changes.list', 'drive.changes.getStartPageToken'];
const DROPBOX_ROUTES = ['dropbox.oauth2.token', 'dropbox.files.list_folder', 'dropbox.files.list_folder.continue', 'dropbox.files.get_metadata', 'dropbox.files.list_folder.get_latest_cursor'];

/** Random faults of every class on random routes (or on any route), some for every call, some by chance. */
function injectFaults(rng: SeededRandom, w: StorageWorld, users: WorldUser[], truth: Truth): string[] {
  const told: string[] = [];
  for (let i = rng.int(1, 4); i > 0; i--) {
    const google = rng.chance(0.5);
    // Single-file answers are where a misread 404 would remove a live row: they get a fault more often.
    const probeRoute = google ? 'drive.files.get' : 'dropbox.files.get_metadata';
    const route = rng.chance(0.15) ? ANY_ROUTE : rng.chance(0.5) ? probeRoute : rng.pick(google ? GOOGLE_ROUTES : DROPBOX_ROUTES);
    // The admin's misconfiguration blocks a whole provider: rarer, so the other classes meet the file-level calls.
    const kind = rng.chance(0.1) ? 'invalid_client' : rng.pick(['429', '5xx', 'drop', 'html', 'empty', 'json'] as const);
    const odds = rng.pick([0.3, 0.7, 1]);
    const script: FaultScript =
      kind === '429'
        ? google
          ? { status: 429, headers: { 'Retry-After': '0' }, body: rateLimitBody() }
          : dropboxFaults.tooManyRequests(0)
        : kind === '5xx'
          ? google
            ? { status: 503, body: 'backend error' }
            : dropboxFaults.serverError(503)
          : kind === 'drop'
            ? { status: 502, drop: true }
            : kind === 'invalid_client'
              ? google
                ? googleTokenFaults.invalidClient()
                : dropboxFaults.invalidClient()
              : foreignFault(kind, 404);
    const target = kind === 'invalid_client' ? (google ? 'oauth.token' : 'dropbox.oauth2.token') : route;
    (google ? w.google : w.dropbox).fault(target, { ...script, probability: odds });
    told.push(`${google ? 'google' : 'dropbox'} ${target} ${kind} p=${odds}`);
  }
  if (rng.chance(0.15)) {
    const user = rng.pick(users);
    if (user.drive && rng.chance(0.5)) {
      w.google.revokeRefreshToken(driveRefresh(user.id));
      truth.revoked.add(`${user.id}:google`);
    } else if (user.dropbox) {
      w.dropbox.revokeRefreshToken(dropboxRefresh(user.id));
      truth.revoked.add(`${user.id}:dropbox`);
    }
  }
  return told;
}

/** Between checks: files deleted, trashed, renamed (to another row's name), renamed then deleted; rows and files added. */
async function mutate(rng: SeededRandom, w: StorageWorld, users: WorldUser[], truth: Truth): Promise<void> {
  for (const user of users) {
    const live = truth.driveLive.get(user.id);
    for (const pid of [...(live ?? [])]) {
      const roll = rng.next();
      if (roll < 0.12) w.google.deleteFile(user.id, pid);
      else if (roll < 0.2) w.google.trashFile(user.id, pid);
      else continue;
      truth.gone.add(`google:${pid}`);
      live?.splice(live.indexOf(pid), 1);
    }
    const paths = truth.paths.get(user.id);
    for (const [pid, path] of [...(paths ?? [])]) {
      const roll = rng.next();
      if (roll < 0.25) {
        // Renamed to a name some other row has, in another folder (Dropbox's delta then names that path only).
        const other = rng.pick([...(paths?.values() ?? [])]);
        const to = `/Moved-${rng.int(0, 999)}/${other.slice(other.lastIndexOf('/') + 1)}`;
        w.dropbox.moveFile(dropboxAccountId(user.id), path, to);
        paths?.set(pid, to);
        if (rng.chance(0.5)) {
          w.dropbox.deletePath(dropboxAccountId(user.id), to);
          paths?.delete(pid);
          truth.gone.add(`dropbox:${pid}`);
        }
      } else if (roll < 0.35) {
        w.dropbox.deletePath(dropboxAccountId(user.id), path);
        paths?.delete(pid);
        truth.gone.add(`dropbox:${pid}`);
      }
    }
    // Rows the product adds between checks: one for a file that exists (added now), one for a file that never did.
    if (live && rng.chance(0.6)) {
      const pid = `g-${user.id}-added-${rng.int(0, 1e6)}`;
      w.google.addFile(user.id, { id: pid, name: `${pid}.pdf`, mimeType: 'application/pdf', parents: ['root'], size: 5 });
      live.push(pid);
      await addRow(w, user.id, 'google', pid, rng);
    }
    if (rng.chance(0.6)) {
      const provider = live ? 'google' : 'dropbox';
      const pid = `${provider === 'google' ? 'g' : 'id:d'}-${user.id}-never-${rng.int(0, 1e6)}`;
      await addRow(w, user.id, provider, pid, rng);
      truth.gone.add(`${provider}:${pid}`);
    }
  }
}

async function addRow(w: StorageWorld, userId: string, provider: string, pid: string, rng: SeededRandom): Promise<void> {
  const extras = sqliteExtras?.values(pid, rng.int(0, 1000)) ?? [];
  const columns = sqliteExtras?.columns ?? [];
  await w.exec(`INSERT INTO files (id, user_id, provider, provider_file_id, name, size, ${columns.join(', ')}) VALUES (?, ?, ?, ?, ?, 1, ${columns.map(() => '?').join(', ')})`, [
    `row-${pid}`,
    userId,
    provider,
    pid,
    `${pid}.bin`,
    ...extras,
  ]);
}

async function withDb<T>(w: StorageWorld, work: (db: ReturnType<StorageWorld['open']>) => Promise<T>): Promise<T> {
  const db = w.open();
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/**
 * DESIGN §4.6: a check with any account left unknown never ends `succeeded`; a failed check failed only on a
 * refused connection (invalid_client), with the Connections-page message; a partial one counts what it names.
 */
function expectHonest(run: Run, context: string): void {
  const lines = (run.result?.results ?? []) as { status: string }[];
  if (run.state === 'failed') {
    expect(run.error, context).toMatchObject({ code: 'connection-misconfigured', message: expect.stringMatching(/Connections page/) });
    return;
  }
  expect(['succeeded', 'partial'], context).toContain(run.state);
  const itemsFailed = run.result?.itemsFailed as number;
  if (lines.some((l) => l.status === 'unknown')) expect(run.state, `${context}: an account was left unknown`).toBe('partial');
  expect(run.state === 'partial', `${context}: itemsFailed ${itemsFailed}`).toBe(itemsFailed > 0);
  expect((run.result?.failedItems ?? []) as unknown[], context).toHaveLength(Math.min(itemsFailed, 50));
}

describe('storage-orphans safety invariant (property)', () => {
  it(`removes only what the service said is gone, restores it whole, and hides nothing for ever (${WORLDS} seeded worlds)`, async () => {
    const rng = new SeededRandom(SEED);
    for (let n = 0; n < WORLDS; n++) {
      const { users, truth } = makeUsers(rng, n);
      world = await openStorageWorld(users, { ddl: [SQLITE_FILES], fileExtras: sqliteExtras });
      const w = world;
      const faults = [injectFaults(rng, w, users, truth)];
      // Probing every row meets the faults on single-file answers (where a misread 404 would remove a live row),
      // so a check whose faults hit those routes mostly probes; otherwise any strategy.
      const strategy = (told: string[]) => (told.some((f) => /files\.get|get_metadata| \* /.test(f)) && rng.chance(0.8) ? 'probe' : rng.pick(['auto', 'list', 'probe'] as const));
      expectHonest(await w.run({ mode: 'check', strategy: strategy(faults[0] ?? []) }), `world ${n} check 1: faults ${JSON.stringify(faults)}`);
      w.google.clearFaults();
      w.dropbox.clearFaults();
      await mutate(rng, w, users, truth);
      faults.push(injectFaults(rng, w, users, truth));
      expectHonest(await w.run({ mode: 'check', strategy: strategy(faults[1] ?? []) }), `world ${n} check 2: faults ${JSON.stringify(faults)}`);
      w.google.clearFaults();
      w.dropbox.clearFaults();
      const context = `world ${n}: faults ${JSON.stringify(faults)}`;

      const before = await withDb(w, snapshot);
      const repair = await w.run({ mode: 'repair', all: true });
      // A person's repair asks the services again before each move (repair-confirm.ts). The faults are over, so only an
      // account whose grant was revoked cannot answer: its findings stay open as failed items and the run is partial.
      const refusedAgain = ((repair.result?.failedItems ?? []) as { reason: string }[]);
      expect(repair.state === 'succeeded' || (repair.state === 'partial' && truth.revoked.size > 0), `${context}: ${repair.state} ${JSON.stringify(refusedAgain)}`).toBe(true);
      for (const f of refusedAgain) expect(f.reason, context).toMatch(/could not be asked again|did not answer/);
      const removed = await w.rows<{ provider: string; provider_file_id: string }>('SELECT provider, provider_file_id FROM file_quarantine');
      for (const row of removed) expect(truth.gone.has(`${row.provider}:${row.provider_file_id}`), `${context}: removed ${row.provider}:${row.provider_file_id}`).toBe(true);

      for (const finding of (await w.app.store.findings.list({ engine: 'storage-orphans', status: 'quarantined', sort: 'subject', direction: 'asc', limit: 500, offset: 0 })).items) {
        expect(await w.app.handlers['storage.restore']({ findingId: finding.id }, { actor: 'manual' }), context).toMatchObject({ restored: true });
      }
      expect(await withDb(w, snapshot), `${context}: every removed row restores byte-equal`).toEqual(before);

      // Faults over: plain checks (deltas where a cursor is kept) find every gone row of every working account.
      for (const final of [await w.run({ mode: 'check' }), await w.run({ mode: 'check' })]) {
        expectHonest(final, context);
        // No fault left: the only thing a plain check may still fail on is a grant revoked earlier and met only now.
        const failed = (final.result?.failedItems ?? []) as { reason: string }[];
        expect(final.state === 'succeeded' || failed.every((f) => /must reconnect/.test(f.reason)), `${context}: ${JSON.stringify(failed)}`).toBe(true);
      }
      const found = new Set((await w.app.store.findings.open('storage-orphans')).map((f) => `${String(f.details?.provider)}:${String(f.details?.providerFileId)}`));
      const rows = await w.rows<{ user_id: string; provider: string; provider_file_id: string }>('SELECT user_id, provider, provider_file_id FROM files');
      for (const row of rows) {
        const key = `${row.provider}:${row.provider_file_id}`;
        if (truth.revoked.has(`${row.user_id}:${row.provider}`)) continue;
        expect(found.has(key), `${context}: ${key} ${truth.gone.has(key) ? 'gone but not found' : 'present but reported'}`).toBe(truth.gone.has(key));
      }
      await w.close();
      world = undefined;
    }
  }, 60_000);
});
