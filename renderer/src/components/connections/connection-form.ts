import type { Connection, ConnectionKind, MethodInput } from '@core/api';
import { kindSpec, visibleFields, type ConfigFieldSpec } from './connection-kinds';

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

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
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

function checkField(field: ConfigFieldSpec, raw: string): string | undefined {
  const value = raw.trim();
  if (!value) return field.required ? `${field.label} is required.` : undefined;
  if (field.input === 'url' && !isHttpUrl(value)) return 'Enter a full http:// or https:// URL.';
  if (field.input === 'json') {
    const parsed = parseJsonObject(value);
    if (typeof parsed === 'string') return parsed;
  }
  if (field.input === 'postgres-url') {
    if (!/^postgres(ql)?:\/\//.test(value)) return 'Expected a postgres:// connection string.';
    try {
      if (new URL(value).password !== '') return 'Leave the password out of the URL: put it in the Password field, which is kept with the other secrets.';
    } catch {
      return 'This connection string cannot be read as a URL.';
    }
  }
  if (field.pattern && !field.pattern.regex.test(value)) return field.pattern.message;
  return undefined;
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
 * With secrets from the environment nothing is typed, and the host says which variable is missing.
 */
export function validate(values: ConnectionFormValues, connection?: Connection, secretsFromEnv = false): FormErrors {
  const errors: FormErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Give the connection a name.';
  else if (name.length > 80) errors.name = 'Keep the name under 80 characters.';
  for (const field of visibleFields(values.kind, values.config)) {
    const message = checkField(field, values.config[field.key] ?? '');
    if (message) errors[configError(field.key)] = message;
  }
  for (const secret of kindSpec(values.kind).secrets) {
    const typed = values.secrets[secret.field] ?? '';
    const stored = connection?.secrets[secret.field]?.hasSecret ?? false;
    if (secret.required && !typed && !stored && !secretsFromEnv) errors[secretError(secret.field)] = `${secret.label} is required.`;
    if (secret.multiline && typed.trim()) {
      const parsed = parseJsonObject(typed);
      if (typeof parsed === 'string') errors[secretError(secret.field)] = parsed;
    }
  }
  return errors;
}

/** The config as the contract wants it: empty optional fields left out, JSON parsed. */
export function configOf(values: ConnectionFormValues): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of visibleFields(values.kind, values.config)) {
    const value = (values.config[field.key] ?? '').trim();
    if (!value) continue;
    config[field.key] = field.input === 'json' ? JSON.parse(value) : value;
  }
  return config;
}

function typedSecrets(values: ConnectionFormValues): Record<string, string> {
  return Object.fromEntries(Object.entries(values.secrets).filter(([, value]) => value !== ''));
}

export function createInput(values: ConnectionFormValues): MethodInput<'connections.create'> {
  // The host validates the config against the kind's schema; validate() mirrors its rules.
  return { kind: values.kind, name: values.name.trim(), config: configOf(values), secrets: typedSecrets(values) } as MethodInput<'connections.create'>;
}

/** Config replaces the stored one; a secret is sent only when typed (set) or removed (null). */
export function updateInput(id: number, values: ConnectionFormValues): MethodInput<'connections.update'> {
  const secrets: Record<string, string | null> = typedSecrets(values);
  for (const field of values.removeSecrets) secrets[field] = null;
  return { id, name: values.name.trim(), config: configOf(values), ...(Object.keys(secrets).length ? { secrets } : {}) };
}
