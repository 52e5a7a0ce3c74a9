import { z } from 'zod';
import { credentialInPostgresUrl, POSTGRES_URL_CREDENTIAL_MESSAGE } from './postgres-url';

/**
 * Connections: where the product's data lives (appdb) and the services it
 * mirrors. Non-secret settings are stored in the console store; secret
 * fields go to the SecretStore and come back only as `hasSecret`.
 */
export const CONNECTION_KINDS = ['appdb', 'google', 'dropbox', 'cloudinary', 'supabase'] as const;
export const ConnectionKindSchema = z.enum(CONNECTION_KINDS);
export type ConnectionKind = z.infer<typeof ConnectionKindSchema>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
const name = z.string().trim().min(1, 'a name is required').max(80);

const postgresUrl = z
  .string()
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

export const AppDbConfigSchema = z.discriminatedUnion('driver', [
  z.strictObject({
    driver: z.literal('sqlite'),
    path: z.string().min(1, 'the path of the SQLite file is required'),
    mapping: z.record(z.string(), z.unknown()).optional(),
  }),
  z.strictObject({
    driver: z.literal('postgres'),
    url: postgresUrl,
    sslMode: z.enum(['disable', 'require', 'verify-full']).default('disable'),
    sslCa: z.string().optional(),
    mapping: z.record(z.string(), z.unknown()).optional(),
  }),
]);

export const CONNECTION_CONFIG = {
  appdb: AppDbConfigSchema,
  google: z.strictObject({ clientId: z.string().min(1, 'the OAuth client id is required'), rootUrl: httpUrl.optional(), tokenUrl: httpUrl.optional() }),
  dropbox: z.strictObject({ appKey: z.string().min(1, 'the app key is required'), baseUrl: httpUrl.optional() }),
  cloudinary: z.strictObject({
    cloudName: z.string().regex(/^[a-z0-9_-]+$/i, 'the cloud name has letters, digits, - and _ only'),
    apiKey: z.string().min(1, 'the API key is required'),
    rootFolder: z.string().default(''),
    apiBaseUrl: httpUrl.optional(),
  }),
  supabase: z.strictObject({ url: httpUrl }),
} as const satisfies Record<ConnectionKind, z.ZodType>;

/** Secret fields per kind, and which of them a connection cannot work without. */
export const CONNECTION_SECRETS: Record<ConnectionKind, { field: string; required: boolean }[]> = {
  appdb: [{ field: 'password', required: false }],
  google: [
    { field: 'clientSecret', required: true },
    { field: 'serviceAccountJson', required: false },
  ],
  dropbox: [{ field: 'appSecret', required: true }],
  cloudinary: [{ field: 'apiSecret', required: true }],
  supabase: [{ field: 'serviceRoleKey', required: true }],
};

const secretValues = z.record(z.string(), z.string().min(1).max(100_000));

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
  config: z.record(z.string(), z.unknown()).optional(),
  /** A value sets the secret; null removes it; an absent field keeps it. */
  secrets: z.record(z.string(), z.string().min(1).max(100_000).nullable()).optional(),
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
