import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Run } from '../../core/api/models';
import { NotificationSchema, type AppNotification } from '../../core/api/notifications';
import { EventHub } from '../../core/base/event-hub';
import { startNotifier, summarizeRuns, type NotifiedEngine } from '../../core/app/notifier';
import type { Engine } from '../../core/engines/engine';
import { toyEngine } from '../fixtures/toy-engine';
import { createEngineRegistry } from '../../core/engines/registry';

/** A finished run as the run manager emits it; tests override what matters. */
function run(patch: Partial<Run> = {}): Run {
  return {
    id: 7,
    engine: 'identity',
    scope: 'all',
    state: 'succeeded',
    trigger: 'schedule',
    params: {},
    progress: null,
    apiCalls: {},
    result: {},
    error: null,
    createdAt: '2026-11-23T10:00:00.000Z',
    startedAt: '2026-11-23T10:00:00.000Z',
    finishedAt: '2026-11-23T10:00:05.000Z',
    ...patch,
  };
}
const titles: Record<string, string> = { identity: 'Identity', 'sheet-import': 'Sheet import', 'mail-import': 'Mail import', 'storage-orphans': 'Storage orphans' };
const engineTitle = (id: string) => titles[id];
// The shipped engines' descriptors: what each says about its own runs (its page, long imports, withheld repairs).
const registry = createEngineRegistry();
const engine = (id: string): NotifiedEngine | undefined => registry.get(id);

describe('notifier: what a finished run is worth telling', () => {
  it('a failed scheduled run raises one notification that opens that run', () => {
    const [n, ...rest] = summarizeRuns([run({ id: 12, state: 'failed', error: { code: 'unavailable', message: 'Supabase did not answer.' } })], { engineTitle });
    expect(rest).toEqual([]);
    expect(n).toEqual({ kind: 'run-failed', title: 'Identity run failed', body: 'Supabase did not answer.', route: '/runs?run=12' });
    expect(NotificationSchema.parse(n)).toEqual(n);
  });

  it('a partial run is told whoever started it, with the number of failed items', () => {
    const [n, ...rest] = summarizeRuns([run({ id: 7, state: 'partial', trigger: 'manual', result: { itemsFailed: 3 } })], { engineTitle });
    expect(rest).toEqual([]);
    expect(n).toEqual({ kind: 'run-partial', title: 'Identity run finished with failures', body: '3 items could not be done; see the run.', route: '/runs?run=7' });
    expect(NotificationSchema.parse(n)).toEqual(n);
  });

  it('a manual failure is left to the window; a successful run says nothing', () => {
    expect(summarizeRuns([run({ state: 'failed', trigger: 'manual' }), run({ state: 'succeeded' }), run({ state: 'cancelled' })])).toEqual([]);
    expect(summarizeRuns([run({ state: 'failed', trigger: 'cli' })])).toHaveLength(1);
  });

  it('many failures in one batch become one notification listing the engines', () => {
    const failed = [1, 2, 3, 4, 5].map((id) => run({ id, state: 'failed', engine: id % 2 ? 'identity' : 'sheet-import' }));
    expect(summarizeRuns(failed, { engineTitle })).toEqual([{ kind: 'run-failed', title: '5 runs failed', body: 'Identity, Sheet import', route: '/runs' }]);
  });

  it('users who need reconnecting are named once each, across runs, with their provider', () => {
    const a = { userId: 'u1', email: 'ada@example.com', provider: 'google' as const };
    const b = { userId: 'u2', email: null, provider: 'dropbox' as const };
    const notes = summarizeRuns([
      run({ engine: 'storage-orphans', result: { needsReconnect: [a, b] } }),
      run({ engine: 'mail-import', result: { needsReconnect: [a, { junk: true }] } }),
    ]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ kind: 'needs-reconnect', title: '2 users need to reconnect', route: '/storage?status=needs-reconnect' });
    expect(notes[0]?.body).toMatch(/^ada@example\.com \(Google\), u2 \(Dropbox\): /);
  });

  it('a check lists refused users but flags nobody: no reconnect notice (the import that flags them tells)', () => {
    const a = { userId: 'u1', email: 'ada@example.com', provider: 'google' as const };
    expect(summarizeRuns([run({ engine: 'mail-import', params: { mode: 'check' }, result: { needsReconnect: [a] } })])).toEqual([]);
  });

  it('a tripped safety guard says how much it held back and opens the storage page', () => {
    const [n] = summarizeRuns([run({ engine: 'storage-orphans', result: { safetyGuard: { tripped: true, limit: 50, wouldDelete: 312 } } })], { engineTitle, engine });
    expect(n).toMatchObject({ kind: 'safety-guard', route: '/storage' });
    expect(n?.body).toContain('would have removed 312 rows (limit 50)');
    expect(summarizeRuns([run({ result: { safetyGuard: { tripped: false, limit: 50, wouldDelete: 3 } } })])).toEqual([]);
  });

  it('an automatic repair withheld because a quarantined row could not come back whole is told, not a silent success', () => {
    const problem = 'Deleting a files row also deletes rows of "file_shares" (ON DELETE CASCADE).';
    const withheld = run({ id: 41, engine: 'storage-orphans', trigger: 'schedule', result: { mode: 'check', orphans: 3, repaired: 0, repair: { chosen: 0, quarantined: 0, refused: [problem] } } });
    const [n] = summarizeRuns([withheld], { engineTitle, engine });
    expect(n).toMatchObject({ kind: 'safety-guard', route: '/storage' });
    expect(n?.body).toContain(problem);
    // Nothing to repair (no orphan found or carried): nothing was withheld.
    expect(summarizeRuns([{ ...withheld, result: { ...withheld.result, orphans: 0, carriedForward: 0 } }], { engineTitle, engine })).toEqual([]);
    expect(summarizeRuns([{ ...withheld, result: { ...withheld.result, orphans: 0, carriedForward: 2 } }], { engineTitle, engine })).toHaveLength(1);
  });

  it('only an import longer than a minute announces its end, even when started by hand', () => {
    const long = run({ id: 30, engine: 'mail-import', trigger: 'manual', startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:03:12.000Z' });
    expect(summarizeRuns([long], { engineTitle, engine })).toEqual([{ kind: 'import-finished', title: 'Mail import finished', body: 'Finished in 3 min 12 s.', route: '/runs?run=30' }]);
    // A check brings nothing in: however long it took, there is no "finished" to announce.
    const longCheck = run({ id: 31, engine: 'mail-import', trigger: 'manual', params: { mode: 'check' }, startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:03:12.000Z' });
    expect(summarizeRuns([longCheck], { engineTitle, engine })).toEqual([]);
    const sheet = { ...long, engine: 'sheet-import', finishedAt: '2026-11-23T10:02:00.000Z' };
    expect(summarizeRuns([sheet], { engine })[0]).toMatchObject({ route: '/sheets', body: 'Finished in 2 min.' });
    expect(summarizeRuns([{ ...long, finishedAt: '2026-11-23T10:00:59.000Z' }], { engine })).toEqual([]);
    expect(summarizeRuns([{ ...long, engine: 'identity' }], { engine })).toEqual([]);
  });
});

describe('notifier: an engine speaks for itself through its notify part', () => {
  /** A sixth engine known only by its descriptor: nothing in core/app/notifier.ts names it. */
  const toy: Engine = {
    ...(toyEngine as Engine),
    id: 'toy-sync',
    title: 'Toy sync',
    notify: {
      route: '/toys',
      announceLongRun: () => true,
      withheldRepair: (result) => (result.held === true ? 'the toys were asleep.' : undefined),
    },
  };
  const withToy = (id: string): NotifiedEngine | undefined => (id === toy.id ? toy : registry.get(id));

  it('its long run, its tripped guard and its withheld repair are announced with its title and open its page', () => {
    const long = run({ id: 60, engine: 'toy-sync', startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:05:00.000Z' });
    expect(summarizeRuns([long], { engine: withToy })).toEqual([{ kind: 'import-finished', title: 'Toy sync finished', body: 'Finished in 5 min.', route: '/toys' }]);
    const guarded = run({ id: 61, engine: 'toy-sync', result: { safetyGuard: { tripped: true, limit: 5, wouldDelete: 9 } } });
    expect(summarizeRuns([guarded], { engine: withToy })).toEqual([
      { kind: 'safety-guard', title: 'Safety guard stopped an automatic repair', body: 'Toy sync would have removed 9 rows (limit 5). The findings wait for you to review.', route: '/toys' },
    ]);
    const held = run({ id: 62, engine: 'toy-sync', result: { held: true } });
    expect(summarizeRuns([held], { engine: withToy })).toEqual([
      { kind: 'safety-guard', title: 'An automatic repair was not done', body: 'Toy sync left its findings for you: the toys were asleep.', route: '/toys' },
    ]);
    // A failure still opens the run, whatever the engine's page.
    expect(summarizeRuns([run({ id: 63, engine: 'toy-sync', state: 'failed' })], { engine: withToy })[0]).toMatchObject({ title: 'Toy sync run failed', route: '/runs?run=63' });
  });

  it('without its descriptor it is told by id, opens the run, and its long runs stay quiet', () => {
    const long = run({ id: 64, engine: 'toy-sync', startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:05:00.000Z' });
    expect(summarizeRuns([long], { engine })).toEqual([]);
    const guarded = { ...long, result: { safetyGuard: { tripped: true, limit: 5, wouldDelete: 9 } } };
    expect(summarizeRuns([guarded], { engine })).toEqual([expect.objectContaining({ body: expect.stringMatching(/^toy-sync would have/), route: '/runs?run=64' })]);
  });

  it('the notifier started with the lookup reads it too', () => {
    vi.useFakeTimers();
    try {
      const events = new EventHub();
      const got: AppNotification[] = [];
      events.subscribe((event, payload) => event === 'notification' && got.push(payload as AppNotification));
      const stop = startNotifier({ events, batchMs: 10, engine: withToy });
      events.emit('run.finished', run({ id: 65, engine: 'toy-sync', result: { held: true } }));
      vi.advanceTimersByTime(10);
      expect(got).toEqual([expect.objectContaining({ route: '/toys', body: 'Toy sync left its findings for you: the toys were asleep.' })]);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('notifier: events', () => {
  afterEach(() => vi.useRealTimers());

  it('collects run.finished for a moment, then emits the notification events once', () => {
    vi.useFakeTimers();
    const events = new EventHub();
    const got: AppNotification[] = [];
    events.subscribe((event, payload) => event === 'notification' && got.push(payload as AppNotification));
    const stop = startNotifier({ events, batchMs: 1000, engineTitle });
    events.emit('run.finished', run({ id: 1, state: 'failed' }));
    events.emit('run.finished', run({ id: 2, state: 'failed', engine: 'sheet-import', scope: 'source:1' }));
    expect(got).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(got).toEqual([expect.objectContaining({ kind: 'run-failed', title: '2 runs failed' })]);
    stop();
    events.emit('run.finished', run({ id: 3, state: 'failed', scope: 'user:u9' }));
    vi.advanceTimersByTime(5000);
    expect(got).toHaveLength(1);
  });

  it('a schedule that keeps failing is told once, and again only after it has succeeded in between', () => {
    vi.useFakeTimers();
    const events = new EventHub();
    const got: AppNotification[] = [];
    events.subscribe((event, payload) => event === 'notification' && got.push(payload as AppNotification));
    const stop = startNotifier({ events, batchMs: 10, engineTitle });
    const finish = (id: number, state: Run['state'], scope = 'all') => {
      events.emit('run.finished', run({ id, state, scope }));
      vi.advanceTimersByTime(10);
    };
    finish(1, 'failed');
    finish(2, 'failed');
    finish(3, 'failed', 'user:u1');
    finish(4, 'succeeded');
    finish(5, 'failed');
    expect(got.map((n) => n.route)).toEqual(['/runs?run=1', '/runs?run=3', '/runs?run=5']);
    stop();
  });

  it('does not announce the same user again after every run that skips them', () => {
    vi.useFakeTimers();
    const events = new EventHub();
    const got: AppNotification[] = [];
    events.subscribe((event, payload) => event === 'notification' && got.push(payload as AppNotification));
    const stop = startNotifier({ events, batchMs: 10 });
    const revoked = { needsReconnect: [{ userId: 'u1', email: 'ada@example.com', provider: 'google' }] };
    events.emit('run.finished', run({ engine: 'storage-orphans', result: revoked }));
    vi.advanceTimersByTime(10);
    events.emit('run.finished', run({ engine: 'storage-orphans', result: revoked }));
    vi.advanceTimersByTime(10);
    events.emit('run.finished', run({ engine: 'storage-orphans', result: { needsReconnect: [{ userId: 'u2', email: 'bo@example.com', provider: 'dropbox' }] } }));
    vi.advanceTimersByTime(10);
    expect(got.map((n) => n.body.split(':')[0])).toEqual(['ada@example.com (Google)', 'bo@example.com (Dropbox)']);
    stop();
  });
});
