import type { SheetSourceSpec } from '../api/sheets';
import type { StoredSchedule } from '../store/schedules.repo';

/** Engines whose params take `autoRepair` (the convention of issue 7); others would refuse the key. */
const AUTO_REPAIR_ENGINES = new Set(['storage-orphans', 'mail-import']);

/**
 * The params of a scheduled run: the schedule's own params, its scope in the
 * engines' convention (`user`, `provider`, `sourceId`), the engine's mode for
 * a background run, and `autoRepair` where the engine understands it (the
 * engine keeps every automatic repair inside the safety guard).
 */
export function runParamsFor(schedule: Pick<StoredSchedule, 'engine' | 'scope' | 'params' | 'autoRepair'>, sheetSource: (id: number) => SheetSourceSpec | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = { ...schedule.params };
  const scope = schedule.scope;
  if (scope.kind === 'user' || scope.kind === 'provider') params.user = scope.userId;
  if (scope.kind === 'provider') params.provider = scope.provider;
  if (scope.kind === 'source') {
    params.sourceId = scope.sourceId;
    if (schedule.engine === 'sheet-import') {
      // An import snapshots its source as it is at firing time, like the Sheets page's Import button.
      const source = sheetSource(scope.sourceId);
      if (!source) throw new Error(`Sheet source ${scope.sourceId} no longer exists: edit or delete this schedule.`);
      params.source = source;
    }
  }
  if (schedule.engine === 'mail-import') params.mode = 'import';
  if (schedule.engine === 'storage-orphans') params.mode ??= 'check';
  if (AUTO_REPAIR_ENGINES.has(schedule.engine)) params.autoRepair = schedule.autoRepair;
  return params;
}
