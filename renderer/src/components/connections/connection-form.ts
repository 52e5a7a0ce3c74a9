import type { Connection, ConnectionKind, MethodInput } from '@core/api';
import { ConnectionCreateSchema } from '@core/api/connections';
import { contractErrors } from '../../lib/contract-errors';
import { kindSpec, visibleFields } from './connection-kinds';

/**
 * The add/edit form as plain data and pure functions, so the rules can be read
 * in one place. Every config value is edited as text; secrets are only ever
 * what the admin typed in this form (the renderer never receives a secret).
 */
export interface ConnectionFormValues {
  kind: ConnectionKind;
  name: string;
  config: Record<string, string>;
  secrets: Record<string, string>;
  /** Optional secrets the admin asked to remove (sent as null). */
  removeSecrets: string[];
}

/** Keys: `name`, `config.<key>`, `secrets.<field>`, and `form` for what belongs to no field. */
export type FormErrors = Record<string, string>;

export const configError = (key: string) => `config.${key}`;
export const secretError = (field: string) => `secrets.${field}`;

export function emptyValues(kind: ConnectionKind, name = ''): ConnectionFormValues {
  const config = Object.fromEntries(kindSpec(kind).fields.map((field) => [field.key, field.defaultValue ?? '']));
  return { kind, name, config, secrets: {}, removeSecrets: [] };
}

export function valuesOf(connection: Connection): ConnectionFormValues {
  const base = emptyValues(connection.kind, connection.name);
  for (const field of kindSpec(connection.kind).fields) {
    const value = connection.config[field.key];
    if (value === undefined || value === null) continue;
    base.config[field.key] = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  }
  return base;
}

function parseJsonObject(value: string): Record<string, unknown> | string {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return 'Expected a JSON object ({ … }).';
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}

/** Where an issue of the contract's create input lands: `name`, `config.<key>`, `secrets.<field>`, else `form`. */
function fieldOfPath([head = '', key = '']: string[]): string {
  if (head === 'name') return 'name';
  if (head === 'config' && key) return configError(key);
  if (head === 'secrets' && key) return secretError(key);
  return 'form';
}

/**
 * The variable a headless host (SYNCWARDEN_SECRETS=env) reads a secret from, by connection name.
 * Mirrors EnvSecretStore.variableFor(connectionNameSecretKey(name, field)) in core/secrets.
 */
export function envSecretVariable(name: string, field: string): string {
  return `SYNCWARDEN_SECRET_${`name/${name.trim()}/${field}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/**
 * Everything the host would refuse, checked before sending. `connection` is set when editing.
 * What a value must be is the contract's (ConnectionCreateSchema: the kind's config schema, the
 * name); before it, what only the form can say: a required field left empty, text that is not
 * JSON, a required secret neither typed nor stored (CONNECTION_SECRETS, via kindSpec). With
 * secrets from the environment nothing is typed, and the host says which variable is missing.
 */
export function validate(values: ConnectionFormValues, connection?: Connection, secretsFromEnv = false): FormErrors {
  const errors: FormErrors = {};
  if (!values.name.trim()) errors.name = 'Give the connection a name.';
  for (const field of visibleFields(values.kind, values.config)) {
    const value = (values.config[field.key] ?? '').trim();
    if (!value && field.required) errors[configError(field.key)] = `${field.label} is required.`;
    const parsed = value && field.input === 'json' ? parseJsonObject(value) : undefined;
    if (typeof parsed === 'string') errors[configError(field.key)] = parsed;
  }
  for (const secret of kindSpec(values.kind).secrets) {
    const typed = values.secrets[secret.field] ?? '';
    const stored = connection?.secrets[secret.field]?.hasSecret ?? false;
    if (secret.required && !typed && !stored && !secretsFromEnv) errors[secretError(secret.field)] = `${secret.label} is required.`;
    const parsed = secret.multiline && typed.trim() ? parseJsonObject(typed) : undefined;
    if (typeof parsed === 'string') errors[secretError(secret.field)] = parsed;
  }
  return { ...contractErrors(ConnectionCreateSchema, createInput(values), fieldOfPath), ...errors };
}

/** The config as the contract wants it: empty optional fields left out, JSON parsed. */
export function configOf(values: ConnectionFormValues): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of visibleFields(values.kind, values.config)) {
    const value = (values.config[field.key] ?? '').trim();
    if (!value) continue;
    if (field.input !== 'json') config[field.key] = value;
    else {
      // Text that is not a JSON object is refused by validate() before anything is sent.
      const parsed = parseJsonObject(value);
      if (typeof parsed !== 'string') config[field.key] = parsed;
    }
  }
  return config;
}

function typedSecrets(values: ConnectionFormValues): Record<string, string> {
  return Object.fromEntries(Object.entries(values.secrets).filter(([, value]) => value !== ''));
}

export function createInput(values: ConnectionFormValues): MethodInput<'connections.create'> {
  // validate() has judged this very input with the contract's schema; the host judges it again.
  return { kind: values.kind, name: values.name.trim(), config: configOf(values), secrets: typedSecrets(values) } as MethodInput<'connections.create'>;
}

/** Config replaces the stored one; a secret is sent only when typed (set) or removed (null). */
export function updateInput(id: number, values: ConnectionFormValues): MethodInput<'connections.update'> {
  const secrets: Record<string, string | null> = typedSecrets(values);
  for (const field of values.removeSecrets) secrets[field] = null;
  return { id, name: values.name.trim(), config: configOf(values), ...(Object.keys(secrets).length ? { secrets } : {}) };
}
