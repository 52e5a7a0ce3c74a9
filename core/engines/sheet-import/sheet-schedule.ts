import { SheetSourcesRepository } from '../../store/sheet-sources.repo';
import type { EngineSchedulePolicy, ScheduleContext, ScheduledRun, ScheduleIssue } from '../engine-policies';

/**
 * A sheet-import schedule imports one source of the Sheets page (scope
 * `source`). A firing snapshots the source as it is at that moment, like the
 * page's Import button, so an edited source is imported as edited and a
 * deleted one fails the firing with what to do.
 */
export const sheetSchedule: EngineSchedulePolicy = {
  autoRepair: false,
  async paramsFor(base, schedule, context) {
    if (schedule.scope.kind !== 'source') return base;
    const source = await sources(context).get(schedule.scope.sourceId);
    if (!source) throw new Error(`Sheet source ${schedule.scope.sourceId} no longer exists: edit or delete this schedule.`);
    return { ...base, source: source.spec };
  },
  validate,
};

async function validate(schedule: ScheduledRun, context: ScheduleContext): Promise<ScheduleIssue | null> {
  if (schedule.scope.kind !== 'source') return { path: ['scope'], message: 'a sheet-import schedule imports one source: choose it' };
  if (!await sources(context).get(schedule.scope.sourceId)) return { path: ['scope', 'sourceId'], message: `there is no sheet source ${schedule.scope.sourceId}` };
  return null;
}

const sources = (context: ScheduleContext) => new SheetSourcesRepository(context.store.db);
