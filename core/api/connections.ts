import { z } from 'zod';
import { boundedJsonObject, boundedRecord, pemText } from './limits';
import { credentialInPostgresUrl, POSTGRES_URL_CREDENTIAL_MESSAGE } from './postgres-url';

/**
 * Connections: where the product's data lives (appdb) and the services it
 * mirrors. Non-secret settings are stored in the console store; secret
 * fields go to the SecretStore and come back only as `hasSecret`.
 */
export const CONNECTION_KINDS = ['appdb', 'google', 'dropbox', 'cloudinary', 'supabase'] as const;
export const ConnectionKindSchema = z.enum(CONNECTION_KINDS);
export type ConnectionKind = z.infer<typeof ConnectionKindSchema>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2048);
const name = z.string().trim().min(1, 'a name is required').max(80);

const postgresUrl = z
  .string()
  .max(2048)
  .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// connection string')
  .superRefine((value, ctx) => {
    let found: string | undefined;
    try {
      found = credentialInPostgresUrl(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a valid postgres:// connection string' });
      return;
    }
    if (found) ctx.addIssue({ code: 'custom', message: `${POSTGRES_URL_CREDENTIAL_MESSAGE} (found ${found})` });
  });

/** Size bounds (DESIGN §4.11): the largest valid create or update fits a WebSocket frame (core/api/limits.ts). */
const MAX_MAPPING_BYTES = 32 * 1024;
const MAX_SECRETS_BYTES = 64 * 1024;
const MAX_CONFIG_BYTES = 448 * 1024;

export const AppDbConfigSchema = z.discriminatedUnion('driver', [
  z.strictObject({
    driver: z.literal('sqlite'),
    path: z.string().min(1, 'the path of the SQLite file is required').max(4096),
    mapping: boundedJsonObject(MAX_MAPPING_BYTES).optional(),
  }),
  z.strictObject({
    driver: z.literal('postgres'),
    url: postgresUrl,
    sslMode: z.enum(['disable', 'require', 'verify-full']).default('disable'),
    sslCa: pemText(192 * 1024).optional(),
    mapping: boundedJsonObject(MAX_MAPPING_BYTES).optional(),
  }),
]);

export const CONNECTION_CONFIG = {
  appdb: AppDbConfigSchema,
  google: z.strictObject({ clientId: z.string().min(1, 'the OAuth client id is required').max(512), rootUrl: httpUrl.optional(), tokenUrl: httpUrl.optional() }),
  dropbox: z.strictObject({ appKey: z.string().min(1, 'the app key is required').max(512), baseUrl: httpUrl.optional() }),
  cloudinary: z.strictObject({
    cloudName: z.string().max(128).regex(/^[a-z0-9_-]+$/i, 'the cloud name has letters, digits, - and _ only'),
    apiKey: z.string().min(1, 'the API key is required').max(512),
    rootFolder: z.string().max(1024).default(''),
    apiBaseUrl: httpUrl.optional(),
    /** Where thumbnails are delivered from; unset: Cloudinary's CDN. The demo points it at the emulator. */
    deliveryBaseUrl: httpUrl.optional(),
  }),
  supabase: z.strictObject({ url: httpUrl }),
} as const satisfies Record<ConnectionKind, z.ZodType>;

/**
 * Secret fields per kind, and which of them a connection cannot work without.
 * Only secrets something uses are collected: Google's `serviceAccountJson` was
 * collected and never read, so it is no longer accepted (a later issue adds
 * service accounts). A value stored before is never shown, never handed to an
 * engine, and removed with its connection.
 */
export const CONNECTION_SECRETS: Record<ConnectionKind, { field: string; required: boolean }[]> = {
  appdb: [{ field: 'password', required: false }],
  google: [{ field: 'clientSecret', required: true }],
  dropbox: [{ field: 'appSecret', required: true }],
  cloudinary: [{ field: 'apiSecret', required: true }],
  supabase: [{ field: 'serviceRoleKey', required: true }],
};

const secretValues = boundedRecord(z.string().min(1).max(16_384), MAX_SECRETS_BYTES);

export const ConnectionCreateSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('appdb'), name, config: CONNECTION_CONFIG.appdb, secrets: secretValues.default({}) }),
  z.strictObject({ kind: z.literal('google'), name, config: CONNECTION_CONFIG.google, secrets: secretValues.default({}) }),
  z.strictObject({ kind: z.literal('dropbox'), name, config: CONNECTION_CONFIG.dropbox, secrets: secretValues.default({}) }),
  z.strictObject({ kind: z.literal('cloudinary'), name, config: CONNECTION_CONFIG.cloudinary, secrets: secretValues.default({}) }),
  z.strictObject({ kind: z.literal('supabase'), name, config: CONNECTION_CONFIG.supabase, secrets: secretValues.default({}) }),
]);

export const ConnectionUpdateSchema = z.strictObject({
  id: z.number().int().positive(),
  name: name.optional(),
  /** Replaces the whole config; validated against the connection's kind. */
  config: boundedJsonObject(MAX_CONFIG_BYTES).optional(),
  /** A value sets the secret; null removes it; an absent field keeps it. */
  secrets: boundedRecord(z.string().min(1).max(16_384).nullable(), MAX_SECRETS_BYTES).optional(),
});

export const ConnectionCheckSchema = z.object({
  ok: z.boolean(),
  status: z.enum(['ok', 'bad-credentials', 'unreachable', 'missing-database', 'schema-mismatch', 'error']),
  message: z.string(),
  problems: z.array(z.string()).optional(),
  at: z.string(),
});
export type ConnectionCheckResult = z.infer<typeof ConnectionCheckSchema>;

export const ConnectionSchema = z.object({
  id: z.number().int(),
  kind: ConnectionKindSchema,
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), z.object({ hasSecret: z.boolean() })),
  lastCheck: ConnectionCheckSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Connection = z.infer<typeof ConnectionSchema>;
