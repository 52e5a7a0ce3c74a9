import type { ConnectionKind, MethodInput } from '@core/api';
import { CONNECTION_KINDS, CONNECTION_SECRETS } from '@core/api/connections';
import {
  IconBrandDropbox,
  IconBrandGoogleDrive,
  IconBrandSupabase,
  IconCloud,
  IconDatabase,
  type Icon,
} from '@tabler/icons-react';

/**
 * How the form and the cards show each kind of connection: labels, order,
 * placement. What a value must be is the contract's (CONNECTION_CONFIG and
 * CONNECTION_SECRETS, used by connection-form.ts); `satisfies` below ties every
 * config key to the contract's types, so a renamed field fails the typecheck here.
 */
type CreateInput = MethodInput<'connections.create'>;
type ConfigOf<K extends ConnectionKind> = Extract<CreateInput, { kind: K }>['config'];
/** Every key of every member (appdb's config is a union of sqlite and postgres). */
type KeysOfUnion<T> = T extends unknown ? keyof T & string : never;
export type ConfigKey<K extends ConnectionKind> = KeysOfUnion<ConfigOf<K>>;

export type AppDbDriver = Extract<ConfigOf<'appdb'>, { driver: unknown }>['driver'];

export interface ConfigFieldSpec<K extends ConnectionKind = ConnectionKind> {
  key: ConfigKey<K>;
  label: string;
  description?: string;
  placeholder?: string;
  /** The control; `json` is parsed before the contract judges the object. */
  input: 'text' | 'url' | 'select' | 'textarea' | 'json' | 'postgres-url';
  options?: readonly { value: string; label: string }[];
  required?: boolean;
  /** Base-URL overrides (emulators) and the mapping live behind "Advanced". */
  advanced?: boolean;
  /** appdb: shown only for this driver. */
  driver?: AppDbDriver;
  /** Shown on the connection's card. */
  summary?: boolean;
  /** Used when creating a connection of this kind. */
  defaultValue?: string;
}

export interface SecretFieldSpec {
  field: string;
  label: string;
  /** From the contract's CONNECTION_SECRETS (filled in by kindSpec). */
  required: boolean;
  description?: string;
  /** A pasted document (service account JSON) rather than a one-line secret. */
  multiline?: boolean;
}

export interface KindSpec<K extends ConnectionKind = ConnectionKind> {
  kind: K;
  label: string;
  description: string;
  icon: Icon;
  fields: readonly ConfigFieldSpec<K>[];
  secrets: readonly SecretFieldSpec[];
  /** The admin can connect their own account of this service (Connect, RFC 8252): the button's service name. */
  connect?: { service: string };
}

/** A kind as declared below: whether a secret is required is the contract's to say. */
type KindDecl<K extends ConnectionKind> = Omit<KindSpec<K>, 'secrets'> & { secrets: readonly Omit<SecretFieldSpec, 'required'>[] };

const EMULATOR_HINT = 'Only to point at an emulator or a proxy; leave empty for the real service.';

export const KIND_SPECS = {
  appdb: {
    kind: 'appdb',
    label: 'App database',
    description: "Your product's own database (SQLite file or PostgreSQL), where the engines compare and repair rows.",
    icon: IconDatabase,
    fields: [
      {
        key: 'driver',
        label: 'Driver',
        input: 'select',
        options: [
          { value: 'sqlite', label: 'SQLite file' },
          { value: 'postgres', label: 'PostgreSQL' },
        ],
        required: true,
        summary: true,
        defaultValue: 'sqlite',
      },
      { key: 'path', label: 'Database file', input: 'text', driver: 'sqlite', required: true, summary: true, placeholder: '/var/lib/app/app.db' },
      {
        key: 'url',
        label: 'PostgreSQL URL',
        input: 'postgres-url',
        driver: 'postgres',
        required: true,
        summary: true,
        description: 'Without the password: put it in the Password field, which is kept with the other secrets.',
        placeholder: 'postgres://app@db.example.com:5432/app',
      },
      {
        key: 'sslMode',
        label: 'SSL mode',
        input: 'select',
        driver: 'postgres',
        options: [
          { value: 'disable', label: 'Disable' },
          { value: 'require', label: 'Require' },
          { value: 'verify-full', label: 'Verify full' },
        ],
        summary: true,
        defaultValue: 'disable',
      },
      { key: 'sslCa', label: 'CA certificate (PEM)', input: 'textarea', driver: 'postgres', description: 'Only needed for "Verify full" with a private CA.' },
      {
        key: 'mapping',
        label: 'Schema mapping (JSON)',
        input: 'json',
        advanced: true,
        description: 'Table and column names when they differ from the defaults.',
        placeholder: '{ "users": { "table": "accounts" } }',
      },
    ],
    secrets: [{ field: 'password', label: 'Password', description: 'PostgreSQL only.' }],
  },
  google: {
    kind: 'google',
    label: 'Google',
    description: 'OAuth client for Drive, Sheets and Gmail, and optionally a service account.',
    icon: IconBrandGoogleDrive,
    connect: { service: 'Google' },
    fields: [
      {
        key: 'clientId',
        label: 'OAuth client ID',
        input: 'text',
        summary: true,
        placeholder: '1234-abc.apps.googleusercontent.com',
        description: 'A "Desktop app" client. Leave empty for a connection that only holds a service account.',
      },
      { key: 'rootUrl', label: 'API root URL', input: 'url', advanced: true, summary: true, description: EMULATOR_HINT },
      { key: 'tokenUrl', label: 'Token URL', input: 'url', advanced: true, summary: true, description: EMULATOR_HINT },
      { key: 'authUrl', label: 'Sign-in page URL', input: 'url', advanced: true, description: EMULATOR_HINT },
      { key: 'revokeUrl', label: 'Revoke URL', input: 'url', advanced: true, description: EMULATOR_HINT },
    ],
    secrets: [
      { field: 'clientSecret', label: 'OAuth client secret', description: 'Needed unless a service account key is given.' },
      { field: 'serviceAccountJson', label: 'Service account key (JSON)', multiline: true, description: 'Optional: the key file of a service account the sheets are shared with.' },
    ],
  },
  dropbox: {
    kind: 'dropbox',
    label: 'Dropbox',
    description: "The Dropbox app your users connected their accounts to.",
    icon: IconBrandDropbox,
    connect: { service: 'Dropbox' },
    fields: [
      { key: 'appKey', label: 'App key', input: 'text', required: true, summary: true },
      { key: 'baseUrl', label: 'API base URL', input: 'url', advanced: true, summary: true, description: EMULATOR_HINT },
    ],
    secrets: [{ field: 'appSecret', label: 'App secret' }],
  },
  cloudinary: {
    kind: 'cloudinary',
    label: 'Cloudinary',
    description: 'The Cloudinary account whose folders hold your users\' videos and clips.',
    icon: IconCloud,
    fields: [
      {
        key: 'cloudName',
        label: 'Cloud name',
        input: 'text',
        required: true,
        summary: true,
      },
      { key: 'apiKey', label: 'API key', input: 'text', required: true, summary: true },
      { key: 'rootFolder', label: 'Root folder', input: 'text', summary: true, description: 'The folder that holds users/<email>/videos; empty for the top level.', placeholder: 'media' },
      { key: 'apiBaseUrl', label: 'API base URL', input: 'url', advanced: true, summary: true, description: EMULATOR_HINT },
      { key: 'deliveryBaseUrl', label: 'Thumbnail base URL', input: 'url', advanced: true, description: 'Where video thumbnails are served from; empty for Cloudinary’s CDN (res.cloudinary.com). The demo points it at its emulator.' },
    ],
    secrets: [{ field: 'apiSecret', label: 'API secret' }],
  },
  supabase: {
    kind: 'supabase',
    label: 'Supabase',
    description: 'The Supabase project whose Auth users the identity engine compares.',
    icon: IconBrandSupabase,
    fields: [{ key: 'url', label: 'Project URL', input: 'url', required: true, summary: true, placeholder: 'https://abcd.supabase.co' }],
    secrets: [{ field: 'serviceRoleKey', label: 'Service role key' }],
  },
} as const satisfies { [K in ConnectionKind]: KindDecl<K> };

/** The kinds in the order the picker and the page groups show them: the contract's order. */
export const KIND_ORDER: readonly ConnectionKind[] = CONNECTION_KINDS;

const required = (kind: ConnectionKind, field: string) => CONNECTION_SECRETS[kind].some((secret) => secret.field === field && secret.required);

function specOf(kind: ConnectionKind): KindSpec {
  const decl: KindDecl<ConnectionKind> = KIND_SPECS[kind];
  return { ...decl, secrets: decl.secrets.map((secret) => ({ ...secret, required: required(kind, secret.field) })) };
}

const SPECS: Record<ConnectionKind, KindSpec> = {
  appdb: specOf('appdb'),
  google: specOf('google'),
  dropbox: specOf('dropbox'),
  cloudinary: specOf('cloudinary'),
  supabase: specOf('supabase'),
};

export function kindSpec(kind: ConnectionKind): KindSpec {
  return SPECS[kind];
}

/** The fields that apply to the current values (appdb shows one driver's fields). */
export function visibleFields(kind: ConnectionKind, config: Record<string, string>): readonly ConfigFieldSpec[] {
  return kindSpec(kind).fields.filter((field) => !field.driver || field.driver === config.driver);
}
