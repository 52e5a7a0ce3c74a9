import { ClientError, errorMessage } from '../../client/client-error';
import type { FormErrors } from './source-form';

/** Spec fields that have their own input in the form. */
const FIELDS = new Set(['name', 'connection', 'storageAccountId', 'spreadsheetId', 'sheet', 'range', 'method', 'targetTable', 'columns']);

interface Issue {
  path: string[];
  message: string;
}

function issuesOf(details: unknown): Issue[] {
  if (typeof details !== 'object' || details === null || !('issues' in details) || !Array.isArray(details.issues)) return [];
  return (details.issues as unknown[]).flatMap((issue) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    return Array.isArray(path) && typeof message === 'string' ? [{ path: path.map(String), message }] : [];
  });
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Puts the host's refusal on the field it is about (the same pattern as the
 * connection form). Issue paths are `['range']`, `['columns', '2', 'column']`
 * or `['timeouts', 'idleMs']` from sheets.sources.create, and the same under
 * `['spec', …]` from sheets.sources.update. A taken name or cache table comes
 * back as `conflict` with `details.field`. Anything else goes to `form`.
 */
export function sourceServerErrors(error: unknown): FormErrors {
  if (!(error instanceof ClientError)) return { form: errorMessage(error) };
  const errors: FormErrors = {};
  const put = (key: string, message: string) => {
    errors[key] ??= capitalise(message);
  };
  for (const issue of issuesOf(error.details)) {
    const path = issue.path[0] === 'spec' ? issue.path.slice(1) : issue.path;
    const [head = '', second = '', third = ''] = path;
    if (head === 'columns' && /^\d+$/.test(second) && (third === 'header' || third === 'column')) put(`columns.${second}.${third}`, issue.message);
    else if (head === 'timeouts' && second) put(`timeouts.${second}`, issue.message);
    else if (FIELDS.has(head)) put(head, issue.message);
  }
  const field = (error.details as { field?: unknown } | null | undefined)?.field;
  if (error.code === 'conflict' && typeof field === 'string' && FIELDS.has(field)) put(field, error.message);
  if (Object.keys(errors).length === 0) errors.form = error.message;
  return errors;
}
