import type { SheetSource } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiKey, useApiMutation } from '../../hooks/useApi';
import { emptyColumn, emptyValues, suggestTable, toSpec, validate, valuesOf, type ColumnRow, type FormErrors, type SourceFormValues } from './source-form';
import { sourceServerErrors } from './source-server-errors';

type Field = Exclude<keyof SourceFormValues, 'columns'>;
const TIMEOUT_FIELDS: Partial<Record<Field, string>> = { connectSeconds: 'timeouts.connectMs', idleSeconds: 'timeouts.idleMs', totalSeconds: 'timeouts.totalMs' };

/**
 * Draft, errors and saving of the add/edit source form. `source` is set when
 * editing; `googleConnections` are the names the connection select offers
 * (the only one is preselected). Client checks run first; the host's
 * refusals land on the same fields.
 */
export function useSourceForm(source: SheetSource | undefined, googleConnections: readonly string[], onSaved: () => void) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<SourceFormValues>(() => (source ? valuesOf(source) : emptyValues(googleConnections.length === 1 ? (googleConnections[0] ?? '') : '')));
  const [errors, setErrors] = useState<FormErrors>({});
  /** Bumped only when a save is refused, so focus moves then and not while the admin types. */
  const [refusals, setRefusals] = useState(0);
  /** Until the admin types a table name, it follows the source name. */
  const [tableTouched, setTableTouched] = useState(Boolean(source));

  const showErrors = (next: FormErrors) => {
    setErrors(next);
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

  const clear = (...keys: string[]) =>
    setErrors((current) => {
      if (!keys.some((key) => key in current) && !current.form) return current;
      const next = { ...current };
      for (const key of [...keys, 'form']) delete next[key];
      return next;
    });

  return {
    values,
    errors,
    refusals,
    saving: create.isPending || update.isPending,
    set(field: Field, value: string) {
      setValues((current) => {
        const next = { ...current, [field]: value };
        if (field === 'name' && !tableTouched) next.targetTable = suggestTable(value);
        return next;
      });
      if (field === 'targetTable') setTableTouched(true);
      // Tab, range and method are checked together (the CSV export reads the first tab only).
      clear(TIMEOUT_FIELDS[field] ?? field, ...(field === 'sheet' || field === 'range' ? ['method'] : []), ...(field === 'name' && !tableTouched ? ['targetTable'] : []));
    },
    setColumn(index: number, patch: Partial<Omit<ColumnRow, 'key'>>) {
      setValues((current) => ({ ...current, columns: current.columns.map((row, i) => (i === index ? { ...row, ...patch } : row)) }));
      clear(...Object.keys(patch).map((field) => `columns.${index}.${field}`), 'columns');
    },
    addColumn() {
      setValues((current) => ({ ...current, columns: [...current.columns, emptyColumn()] }));
      clear('columns');
    },
    removeColumn(index: number) {
      setValues((current) => ({ ...current, columns: current.columns.filter((_, i) => i !== index) }));
      // Row errors are keyed by index: the ones after the removed row no longer match.
      setErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => !key.startsWith('columns'))));
    },
    submit(event: FormEvent) {
      event.preventDefault();
      const found = validate(values, googleConnections.length > 0);
      if (Object.keys(found).length) return showErrors(found);
      setErrors({});
      const spec = toSpec(values);
      if (source) update.mutate({ id: source.id, spec });
      else create.mutate(spec);
    },
  };
}
