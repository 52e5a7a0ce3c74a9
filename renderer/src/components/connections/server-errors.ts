import { ClientError, errorMessage } from '../../client/client-error';
import { issuesOf, sentence } from '../../lib/contract-errors';
import { configError, secretError, type ConnectionFormValues, type FormErrors } from './connection-form';
import { kindSpec } from './connection-kinds';

function stringList(details: unknown, key: 'fields' | 'problems'): string[] {
  if (typeof details !== 'object' || details === null || !(key in details)) return [];
  const list = (details as Record<string, unknown>)[key];
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Puts the host's refusal on the field it is about. Issue paths come in two
 * shapes: `['config', 'cloudName']` from the contract's input check, and
 * `['cloudName']` from connections.update (which checks config against the
 * stored kind itself). Anything that names no known field goes to `form`.
 */
export function serverErrors(error: unknown, values: ConnectionFormValues): FormErrors {
  if (!(error instanceof ClientError)) return { form: errorMessage(error) };
  const spec = kindSpec(values.kind);
  const configKeys = new Set<string>(spec.fields.map((field) => field.key));
  const secretKeys = new Set(spec.secrets.map((secret) => secret.field));
  const errors: FormErrors = {};
  const put = (key: string, message: string) => {
    errors[key] ??= sentence(message);
  };

  for (const issue of issuesOf(error.details)) {
    const path = [...issue.path];
    if (path[0] === 'config') path.shift();
    const [head = '', second = ''] = path;
    if (head === 'name') put('name', issue.message);
    else if (head === 'secrets' && secretKeys.has(second)) put(secretError(second), issue.message);
    else if (configKeys.has(head)) put(configError(head), issue.message);
  }
  // A taken name (conflict), a missing or unknown secret, a mapping the host cannot resolve.
  if (error.code === 'conflict') put('name', error.message);
  for (const field of stringList(error.details, 'fields')) if (secretKeys.has(field)) put(secretError(field), error.message);
  const problems = stringList(error.details, 'problems');
  if (problems.length && configKeys.has('mapping')) put(configError('mapping'), problems.join('; '));

  if (Object.keys(errors).length === 0) errors.form = error.message;
  return errors;
}
