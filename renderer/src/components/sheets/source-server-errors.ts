import { ClientError, errorMessage } from '../../client/client-error';
import { issuesOf, sentence } from '../../lib/contract-errors';
import { fieldOfSpecPath, SPEC_FIELDS, type FormErrors } from './source-form';

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
    if (key !== 'form') errors[key] ??= sentence(message);
  };
  for (const issue of issuesOf(error.details)) put(fieldOfSpecPath(issue.path[0] === 'spec' ? issue.path.slice(1) : issue.path), issue.message);
  const field = (error.details as { field?: unknown } | null | undefined)?.field;
  if (error.code === 'conflict' && typeof field === 'string' && SPEC_FIELDS.has(field)) put(field, error.message);
  if (Object.keys(errors).length === 0) errors.form = error.message;
  return errors;
}
