import type { Schedule } from '@core/api';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { ClientError, errorMessage } from '../../client/client-error';
import { apiKey, useApiMutation } from '../../hooks/useApi';
import { issuesOf, sentence } from '../../lib/contract-errors';
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
  for (const issue of issuesOf(error.details)) errors[fieldOfIssue(issue.path)] ??= sentence(issue.message);
  if (Object.keys(errors).length === 0) errors.form = error.message;
  return errors;
}

/** Draft (a @mantine/form form checked by the contract's schema), live trigger validation and saving of the add/edit schedule form. */
export function useScheduleForm(schedule: Schedule | undefined, defaultEngine: string, onSaved: () => void) {
  const queryClient = useQueryClient();
  const form = useForm<ScheduleFormValues>({
    initialValues: schedule ? scheduleValuesOf(schedule) : emptyScheduleValues(defaultEngine),
    validate: validateSchedule,
    // Any edit may answer a form-level refusal: it goes with the field's own error.
    onValuesChange: () => form.clearFieldError('form'),
  });
  const { values } = form;
  const errors = form.errors as ScheduleFormErrors;
  const trigger = useTriggerDescription(draftTrigger(values), values.timeZone.trim());

  const options = {
    onSuccess: (saved: Schedule) => {
      void queryClient.invalidateQueries({ queryKey: apiKey('schedules.list') });
      notifications.show({ color: 'teal', title: schedule ? 'Schedule saved' : 'Schedule added', message: `Runs ${saved.triggerText}.`, autoClose: 4000 });
      onSaved();
    },
    onError: (error: unknown) => form.setErrors(serverErrors(error)),
    meta: { errorToast: false },
  };
  const create = useApiMutation('schedules.create', options);
  const update = useApiMutation('schedules.update', options);
  const triggerField = values.triggerKind === 'interval' ? 'minutes' : 'expression';
  const triggerVerdict = trigger.description && !trigger.description.valid ? (trigger.description.error ?? 'This trigger is not valid.') : undefined;

  return {
    values,
    // The host's verdict on the trigger is shown under its field as the admin types.
    errors: { ...errors, [triggerField]: errors[triggerField] ?? triggerVerdict },
    trigger,
    saving: create.isPending || update.isPending,
    /** Sets one field and clears its error (and the form-level one). */
    set: form.setFieldValue,
    submit: form.onSubmit((checked) => {
      // The host said the trigger cannot fire (a cron field out of range): not sent.
      if (triggerVerdict && !trigger.pending) return form.setFieldError(triggerField, triggerVerdict);
      const spec = toScheduleSpec(checked);
      if (schedule) update.mutate({ id: schedule.id, spec });
      else create.mutate(spec);
    }),
  };
}
