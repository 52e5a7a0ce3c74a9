import type { DerivedSchedule } from '../store/schedules.repo';

/** Everything of the derived schedules that the store keeps, as one string: equal strings, nothing to write. */
export function derivedSignature(derived: readonly DerivedSchedule[]): string {
  return derived
    .map((d) => {
      const when = d.trigger.kind === 'interval' ? d.trigger.minutes : d.trigger.expression;
      const scope = d.scope.kind === 'user' ? d.scope.userId : JSON.stringify(d.scope);
      const params = Object.keys(d.params).length ? JSON.stringify(d.params) : '';
      return `${d.sourceKey}\u0001${d.engine}\u0001${scope}\u0001${when}\u0001${d.timeZone}\u0001${d.enabled ? 1 : 0}${d.autoRepair ? 1 : 0}\u0001${params}`;
    })
    .join('\n');
}
