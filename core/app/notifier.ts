import type { Run } from '../api/models';
import type { AppNotification } from '../api/notifications';
import type { EngineNotifyPolicy } from '../engines/engine-policies';
import type { EventHub } from '../base/event-hub';

/**
 * Turns finished runs into the few notifications an admin should see while the
 * window is closed: a failed or partial run, users who must reconnect, a tripped safety
 * guard and a long import that finished. Core decides what is worth saying; the
 * desktop only shows it (electron/main/notifications.ts). What is particular to
 * an engine (its page, whether its long runs are announced, a repair it
 * withheld) is its descriptor's `notify` part, read through `engine(id)`.
 */

/** Imports shorter than this finished while the admin was still looking. */
export const LONG_IMPORT_MS = 60_000;
/** How many names a merged notification lists before "and N more". */
const LISTED = 3;

interface ReconnectEntry {
  userId: string;
  email: string | null;
  provider: 'google' | 'dropbox';
}

interface SafetyGuard {
  tripped: true;
  limit: number;
  wouldDelete: number;
  userId?: string;
}

/** What the notifier reads of an engine's descriptor (a registry lookup gives it). */
export interface NotifiedEngine {
  title?: string;
  notify?: EngineNotifyPolicy;
}

export interface SummarizeOptions {
  /** The engine's descriptor (`registry.get`): its title and `notify` part. Unknown engines get the defaults. */
  engine?: (engineId: string) => NotifiedEngine | undefined;
  /** A title that overrides the descriptor's. */
  engineTitle?: (engineId: string) => string | undefined;
  longImportMs?: number;
  /** Failed runs whose failure was already told (the same schedule failing again): no new notification. */
  repeatedFailures?: ReadonlySet<number>;
}

/**
 * The notifications for a batch of finished runs. Pure: same runs, same text.
 * A batch of many failures or many reconnects becomes one notification each,
 * because a schedule tick over 1,000 users must not raise 1,000 of them.
 */
export function summarizeRuns(runs: readonly Run[], options: SummarizeOptions = {}): AppNotification[] {
  const title = (engine: string) => options.engineTitle?.(engine) ?? options.engine?.(engine)?.title ?? engine;
  const notify = (engine: string): EngineNotifyPolicy => options.engine?.(engine)?.notify ?? {};
  // A notification about an engine's work opens its page when it has one, else the run.
  const page = (run: Run) => notify(run.engine).route ?? `/runs?run=${run.id}`;
  const out: AppNotification[] = [];

  // A person who pressed the button sees a manual run fail in the window; automatic ones need telling.
  const failed = runs.filter((run) => run.state === 'failed' && run.trigger !== 'manual' && !options.repeatedFailures?.has(run.id));
  if (failed.length === 1) {
    const run = failed[0] as Run;
    out.push({ kind: 'run-failed', title: `${title(run.engine)} run failed`, body: run.error?.message ?? 'The run stopped with an error.', route: `/runs?run=${run.id}` });
  } else if (failed.length > 1) {
    out.push({ kind: 'run-failed', title: `${failed.length} runs failed`, body: listed(unique(failed.map((run) => title(run.engine)))), route: '/runs' });
  }

  // Some items failed: told for every trigger, because a partial run looks finished in the window too.
  const partial = runs.filter((run) => run.state === 'partial');
  if (partial.length === 1) {
    const run = partial[0] as Run;
    const failedItems = typeof run.result?.itemsFailed === 'number' ? run.result.itemsFailed : null;
    out.push({
      kind: 'run-partial',
      title: `${title(run.engine)} run finished with failures`,
      body: failedItems === null ? 'Some items could not be done; see the run.' : `${failedItems} item${failedItems === 1 ? '' : 's'} could not be done; see the run.`,
      route: `/runs?run=${run.id}`,
    });
  } else if (partial.length > 1) {
    out.push({ kind: 'run-partial', title: `${partial.length} runs finished with failures`, body: listed(unique(partial.map((run) => title(run.engine)))), route: '/runs' });
  }

  const reconnect = uniqueBy(runs.flatMap(reconnectEntries), (entry) => `${entry.userId}:${entry.provider}`);
  if (reconnect.length > 0) {
    const names = reconnect.map((entry) => `${entry.email ?? entry.userId} (${providerLabel(entry.provider)})`);
    out.push({
      kind: 'needs-reconnect',
      title: reconnect.length === 1 ? 'A user needs to reconnect' : `${reconnect.length} users need to reconnect`,
      body: `${listed(names)}: their access was revoked or expired, so their syncs are skipped until they sign in again.`,
      route: '/storage?status=needs-reconnect',
    });
  }

  for (const run of runs) {
    const guard = safetyGuardOf(run);
    if (!guard) continue;
    out.push({
      kind: 'safety-guard',
      title: 'Safety guard stopped an automatic repair',
      body: `${title(run.engine)} would have removed ${guard.wouldDelete} rows (limit ${guard.limit}). The findings wait for you to review.`,
      route: page(run),
    });
  }

  for (const run of runs) {
    const problem = run.result ? notify(run.engine).withheldRepair?.(run.result) : undefined;
    if (problem === undefined) continue;
    // Like a tripped guard: the run succeeded (its check did), but the repair its schedule asked for did not happen.
    out.push({
      kind: 'safety-guard',
      title: 'An automatic repair was not done',
      body: `${title(run.engine)} left its findings for you: ${problem}`,
      route: page(run),
    });
  }

  const longMs = options.longImportMs ?? LONG_IMPORT_MS;
  for (const run of runs) {
    const ms = durationMs(run);
    if (run.state !== 'succeeded' || notify(run.engine).announceLongRun?.(run.params) !== true || ms === null || ms < longMs) continue;
    out.push({
      kind: 'import-finished',
      title: `${title(run.engine)} finished`,
      body: `Finished in ${formatMinutes(ms)}.`,
      route: page(run),
    });
  }
  return out;
}

export interface NotifierOptions extends SummarizeOptions {
  events: EventHub;
  /** Finished runs are collected this long, then summarized together. */
  batchMs?: number;
}

/** Listens to `run.finished` and emits `notification` events; returns a stop function. */
export function startNotifier(options: NotifierOptions): () => void {
  const { events } = options;
  const batchMs = options.batchMs ?? 2_000;
  let pending: Run[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Each user needing a reconnect is announced once per session, not after every run that skips them.
  const announced = new Set<string>();
  // An (engine, scope) that keeps failing (an hourly check while a service is down) is told once, until it succeeds again.
  const failing = new Set<string>();

  const flush = () => {
    timer = undefined;
    const batch = pending.map((run) => withoutAnnounced(run, announced));
    pending = [];
    const repeatedFailures = new Set<number>();
    for (const run of batch) {
      const key = `${run.engine}|${run.scope}`;
      if (run.state === 'succeeded') failing.delete(key);
      else if (run.state === 'failed' && run.trigger !== 'manual') {
        if (failing.has(key)) repeatedFailures.add(run.id);
        failing.add(key);
      }
    }
    for (const notification of summarizeRuns(batch, { ...options, repeatedFailures })) events.emit('notification', notification);
  };
  const off = events.subscribe((event, payload) => {
    if (event !== 'run.finished') return;
    pending.push(payload as Run);
    timer ??= setTimeout(flush, batchMs);
  });
  return () => {
    off();
    clearTimeout(timer);
    timer = undefined;
    pending = [];
  };
}

function withoutAnnounced(run: Run, announced: Set<string>): Run {
  const entries = reconnectEntries(run);
  if (entries.length === 0) return run;
  const fresh = entries.filter((entry) => !announced.has(`${entry.userId}:${entry.provider}`));
  for (const entry of fresh) announced.add(`${entry.userId}:${entry.provider}`);
  return { ...run, result: { ...run.result, needsReconnect: fresh } };
}

/** Results are engine-defined JSON: read the agreed fields defensively. */
function reconnectEntries(run: Run): ReconnectEntry[] {
  // A check flags nobody (its users are still listed so the admin sees them in the run): "their syncs are
  // skipped" would be untrue, and announcing them now would spend the one announcement the import that
  // really flags them should make.
  if (run.params.mode === 'check') return [];
  const raw = run.result?.needsReconnect;
  if (!Array.isArray(raw)) return [];
  return raw.filter((entry): entry is ReconnectEntry => {
    const e = entry as Partial<ReconnectEntry> | null;
    return typeof e?.userId === 'string' && (e.provider === 'google' || e.provider === 'dropbox');
  });
}

function safetyGuardOf(run: Run): SafetyGuard | undefined {
  const guard = run.result?.safetyGuard as Partial<SafetyGuard> | undefined;
  if (guard?.tripped !== true || typeof guard.limit !== 'number' || typeof guard.wouldDelete !== 'number') return undefined;
  return guard as SafetyGuard;
}

function durationMs(run: Run): number | null {
  if (!run.startedAt || !run.finishedAt) return null;
  return Date.parse(run.finishedAt) - Date.parse(run.startedAt);
}

function formatMinutes(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

const providerLabel = (provider: ReconnectEntry['provider']) => (provider === 'google' ? 'Google' : 'Dropbox');

function listed(names: readonly string[]): string {
  if (names.length <= LISTED) return names.join(', ');
  return `${names.slice(0, LISTED).join(', ')} and ${names.length - LISTED} more`;
}

const unique = (values: readonly string[]) => [...new Set(values)];

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
