import type { Schedule } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ClientError, errorMessage } from '../../client/client-error';
import { apiKey, useApiMutation } from '../../hooks/useApi';
import {
  draftTrigger,
  emptyScheduleValues,
  fieldOfIssue,
  scheduleValuesOf,
  toScheduleSpec,
  validateSchedule,
  type ScheduleFormErrors,
  type ScheduleFormValues,
} from './schedule-form';
import { useTriggerDescription } from './useTriggerDescription';

/** The host's refusal, put on the fields its issues name. */
function serverErrors(error: unknown): ScheduleFormErrors {
  if (!(error instanceof ClientError)) return { form: errorMessage(error) };
  const errors: ScheduleFormErrors = {};
  const issues = (error.details as { issues?: { path?: (string | number)[]; message?: string }[] } | null | undefined)?.issues ?? [];
  for (const issue of issues) {
    if (Array.isArray(issue.path) && typeof issue.message === 'string') errors[fieldOfIssue(issue.path)] ??= issue.message;
  }
  if (Object.keys(errors).length === 0) errors.form = error.message;
  return errors;
}

/** Draft, live trigger validation and saving of the add/edit schedule form. */
export function useScheduleForm(schedule: Schedule | undefined, defaultEngine: string, onSaved: () => void) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<ScheduleFormValues>(() => (schedule ? scheduleValuesOf(schedule) : emptyScheduleValues(defaultEngine)));
  const [errors, setErrors] = useState<ScheduleFormErrors>({});
  const trigger = useTriggerDescription(draftTrigger(values), values.timeZone.trim());

  const options = {
    onSuccess: (saved: Schedule) => {
      void queryClient.invalidateQueries({ queryKey: apiKey('schedules.list') });
      notifications.show({ color: 'teal', title: schedule ? 'Schedule saved' : 'Schedule added', message: `Runs ${saved.triggerText}.`, autoClose: 4000 });
      onSaved();
    },
    onError: (error: unknown) => setErrors(serverErrors(error)),
    meta: { errorToast: false },
  };
  const create = useApiMutation('schedules.create', options);
  const update = useApiMutation('schedules.update', options);
  const triggerField = values.triggerKind === 'interval' ? 'minutes' : 'expression';
  // The host's verdict on the trigger is shown under its field as the admin types.
  const triggerError = errors[triggerField] ?? (trigger.description && !trigger.description.valid ? (trigger.description.error ?? 'This trigger is not valid.') : undefined);

  return {
    values,
    errors: { ...errors, [triggerField]: triggerError },
    trigger,
    saving: create.isPending || update.isPending,
    set<K extends keyof ScheduleFormValues>(field: K, value: ScheduleFormValues[K]) {
      setValues((current) => ({ ...current, [field]: value }));
      setErrors((current) => {
        if (!(field in current) && !current.form) return current;
        const next = { ...current };
        delete next[field];
        delete next.form;
        return next;
      });
    },
    submit(event: FormEvent) {
      event.preventDefault();
      const found = validateSchedule(values);
      if (trigger.description && !trigger.description.valid && !trigger.pending) found[triggerField] ??= trigger.description.error ?? 'This trigger is not valid.';
      if (Object.keys(found).length) return setErrors(found);
      setErrors({});
      const spec = toScheduleSpec(values);
      if (schedule) update.mutate({ id: schedule.id, spec });
      else create.mutate(spec);
    },
  };
}
