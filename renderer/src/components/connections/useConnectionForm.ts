import type { Connection, ConnectionKind } from '@core/api';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApiMutation } from '../../hooks/useApi';
import { useAppInfo } from '../../hooks/useAppInfo';
import {
  configError,
  createInput,
  emptyValues,
  secretError,
  updateInput,
  validate,
  valuesOf,
  type ConnectionFormValues,
  type FormErrors,
} from './connection-form';
import { kindSpec } from './connection-kinds';
import { serverErrors } from './server-errors';
import { refreshConnections } from './useConnections';

/** True when an error sits on a field that lives behind "Advanced", so that section must open to show it. */
function touchesAdvanced(kind: ConnectionKind, errors: FormErrors): boolean {
  return kindSpec(kind).fields.some((field) => field.advanced && errors[configError(field.key)]);
}

/**
 * Draft, errors and saving of the add/edit form (a @mantine/form form whose
 * check is the contract's schema, see validate()). `connection` is set when
 * editing. Client checks run first; the host's refusals land on the same fields.
 */
export function useConnectionForm(connection: Connection | undefined) {
  const queryClient = useQueryClient();
  const secretsFromEnv = useAppInfo().data?.secretStore === 'env';
  const form = useForm<ConnectionFormValues>({
    initialValues: connection ? valuesOf(connection) : emptyValues('cloudinary'),
    validate: (values) => validate(values, connection, secretsFromEnv),
    // Any edit may answer a form-level refusal: it goes with the field's own error.
    onValuesChange: () => form.clearFieldError('form'),
  });
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [saved, setSaved] = useState<Connection | null>(null);
  /** Bumped only when a save is refused, so focus moves then and not while the admin types. */
  const [refusals, setRefusals] = useState(0);
  const { values } = form;

  const showErrors = (next: FormErrors) => {
    form.setErrors(next);
    setRefusals((count) => count + 1);
    if (touchesAdvanced(values.kind, next)) setAdvancedOpen(true);
  };
  const options = {
    onSuccess: (result: Connection) => {
      void refreshConnections(queryClient);
      // No toast: the modal's saved step says so, and offers the test.
      setSaved(result);
    },
    onError: (error: unknown) => showErrors(serverErrors(error, values)),
    // The form shows the error on the field it concerns; no second, global toast.
    meta: { errorToast: false },
  };
  const create = useApiMutation('connections.create', options);
  const update = useApiMutation('connections.update', options);

  return {
    /** The host reads secrets from its environment (SYNCWARDEN_SECRETS=env): nothing to type, a variable to name. */
    secretsFromEnv,
    values,
    // Every error this form sets is a string (validate() and serverErrors()).
    errors: form.errors as FormErrors,
    saved,
    refusals,
    advancedOpen,
    setAdvancedOpen,
    saving: create.isPending || update.isPending,
    setKind(kind: ConnectionKind) {
      // Another kind has other fields: start its config afresh, keep the name.
      form.setValues(emptyValues(kind, values.name));
      form.clearErrors();
    },
    setName: (name: string) => form.setFieldValue('name', name),
    setConfig: (key: string, value: string) => form.setFieldValue(`config.${key}`, value),
    setSecret: (field: string, value: string) => form.setFieldValue(`secrets.${field}`, value),
    setRemoving(field: string, removing: boolean) {
      // A secret marked for removal is not also set from what was typed.
      if (removing) form.setFieldValue(`secrets.${field}`, '');
      form.setFieldValue('removeSecrets', (current) => (removing ? [...current, field] : current.filter((f) => f !== field)));
      form.clearFieldError(secretError(field));
    },
    submit: form.onSubmit(
      (checked) => {
        if (connection) update.mutate(updateInput(connection.id, checked));
        else create.mutate(createInput(checked));
      },
      (errors) => showErrors(errors as FormErrors),
    ),
  };
}
