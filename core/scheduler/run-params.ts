import type { AnyEngine } from '../engines/engine';
import type { EngineSchedulePolicy, ScheduleContext, ScheduledRun } from '../engines/engine-policies';

/** The engines a schedule may name, looked up by id (an EngineRegistry). */
export interface ScheduleEngines {
  get(id: string): AnyEngine | undefined;
}

/**
 * The policy of an engine that declares none (the demonstration engine, a
 * test's toy engine): its scheduled runs get the schedule's params and scope,
 * nothing else, and no `autoRepair` (its params would refuse an unknown key).
 * An engine that is not registered at all gets the same; starting its run
 * then fails with the run manager's own "no such engine".
 */
export const SCOPE_ONLY_SCHEDULE: EngineSchedulePolicy = { autoRepair: false };

export function schedulePolicyOf(engines: ScheduleEngines, id: string): EngineSchedulePolicy {
  return engines.get(id)?.schedule ?? SCOPE_ONLY_SCHEDULE;
}

/**
 * The params of a scheduled run: the schedule's own params, its scope in the
 * engines' convention (`user`, `provider`, `sourceId`), what the engine's
 * schedule policy adds (the mode of a background run, a snapshot of its
 * source), and `autoRepair` where the engine understands it (the engine
 * keeps every automatic repair inside its safety guard).
 */
export async function runParamsFor(schedule: ScheduledRun, engines: ScheduleEngines, context: ScheduleContext): Promise<Record<string, unknown>> {
  const policy = schedulePolicyOf(engines, schedule.engine);
  const base: Record<string, unknown> = { ...schedule.params };
  const scope = schedule.scope;
  if (scope.kind === 'user' || scope.kind === 'provider') base.user = scope.userId;
  if (scope.kind === 'provider') base.provider = scope.provider;
  if (scope.kind === 'source') base.sourceId = scope.sourceId;
  const params = policy.paramsFor ? await policy.paramsFor(base, schedule, context) : base;
  if (policy.autoRepair) params.autoRepair = schedule.autoRepair;
  return params;
}
