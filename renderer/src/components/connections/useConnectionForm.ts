import type { Connection, ConnectionKind } from '@core/api';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
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
 * Draft, errors and saving of the add/edit form. `connection` is set when
 * editing. Client checks run first; the host's refusals land on the same fields.
 */
export function useConnectionForm(connection: Connection | undefined) {
  const queryClient = useQueryClient();
  const secretsFromEnv = useAppInfo().data?.secretStore === 'env';
  const [values, setValues] = useState<ConnectionFormValues>(() => (connection ? valuesOf(connection) : emptyValues('cloudinary')));
  const [errors, setErrors] = useState<FormErrors>({});
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [saved, setSaved] = useState<Connection | null>(null);
  /** Bumped only when a save is refused, so focus moves then and not while the admin types. */
  const [refusals, setRefusals] = useState(0);

  const showErrors = (next: FormErrors) => {
    setErrors(next);
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

  const clear = (key: string) =>
    setErrors((current) => {
      if (!(key in current) && !current.form) return current;
      const { [key]: _gone, form: _form, ...rest } = current;
      return rest;
    });

  return {
    /** The host reads secrets from its environment (SYNCWARDEN_SECRETS=env): nothing to type, a variable to name. */
    secretsFromEnv,
    values,
    errors,
    saved,
    refusals,
    advancedOpen,
    setAdvancedOpen,
    saving: create.isPending || update.isPending,
    setKind(kind: ConnectionKind) {
      // Another kind has other fields: start its config afresh, keep the name.
      setValues((current) => emptyValues(kind, current.name));
      setErrors({});
    },
    setName(name: string) {
      setValues((current) => ({ ...current, name }));
      clear('name');
    },
    setConfig(key: string, value: string) {
      setValues((current) => ({ ...current, config: { ...current.config, [key]: value } }));
      clear(configError(key));
    },
    setSecret(field: string, value: string) {
      setValues((current) => ({ ...current, secrets: { ...current.secrets, [field]: value } }));
      clear(secretError(field));
    },
    setRemoving(field: string, removing: boolean) {
      setValues((current) => ({
        ...current,
        // A secret marked for removal is not also set from what was typed.
        secrets: removing ? { ...current.secrets, [field]: '' } : current.secrets,
        removeSecrets: removing ? [...current.removeSecrets, field] : current.removeSecrets.filter((f) => f !== field),
      }));
      clear(secretError(field));
    },
    submit(event: FormEvent) {
      event.preventDefault();
      const found = validate(values, connection, secretsFromEnv);
      if (Object.keys(found).length) return showErrors(found);
      setErrors({});
      if (connection) update.mutate(updateInput(connection.id, values));
      else create.mutate(createInput(values));
    },
  };
}
