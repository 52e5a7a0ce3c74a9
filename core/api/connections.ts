import { z } from 'zod';
import { boundedJsonObject, boundedRecord, pemText } from './limits';
import { credentialInHttpUrl, credentialInPostgresUrl, HTTP_URL_CREDENTIAL_MESSAGE, POSTGRES_URL_CREDENTIAL_MESSAGE } from './url-credentials';

/**
 * Connections: where the product's data lives (appdb) and the services it
 * mirrors. Non-secret settings are stored in the console store; secret
 * fields go to the SecretStore and come back only as `hasSecret`.
 */
export const CONNECTION_KINDS = ['appdb', 'google', 'dropbox', 'cloudinary', 'supabase'] as const;
export const ConnectionKindSchema = z.enum(CONNECTION_KINDS);
export type ConnectionKind = z.infer<typeof ConnectionKindSchema>;

/** Every URL field refuses a credential in it, with one message per kind of URL (url-credentials.ts). */
function withoutCredential(find: (value: string) => string | undefined, message: string, unparsable: string) {
  return (value: string, ctx: z.RefinementCtx) => {
    let found: string | undefined;
    try {
      found = find(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: unparsable });
      return;
    }
    if (found) ctx.addIssue({ code: 'custom', message: `${message} (found ${found})` });
  };
}

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .max(2048)
  .superRefine(withoutCredential(credentialInHttpUrl, HTTP_URL_CREDENTIAL_MESSAGE, 'expected an http(s) URL'));
const name = z.string().trim().min(1, 'a name is required').max(80);

const postgresUrl = z
  .string()
  .max(2048)
  .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// connection string')
  .superRefine(withoutCredential(credentialInPostgresUrl, POSTGRES_URL_CREDENTIAL_MESSAGE, 'expected a valid postgres:// connection string'));

/**
 * The admin's own account, connected with Connect (RFC 8252): its address, shown
 * on the card. Its refresh token is the secret `refreshToken`. Set only by the
 * OAuth flow; an edit of the connection keeps it (connections.service.ts).
 */
const connectedAccount = z.strictObject({ email: z.string().max(320), connectedAt: z.string().max(40) });
export type ConnectedAccount = z.infer<typeof connectedAccount>;

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
  google: z.strictObject({
    /** Empty for a connection that only holds a service account. */
    clientId: z.string().max(512).default(''),
    rootUrl: httpUrl.optional(),
    tokenUrl: httpUrl.optional(),
    /** Authorize page and revoke endpoint overrides (an emulator), for Connect and Disconnect. */
    authUrl: httpUrl.optional(),
    revokeUrl: httpUrl.optional(),
    connectedAccount: connectedAccount.optional(),
  }),
  dropbox: z.strictObject({ appKey: z.string().min(1, 'the app key is required').max(512), baseUrl: httpUrl.optional(), connectedAccount: connectedAccount.optional() }),
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
 * Only secrets something uses are collected. `refreshToken` is the admin's own
 * connected account (written by Connect, removed by Disconnect). A Google
 * connection needs an OAuth client secret or a service account key
 * (`serviceAccountJson`, the JSON key file Google issues): `requiredSecretsMissing`.
 */
export const CONNECTION_SECRETS: Record<ConnectionKind, { field: string; required: boolean }[]> = {
  appdb: [{ field: 'password', required: false }],
  google: [
    { field: 'clientSecret', required: false },
    { field: 'serviceAccountJson', required: false },
    { field: 'refreshToken', required: false },
  ],
  dropbox: [
    { field: 'appSecret', required: true },
    { field: 'refreshToken', required: false },
  ],
  cloudinary: [{ field: 'apiSecret', required: true }],
  supabase: [{ field: 'serviceRoleKey', required: true }],
};

/** The required secrets a set of fields lacks (a Google connection needs a client secret or a service account). */
export function requiredSecretsMissing(kind: ConnectionKind, fields: readonly string[]): string[] {
  // Either credential will do; the one asked for by name is the usual one (an OAuth client).
  if (kind === 'google') return fields.includes('clientSecret') || fields.includes('serviceAccountJson') ? [] : ['clientSecret'];
  return CONNECTION_SECRETS[kind].filter((s) => s.required && !fields.includes(s.field)).map((s) => s.field);
}

/**
 * A Google service account key as Google issues it (the JSON key file): what
 * is wrong with it, or undefined. Only `client_email` and `private_key` are
 * used; `token_uri` is ignored, as google-auth-library ignores it (api-facts-2 §12).
 */
export function serviceAccountKeyProblem(text: string): string | undefined {
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    return 'serviceAccountJson is not JSON: paste the whole key file Google gave you.';
  }
  const record = (key ?? {}) as Record<string, unknown>;
  if (record.type !== 'service_account') return 'serviceAccountJson is not a service account key ("type": "service_account").';
  if (typeof record.client_email !== 'string' || !record.client_email.includes('@')) return 'serviceAccountJson has no client_email.';
  if (typeof record.private_key !== 'string' || !record.private_key.includes('PRIVATE KEY')) return 'serviceAccountJson has no private_key.';
  return undefined;
}

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

/**
 * connections.delete: the row goes first (so a refused delete changes nothing), then its secrets. A secret
 * the store could not delete afterwards is named here, never hidden behind `deleted: true`: `entry` is its
 * key in this console's part of the keychain (service "Syncwarden"). It is no one's secret any more (ids
 * are never reused) and can be removed by hand.
 */
export const ConnectionDeleteResultSchema = z.object({
  id: z.number().int(),
  deleted: z.boolean(),
  leftoverSecrets: z.array(z.object({ field: z.string(), entry: z.string(), reason: z.string() })).optional(),
});
export type ConnectionDeleteResult = z.infer<typeof ConnectionDeleteResultSchema>;

/**
 * Connect (RFC 8252): one sign-in in the system browser. `authUrl` is the
 * provider's page (the desktop host opens it, `opened`; browser mode shows it
 * as a link); the renderer polls the flow until it is no longer `waiting`.
 */
export const OAuthFlowSchema = z.object({
  flowId: z.string(),
  connectionId: z.number().int(),
  service: z.string(),
  state: z.enum(['waiting', 'connected', 'failed', 'cancelled']),
  authUrl: z.string(),
  opened: z.boolean(),
  /** Why it failed, or what was connected. */
  message: z.string().nullable(),
  email: z.string().nullable(),
});
export type OAuthFlow = z.infer<typeof OAuthFlowSchema>;
export const OAuthFlowIdSchema = z.strictObject({ flowId: z.string().min(1).max(64) });
