import type { SheetSource } from '@core/api';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiKey, useApiMutation } from '../../hooks/useApi';
import { emptyColumn, emptyValues, suggestTable, toSpec, validate, valuesOf, type ColumnRow, type FormErrors, type SourceFormValues } from './source-form';
import { sourceServerErrors } from './source-server-errors';

type Field = Exclude<keyof SourceFormValues, 'columns'>;
/** Errors are keyed by the spec's paths; the timeout inputs hold seconds under other names. */
const TIMEOUT_FIELDS: Partial<Record<Field, string>> = { connectSeconds: 'timeouts.connectMs', idleSeconds: 'timeouts.idleMs', totalSeconds: 'timeouts.totalMs' };

/**
 * Draft, errors and saving of the add/edit source form (a @mantine/form form
 * checked by the contract's SheetSourceSpecSchema, see validate()). `source`
 * is set when editing; `googleConnections` are the names the connection
 * select offers (the only one is preselected). Client checks run first; the
 * host's refusals land on the same fields.
 */
export function useSourceForm(source: SheetSource | undefined, googleConnections: readonly string[], onSaved: () => void) {
  const queryClient = useQueryClient();
  const form = useForm<SourceFormValues>({
    initialValues: source ? valuesOf(source) : emptyValues(googleConnections.length === 1 ? (googleConnections[0] ?? '') : ''),
    validate: (values) => validate(values, googleConnections.length > 0),
    // Errors are cleared below by the spec paths they are keyed by.
    clearInputErrorOnChange: false,
  });
  /** Bumped only when a save is refused, so focus moves then and not while the admin types. */
  const [refusals, setRefusals] = useState(0);
  /** Until the admin types a table name, it follows the source name. */
  const [tableTouched, setTableTouched] = useState(Boolean(source));

  const showErrors = (next: FormErrors) => {
    form.setErrors(next);
    setRefusals((count) => count + 1);
  };
  const options = {
    onSuccess: (saved: SheetSource) => {
      void queryClient.invalidateQueries({ queryKey: apiKey('sheets.sources.list') });
      notifications.show({ color: 'teal', title: source ? 'Source saved' : 'Source added', message: `“${saved.spec.name}” takes effect at its next import.`, autoClose: 4000 });
      onSaved();
    },
    onError: (error: unknown) => showErrors(sourceServerErrors(error)),
    // The form shows the error on the field it concerns; no second, global toast.
    meta: { errorToast: false },
  };
  const create = useApiMutation('sheets.sources.create', options);
  const update = useApiMutation('sheets.sources.update', options);

  /** Clears these errors and the form-level one. */
  const clear = (...keys: string[]) => [...keys, 'form'].forEach((key) => form.clearFieldError(key));

  return {
    values: form.values,
    // Every error this form sets is a string (validate() and sourceServerErrors()).
    errors: form.errors as FormErrors,
    refusals,
    saving: create.isPending || update.isPending,
    set(field: Field, value: string) {
      form.setFieldValue(field, value);
      if (field === 'name' && !tableTouched) form.setFieldValue('targetTable', suggestTable(value));
      if (field === 'targetTable') setTableTouched(true);
      // Tab, range and method are checked together (the CSV export reads the first tab only).
      clear(TIMEOUT_FIELDS[field] ?? field, ...(field === 'sheet' || field === 'range' ? ['method'] : []), ...(field === 'name' && !tableTouched ? ['targetTable'] : []));
    },
    setColumn(index: number, patch: Partial<Omit<ColumnRow, 'key'>>) {
      form.setFieldValue('columns', (columns) => columns.map((row, i) => (i === index ? { ...row, ...patch } : row)));
      clear(...Object.keys(patch).map((field) => `columns.${index}.${field}`), 'columns');
    },
    addColumn() {
      form.insertListItem('columns', emptyColumn());
      clear('columns');
    },
    removeColumn(index: number) {
      form.removeListItem('columns', index);
      // Row errors are keyed by index: the ones after the removed row no longer match.
      form.setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !key.startsWith('columns'))));
    },
    submit: form.onSubmit(
      (checked) => {
        const spec = toSpec(checked);
        if (source) update.mutate({ id: source.id, spec });
        else create.mutate(spec);
      },
      (errors) => showErrors(errors as FormErrors),
    ),
  };
}
