import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../core/store/store';
import { assertBuilt, runCliSync } from '../helpers/cli';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * `findings list`, `audit list` and `runs get` through the real built CLI, on a store seeded the way engines
 * write it: the ids `restore`, `repair --finding` and `revert --run/--audit` take can be found by engine,
 * status, user and run, and human output never inlines a JSON blob.
 */
describe('syncwarden findings list / audit list / runs get (built bundle)', () => {
  const dir = makeTempDir('syncwarden-findings-cli-');
  const cli = (...args: string[]) => runCliSync(['--data-dir', dir.path, ...args]);
  const ids = { identityRun: 0, storageRun: 0 };
  const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;

  beforeAll(async () => {
    assertBuilt();
    const store = await openStore(dir.path);
    const run = async (engine: string, minute: number, result: Record<string, unknown>) => {
      const { id } = await store.runs.insertQueued({ engine, scope: 'all', trigger: 'cli', params: { mode: 'repair', all: true }, ownerPid: process.pid, now: at(minute) });
      await store.runs.transition(id, ['queued'], 'running', { startedAt: at(minute) }, at(minute));
      await store.runEvents.append(id, 'state', 'running', at(minute));
      await store.runEvents.append(id, 'message', 'repaired 2 of 2 "users"', at(minute + 1), { nested: { deep: [1, 2] } });
      await store.runs.transition(id, ['running'], 'succeeded', { finishedAt: at(minute + 2), result }, at(minute + 2));
      return id;
    };
    ids.identityRun = await run('identity', 1, { repaired: 2, byKind: { 'name-differs': 1, 'local-only': 1 }, failedIds: [] });
    ids.storageRun = await run('storage-orphans', 5, { quarantined: 1, perProvider: { google: { files: 3, gone: 1 } } });
    await store.findings.insertMany(ids.identityRun, 'identity', [
      { subject: 'user:Ada@Example.com', userEmail: 'ada@example.com', kind: 'name-differs', reason: 'names differ', proposedAction: 'update', details: { localId: 'u-ada-1' } },
      { subject: 'user:bob@example.com', userEmail: 'bob@example.com', kind: 'local-only', reason: 'no auth user', proposedAction: 'create' },
    ], at(2));
    // A storage finding names its user by id only, in the details: `--user u-cy-9` must still find it.
    await store.findings.insertMany(ids.storageRun, 'storage-orphans', [
      { subject: 'file:42', userEmail: null, kind: 'gone', reason: 'Drive file is gone', proposedAction: 'quarantine', details: { userId: 'u-cy-9', row: { name: 'x{y}.pdf' } } },
    ], at(6));
    const storageFinding = (await store.findings.list({ engine: 'storage-orphans', sort: 'createdAt', direction: 'desc', limit: 1, offset: 0 })).items[0]!;
    await store.findings.setStatus([storageFinding.id], 'quarantined', at(7));
    await store.audit.append({ at: at(3), actor: 'cli', engine: 'identity', runId: ids.identityRun, action: 'update-user', subject: 'user:ada@example.com', before: { name: 'Ada', email: 'ada@example.com' }, after: { name: 'Ada Lovelace', email: 'ada@example.com' } });
    await store.audit.append({ at: at(3), actor: 'cli', engine: 'identity', runId: ids.identityRun, action: 'create-user', subject: 'user:bob@example.com', before: null, after: { name: 'Bob' } });
    await store.audit.append({ at: at(7), actor: 'cli', engine: 'storage-orphans', runId: ids.storageRun, action: 'quarantine', subject: 'file:42', before: { id: 42, user_id: 'u-cy-9' }, after: null });
    // A quarantine of many rows keeps them as a list: CHANGED counts them and says where they went.
    await store.audit.append({ at: at(8), actor: 'cli', engine: 'storage-orphans', runId: ids.storageRun, action: 'quarantine-files', subject: '2 files', before: [{ id: 'f-1', userId: 'u-dee-4' }, { id: 'f-2', userId: 'u-dee-4' }], after: { table: 'file_quarantine' } });
    // A run of one user by id, with no product database to look the id up in: the list shows the id.
    const userRun = await store.runs.insertQueued({ engine: 'media-import', scope: 'repair:user:u-ada-1', trigger: 'cli', params: { mode: 'repair', user: 'u-ada-1' }, ownerPid: process.pid, now: at(9) });
    await store.runs.transition(userRun.id, ['queued'], 'cancelled', { finishedAt: at(9) }, at(9));
    await store.close();
  });
  afterAll(() => dir.remove());

  const noJsonBlob = (text: string) => expect(text).not.toMatch(/[{[]"/);

  it('findings list filters by engine, status and user (email any case, or an id only in the details)', { timeout: 60_000 }, () => {
    const all = cli('findings', 'list');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^ID +ENGINE +STATUS +KIND +USER +SUBJECT +RUN +CREATED/m);
    expect(all.stdout).toMatch(/3 of 3 findings/);
    noJsonBlob(all.stdout);
    const quarantined = cli('--json', 'findings', 'list', '--status', 'quarantined');
    const page = JSON.parse(quarantined.stdout) as { items: { subject: string; status: string }[] };
    expect(page.items.map((f) => `${f.subject} ${f.status}`)).toEqual(['file:42 quarantined']);
    const ada = JSON.parse(cli('--json', 'findings', 'list', '--user', 'ADA@example.com').stdout) as { items: { kind: string }[] };
    expect(ada.items.map((f) => f.kind)).toEqual(['name-differs']);
    const byId = JSON.parse(cli('--json', 'findings', 'list', '--user', 'u-cy-9').stdout) as { items: { subject: string }[] };
    expect(byId.items.map((f) => f.subject)).toEqual(['file:42']);
    // A part of an id is not the id.
    expect(cli('findings', 'list', '--user', 'u-cy').stdout).toMatch(/No findings match/);
    const identity = JSON.parse(cli('--json', 'findings', 'list', '--engine', 'identity', '--limit', '1').stdout) as { items: unknown[]; total: number };
    expect([identity.items.length, identity.total]).toEqual([1, 2]);
    expect(cli('findings', 'list', '--status', 'bogus').code).toBe(2);
  });

  it('audit list filters by run and user and names the changed fields instead of printing before/after', { timeout: 60_000 }, () => {
    const byRun = cli('audit', 'list', '--run', String(ids.identityRun));
    expect(byRun.code, byRun.stderr).toBe(0);
    expect(byRun.stdout).toMatch(/update-user +user:ada@example.com +name$/m);
    expect(byRun.stdout).toMatch(/create-user +user:bob@example.com +created$/m);
    expect(byRun.stdout).not.toMatch(/quarantine/);
    expect(byRun.stdout).toMatch(/2 matching entries/);
    noJsonBlob(byRun.stdout);
    const cy = JSON.parse(cli('--json', 'audit', 'list', '--user', 'u-cy-9').stdout) as { items: { action: string; runId: number }[] };
    expect(cy.items).toEqual([expect.objectContaining({ action: 'quarantine', runId: ids.storageRun })]);
    // --subject searches the subject as text; the store counts what matches, so the footer has a true total.
    const files = cli('audit', 'list', '--subject', 'FILE:', '--limit', '1');
    expect(files.stdout).toMatch(/quarantine +file:42/);
    expect(files.stdout).toMatch(/1 of 1 matching entry$/m);
    expect(cli('audit', 'list', '--run', '999').stdout).toMatch(/No audit entries match/);
    expect(cli('audit', 'list', '--run', 'x').code).toBe(2);
  });

  it('runs get prints text (result and events, nested values indented) unless --json', { timeout: 60_000 }, () => {
    const text = cli('runs', 'get', String(ids.storageRun));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Run ${ids.storageRun}: storage-orphans, succeeded`));
    expect(text.stdout).toMatch(/^ {2}result:\n {4}quarantined: 1\n {4}perProvider:\n {6}google:\n {8}files: 3\n {8}gone: 1$/m);
    expect(text.stdout).toMatch(/Events \(2\):[\s\S]*message +repaired 2 of 2 "users"/);
    noJsonBlob(text.stdout);
    const json = JSON.parse(cli('--json', 'runs', 'get', String(ids.storageRun)).stdout) as { run: { id: number }; events: unknown[] };
    expect([json.run.id, json.events.length]).toEqual([ids.storageRun, 2]);
    // A finished run cannot be cancelled: said in words.
    expect(cli('runs', 'cancel', String(ids.storageRun)).stdout).toMatch(/is succeeded: nothing to cancel/);
  });

  it('runs list words scopes without the product database: "All users" for a repair of all, the user id as written, the mode apart', { timeout: 60_000 }, () => {
    const list = cli('runs', 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID +ENGINE +MODE +SCOPE +STATE/m);
    expect(list.stdout).toMatch(/media-import +repair +u-ada-1 +cancelled/);
    expect(list.stdout).toMatch(/identity +repair +All users +succeeded/);
    expect(list.stdout).not.toMatch(/repair:(all|user)/);
    noJsonBlob(list.stdout);
    const many = cli('audit', 'list', '--user', 'u-dee-4');
    expect(many.stdout).toMatch(/quarantine-files +2 files +2 rows moved to file_quarantine$/m);
    const detail = cli('runs', 'get', String(ids.identityRun));
    expect(detail.stdout).toMatch(/^ {2}mode: repair\n {2}scope: All users$/m);
  });
});
