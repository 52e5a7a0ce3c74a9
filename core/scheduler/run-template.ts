import type { ScheduleContext } from '../engines/engine-policies';
import { runParamsFor, type ScheduleEngines } from './run-params';
import type { RunTemplateOf } from './schedule-fill';

/**
 * The run a schedule's firing starts, computed once per edit for team mode's
 * SQL tick: the params as the desktop scheduler passes them (runParamsFor),
 * validated by the engine, and the engine's scope key (its single-flight
 * key). A schedule the engine refuses gets no template and never fires from
 * SQL; the desktop scheduler would fail its firings with the same message.
 */
export function runTemplateOf(engines: ScheduleEngines, context: ScheduleContext): RunTemplateOf {
  return async (schedule) => {
    const engine = engines.get(schedule.engine);
    if (!engine) return new Error(`no engine "${schedule.engine}" in this console`);
    try {
      const params = await runParamsFor(schedule, engines, context);
      const parsed = engine.params.safeParse(params);
      if (!parsed.success) return new Error(`invalid parameters for ${engine.title}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return { scope: engine.scopeOf(parsed.data), params };
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
}
