import type { StorageAccountRow, StorageSummary } from '../../api/storage';
import type { EngineHost } from '../engine';
import type { HandlerTable } from '../engine-policies';
import { sortAccounts } from './account-sort';
import { listAccounts } from './account-state';
import { readGuardBlocked } from './storage-guard';
import { DEFAULT_RETENTION_DAYS, ENGINE_ID } from './storage-model';
import { FileQuarantine } from './storage-quarantine';
import { restoreFinding } from './storage-restore';

type StorageMethods = 'storage.accounts' | 'storage.summary' | 'storage.restore' | 'storage.checkIfStale' | 'storage.restorability';

/**
 * The Storage page's methods. Reads come from the console store (the
 * engine's per-account table and its findings), so showing the page never
 * opens the product database or calls Drive or Dropbox. Checks and repairs
 * are runs (`runs.start` with engine `storage-orphans`).
 */
export function createStorageHandlers(host: EngineHost): Pick<HandlerTable, StorageMethods> {
  const now = () => host.clock.now().toISOString();
  return {
    'storage.accounts': async ({ search, status, autoSync, sort, direction, limit, offset }) => {
      const needle = search?.toLowerCase();
      const rows = sortAccounts(
        (await listAccounts(host.store.db)).filter((r) => (!status || r.status === status) && (autoSync === undefined || r.autoSync === autoSync) && (!needle || matches(r, needle))),
        sort,
        direction,
      );
      return { items: rows.slice(offset, offset + limit), total: rows.length, limit, offset };
    },
    'storage.summary': async (): Promise<StorageSummary> => {
      const rows = await listAccounts(host.store.db);
      const sum = (pick: (r: StorageAccountRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
      const lastCheckAt = rows.reduce<string | null>((latest, r) => (r.lastCheckAt && (!latest || r.lastCheckAt > latest) ? r.lastCheckAt : latest), null);
      return {
        accounts: rows.length,
        files: sum((r) => r.files),
        openOrphans: sum((r) => r.openOrphans),
        openTrashed: sum((r) => r.openTrashed),
        quarantined: sum((r) => r.quarantined),
        needsReconnect: rows.filter((r) => r.status === 'needs-reconnect').length,
        autoSyncOff: rows.filter((r) => !r.autoSync).length,
        lastCheckAt,
        guardBlocked: await readGuardBlocked(host.store.engineState),
      };
    },
    'storage.restore': ({ findingId }, { actor }) => restoreFinding({ store: host.store, connections: host.connections, now, actor, log: host.log }, findingId),
    'storage.restorability': () =>
      host.connections.withAppDb(async ({ db, mapping }) => {
        const problems = await new FileQuarantine(db, mapping).schema.restoreProblems();
        return { restorable: problems.length === 0, problems, retentionDays: DEFAULT_RETENTION_DAYS };
      }),
    'storage.checkIfStale': async ({ userId, maxAgeMinutes }, { actor }) => {
      const mine = (await listAccounts(host.store.db)).filter((r) => r.userId === userId);
      const lastCheckAt = mine.reduce<string | null>((oldest, r) => (oldest === null || (r.lastCheckAt ?? '') < oldest ? (r.lastCheckAt ?? '') : oldest), null) || null;
      const running = (await host.store.runs.list({ engine: ENGINE_ID, states: ['queued', 'running'], limit: 50, offset: 0 })).items.find((r) => r.scope === `user:${userId}`);
      if (running) return { started: false, runId: running.id, lastCheckAt };
      const fresh = lastCheckAt !== null && host.clock.now().getTime() - Date.parse(lastCheckAt) < maxAgeMinutes * 60_000;
      if (fresh) return { started: false, runId: null, lastCheckAt };
      // A user the roster does not know yet has nothing to check quietly: a failing run on page open would only alarm.
      if (mine.length === 0) return { started: false, runId: null, lastCheckAt };
      const { runId, alreadyRunning } = await host.runs.start(ENGINE_ID, { mode: 'check', user: userId, quiet: true }, actor);
      return { started: !alreadyRunning, runId, lastCheckAt };
    },
  };
}

function matches(row: StorageAccountRow, needle: string): boolean {
  return [row.userEmail, row.userName, row.userId].some((v) => v?.toLowerCase().includes(needle));
}
