import type { StorageAccountRow, StorageSummary } from '../api/storage';
import { sortAccounts } from '../engines/storage-orphans/account-sort';
import { listAccounts } from '../engines/storage-orphans/account-state';
import { readGuardBlocked } from '../engines/storage-orphans/storage-guard';
import { ENGINE_ID } from '../engines/storage-orphans/storage-model';
import { DEFAULT_RETENTION_DAYS } from '../engines/storage-orphans/storage-model';
import { FileQuarantine } from '../engines/storage-orphans/storage-quarantine';
import { openProductDb, restoreFinding } from '../engines/storage-orphans/storage-restore';
import type { HandlerTable } from './handlers';
import type { AppServices } from './services';

type StorageMethods = 'storage.accounts' | 'storage.summary' | 'storage.restore' | 'storage.checkIfStale' | 'storage.restorability';

/**
 * The Storage page's methods. Reads come from the console store (the
 * engine's per-account table and its findings), so showing the page never
 * opens the product database or calls Drive or Dropbox. Checks and repairs
 * are runs (`runs.start` with engine `storage-orphans`).
 */
export function createStorageHandlers(app: AppServices): Pick<HandlerTable, StorageMethods> {
  const now = () => app.clock.now().toISOString();
  return {
    'storage.accounts': ({ search, status, sort, direction, limit, offset }) => {
      const needle = search?.toLowerCase();
      const rows = sortAccounts(
        listAccounts(app.store.db).filter((r) => (!status || r.status === status) && (!needle || matches(r, needle))),
        sort,
        direction,
      );
      return { items: rows.slice(offset, offset + limit), total: rows.length, limit, offset };
    },
    'storage.summary': (): StorageSummary => {
      const rows = listAccounts(app.store.db);
      const sum = (pick: (r: StorageAccountRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
      const lastCheckAt = rows.reduce<string | null>((latest, r) => (r.lastCheckAt && (!latest || r.lastCheckAt > latest) ? r.lastCheckAt : latest), null);
      return {
        accounts: rows.length,
        files: sum((r) => r.files),
        openOrphans: sum((r) => r.openOrphans),
        openTrashed: sum((r) => r.openTrashed),
        quarantined: sum((r) => r.quarantined),
        needsReconnect: rows.filter((r) => r.status === 'needs-reconnect').length,
        lastCheckAt,
        guardBlocked: readGuardBlocked(app.store.engineState),
      };
    },
    'storage.restore': ({ findingId }, { actor }) => restoreFinding({ store: app.store, connections: app.connections, now, actor, log: app.log }, findingId),
    'storage.restorability': async () => {
      const product = await openProductDb(app);
      try {
        const problems = await new FileQuarantine(product.db, product.mapping).schema.restoreProblems();
        return { restorable: problems.length === 0, problems, retentionDays: DEFAULT_RETENTION_DAYS };
      } finally {
        await product.db.close();
      }
    },
    'storage.checkIfStale': ({ userId, maxAgeMinutes }, { actor }) => {
      const mine = listAccounts(app.store.db).filter((r) => r.userId === userId);
      const lastCheckAt = mine.reduce<string | null>((oldest, r) => (oldest === null || (r.lastCheckAt ?? '') < oldest ? (r.lastCheckAt ?? '') : oldest), null) || null;
      const running = app.store.runs.list({ engine: ENGINE_ID, states: ['queued', 'running'], limit: 50, offset: 0 }).items.find((r) => r.scope === `user:${userId}`);
      if (running) return { started: false, runId: running.id, lastCheckAt };
      const fresh = lastCheckAt !== null && app.clock.now().getTime() - Date.parse(lastCheckAt) < maxAgeMinutes * 60_000;
      if (fresh) return { started: false, runId: null, lastCheckAt };
      // A user the roster does not know yet has nothing to check quietly: a failing run on page open would only alarm.
      if (mine.length === 0) return { started: false, runId: null, lastCheckAt };
      const { runId, alreadyRunning } = app.runs.start(ENGINE_ID, { mode: 'check', user: userId, quiet: true }, actor);
      return { started: !alreadyRunning, runId, lastCheckAt };
    },
  };
}

function matches(row: StorageAccountRow, needle: string): boolean {
  return [row.userEmail, row.userName, row.userId].some((v) => v?.toLowerCase().includes(needle));
}
