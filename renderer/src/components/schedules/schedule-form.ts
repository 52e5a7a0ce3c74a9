import type { Schedule, ScheduleScope, ScheduleSpecInput, ScheduleTrigger } from '@core/api';
import { ScheduleSpecSchema } from '@core/api/schedules';
import { contractErrors } from '../../lib/contract-errors';

/**
 * The add/edit schedule form as plain strings (what the inputs hold), and the
 * conversions to and from the contract's ScheduleSpec. Field errors use the
 * same keys as the inputs, so a refusal from the host lands on its field.
 */
export type ScopeKind = ScheduleScope['kind'];
export type TriggerKind = ScheduleTrigger['kind'];
export type ScheduleProvider = Extract<ScheduleScope, { kind: 'provider' }>['provider'];

export interface ScheduleFormValues {
  engine: string;
  scopeKind: ScopeKind;
  userId: string;
  provider: ScheduleProvider;
  sourceId: string;
  triggerKind: TriggerKind;
  minutes: string;
  expression: string;
  timeZone: string;
  enabled: boolean;
  autoRepair: boolean;
}

export type ScheduleFormErrors = Partial<Record<keyof ScheduleFormValues | 'form', string>>;

export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function emptyScheduleValues(engine: string): ScheduleFormValues {
  return {
    engine,
    scopeKind: 'all',
    userId: '',
    provider: 'google',
    sourceId: '',
    triggerKind: 'interval',
    minutes: '60',
    expression: '0 6 * * *',
    timeZone: localTimeZone(),
    enabled: true,
    autoRepair: false,
  };
}

export function scheduleValuesOf(schedule: Schedule): ScheduleFormValues {
  const { scope, trigger } = schedule;
  return {
    ...emptyScheduleValues(schedule.engine),
    scopeKind: scope.kind,
    userId: scope.kind === 'user' || scope.kind === 'provider' ? scope.userId : '',
    provider: scope.kind === 'provider' ? scope.provider : 'google',
    sourceId: scope.kind === 'source' ? String(scope.sourceId) : '',
    triggerKind: trigger.kind,
    minutes: trigger.kind === 'interval' ? String(trigger.minutes) : '60',
    expression: trigger.kind === 'cron' ? trigger.expression : '0 6 * * *',
    timeZone: schedule.timeZone,
    enabled: schedule.enabled,
    autoRepair: schedule.autoRepair,
  };
}

/** The trigger as typed, for live validation by the host (`schedules.describe`). */
export function draftTrigger(values: ScheduleFormValues): { kind: 'interval'; minutes: number } | { kind: 'cron'; expression: string } {
  return values.triggerKind === 'interval' ? { kind: 'interval', minutes: Number(values.minutes.trim() || Number.NaN) } : { kind: 'cron', expression: values.expression };
}

/**
 * The spec the form would send, judged by the contract's ScheduleSpecSchema (bounds, required ids,
 * the interval's limits). Before that, what only the form can say: text that is no number, no engine
 * chosen. A cron expression's meaning is judged by the host (`schedules.describe`), not here.
 */
export function validateSchedule(values: ScheduleFormValues): ScheduleFormErrors {
  const errors: ScheduleFormErrors = {};
  if (!values.engine) errors.engine = 'Choose the engine to run.';
  if ((values.scopeKind === 'user' || values.scopeKind === 'provider') && !values.userId.trim()) errors.userId = 'Pick the user: type part of an email or a name.';
  if (values.scopeKind === 'source' && !/^\d+$/.test(values.sourceId.trim())) errors.sourceId = 'Choose a sheet source.';
  if (values.triggerKind === 'interval' && !/^-?\d+$/.test(values.minutes.trim())) errors.minutes = 'Enter a whole number of minutes, at least 1.';
  if (values.triggerKind === 'cron' && !values.expression.trim()) errors.expression = 'Enter a cron expression, e.g. 0 6 * * * for 06:00 every day.';
  return { ...contractErrors(ScheduleSpecSchema, { ...toScheduleSpec(values) }, (path) => fieldOfIssue(path)), ...errors };
}

export function toScheduleSpec(values: ScheduleFormValues): ScheduleSpecInput {
  const scope: ScheduleScope =
    values.scopeKind === 'all'
      ? { kind: 'all' }
      : values.scopeKind === 'user'
        ? { kind: 'user', userId: values.userId.trim() }
        : values.scopeKind === 'provider'
          ? { kind: 'provider', userId: values.userId.trim(), provider: values.provider }
          : { kind: 'source', sourceId: Number(values.sourceId) };
  const trigger: ScheduleTrigger = values.triggerKind === 'interval' ? { kind: 'interval', minutes: Number(values.minutes) } : { kind: 'cron', expression: values.expression.trim() };
  return { engine: values.engine, scope, trigger, timeZone: values.timeZone.trim() || localTimeZone(), enabled: values.enabled, autoRepair: values.autoRepair };
}

/** Where a host's invalid-input issue path belongs in this form. */
export function fieldOfIssue(path: readonly (string | number)[]): keyof ScheduleFormValues | 'form' {
  const [head, sub] = path.map(String);
  if (head === 'spec') return fieldOfIssue(path.slice(1));
  if (head === 'engine' || head === 'timeZone' || head === 'enabled' || head === 'autoRepair') return head;
  if (head === 'trigger') return sub === 'minutes' ? 'minutes' : 'expression';
  if (head === 'scope') return sub === 'sourceId' ? 'sourceId' : sub === 'provider' ? 'provider' : 'userId';
  return 'form';
}
