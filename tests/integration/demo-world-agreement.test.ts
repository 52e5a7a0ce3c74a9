import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoWorld } from '../../scripts/demo/demo-seeds';
import { expectedDrift } from '../../scripts/demo/world-drift';
import { assertBuilt, runCliSync } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

interface CheckRun<R> {
  state: string;
  result: R;
}
interface StorageResult {
  complete: boolean;
  orphans: number;
  trashed: number;
  results: { email: string; provider: string; orphans: number; trashed: number; status: string }[];
  localDiff: { rows: number; onThread?: number };
}

/**
 * Issue 18, "the demo tells the truth": the demo's seeded state agrees with
 * what real checks return at demo start. The demo services build the default
 * world (resources/demo/world.json); the built CLI then runs identity,
 * storage-orphans and media-import checks against the same data dir, and each
 * finds exactly the drift the world file writes down (world-drift.ts), no more, no less.
 */
describe('the demo world agrees with real checks at demo start', () => {
  const dir = makeTempDir('syncwarden-demo-world-');
  let services: ChildProcess;
  const expected = expectedDrift(loadDemoWorld(REPO_ROOT));
  const check = <R>(engine: string) => {
    const answer = runCliSync(['--data-dir', dir.path, '--json', 'check', engine], { SYNCWARDEN_SECRETS: '' });
    expect(answer.stderr, engine).not.toMatch(/secret-store-unavailable/);
    return JSON.parse(answer.stdout) as CheckRun<R>;
  };

  beforeAll(async () => {
    assertBuilt();
    services = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'demo', 'demo-services.ts'), dir.path], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the demo services were not ready within 60 s')), 60_000);
      services.once('exit', (code) => reject(new Error(`demo services stopped (exit ${code})`)));
      createInterface({ input: services.stdout! }).once('line', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }, 90_000);

  afterAll(async () => {
    services?.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    dir.remove();
  });

  it('identity: the local-only, remote-only and renamed users of the world', () => {
    const run = check<{ localOnly: number; remoteOnly: number; inconsistent: number }>('identity');
    expect(run.state).toBe('succeeded');
    expect(run.result).toMatchObject({ localOnly: expected.identity.localOnly, remoteOnly: expected.identity.remoteOnly, inconsistent: expected.identity.renamed });
    expect(expected.identity).toEqual({ localOnly: 2, remoteOnly: 2, renamed: 5 });
  }, 60_000);

  it('storage-orphans: per account, the gone and trashed files and the revoked grant of the world', () => {
    const run = check<StorageResult>('storage-orphans');
    // partial: one user must reconnect Dropbox (a revoked grant is the world's, not a failure of the check).
    expect(run.state).toBe('partial');
    expect(run.result.complete).toBe(true);
    const found = new Map(run.result.results.map((r) => [`${r.email}/${r.provider}`, { orphans: r.orphans, trashed: r.trashed, status: r.status }]));
    expect(found).toEqual(expected.storage);
    const total = [...expected.storage.values()].reduce((sum, a) => ({ orphans: sum.orphans + a.orphans, trashed: sum.trashed + a.trashed }), { orphans: 0, trashed: 0 });
    expect({ orphans: run.result.orphans, trashed: run.result.trashed }).toEqual(total);
    expect(total).toEqual({ orphans: 10, trashed: 6 });
  }, 60_000);

  it('media-import: exactly the assets the world has without a row', () => {
    const run = check<{ byKind: Record<string, number> }>('media-import');
    expect(run.state).toBe('succeeded');
    expect(run.result.byKind).toEqual({ 'missing-in-db': expected.mediaMissing.length });
    const findings = JSON.parse(runCliSync(['--data-dir', dir.path, '--json', 'findings', 'list', '--engine', 'media-import'], { SYNCWARDEN_SECRETS: '' }).stdout) as { items: { subject: string }[] };
    expect(findings.items.map((f) => f.subject.replace(/^asset:/, '')).sort()).toEqual([...expected.mediaMissing].sort());
  }, 60_000);
});

/**
 * `npm run demo -- --world FILE`: a small world written here is what the emulators serve and the
 * product DB holds, faults included: a storage check finds its one orphan and one trashed file,
 * and the identity check meets the Supabase fault the world sets.
 */
describe('a world file given with --world', () => {
  const dir = makeTempDir('syncwarden-demo-world-file-');
  let services: ChildProcess;
  const user = (n: number, name: string, storage: string[]) => ({ id: `00000000-0000-4000-8000-00000000000${n}`, name, email: `${name.toLowerCase()}@world.example`, createdAt: '2025-01-01T09:00:00.000Z', storage });
  const world = {
    version: 1,
    users: [user(1, 'Ada', ['google']), { ...user(2, 'Bob', ['dropbox']), revokedGrants: ['dropbox'] }],
    files: {
      google: [
        { user: 'ada@world.example', id: 'g-1', name: 'kept.pdf', size: 10 },
        { user: 'ada@world.example', id: 'g-2', name: 'deleted.pdf', size: 10, state: 'gone' },
        { user: 'ada@world.example', id: 'g-3', name: 'binned.pdf', size: 10, state: 'trashed' },
      ],
      dropbox: [{ user: 'bob@world.example', id: 'id:d-1', name: 'b.pdf', size: 10 }],
    },
    faults: [{ service: 'supabase', route: 'supabase.admin.users.list', status: 503, body: { code: 503, msg: 'maintenance' } }],
  };
  beforeAll(async () => {
    assertBuilt();
    writeFileSync(join(dir.path, 'world.json'), JSON.stringify(world));
    const data = join(dir.path, 'data');
    services = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'demo', 'demo-services.ts'), data, '--world', join(dir.path, 'world.json')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ready = await new Promise<{ people: number; files: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the demo services were not ready within 60 s')), 60_000);
      services.once('exit', (code) => reject(new Error(`demo services stopped (exit ${code})`)));
      createInterface({ input: services.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { people: number; files: number });
      });
    });
    expect(ready).toMatchObject({ people: 2, files: 4 });
  }, 90_000);

  afterAll(async () => {
    services?.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    dir.remove();
  });

  it('serves its files and its revoked grant to a storage check', () => {
    const answer = runCliSync(['--data-dir', join(dir.path, 'data'), '--json', 'check', 'storage-orphans'], { SYNCWARDEN_SECRETS: '' });
    const run = JSON.parse(answer.stdout) as CheckRun<StorageResult>;
    // The built CLI diffs the demo's SQLite product on its diff thread (its source is a function's text: a bundler could break it).
    expect(run.result.localDiff.onThread).toBeGreaterThan(0);
    expect(run.result.results.map((r) => ({ email: r.email, orphans: r.orphans, trashed: r.trashed, status: r.status }))).toEqual(
      expect.arrayContaining([
        { email: 'ada@world.example', orphans: 1, trashed: 1, status: 'orphans' },
        { email: 'bob@world.example', orphans: 0, trashed: 0, status: 'needs-reconnect' },
      ]),
    );
  }, 60_000);

  it('sets its faults on the emulators', () => {
    const answer = runCliSync(['--data-dir', join(dir.path, 'data'), '--json', 'check', 'identity'], { SYNCWARDEN_SECRETS: '' });
    expect(answer.code).not.toBe(0);
    // Supabase's user list answers 503 on every call (the world's fault): the check fails while listing, after retries.
    const run = JSON.parse(answer.stdout) as CheckRun<unknown> & { progress: { phase: string }; apiCalls: Record<string, number> };
    expect(run.state).toBe('failed');
    expect(run.progress.phase).toBe('read');
    expect(run.apiCalls.supabase).toBeGreaterThan(1);
  }, 60_000);
});
