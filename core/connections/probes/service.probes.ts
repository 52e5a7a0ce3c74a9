import type { z } from 'zod';
import type { CONNECTION_CONFIG } from '../../api/connections';
import { createCloudinaryConnector } from '../../connectors/cloudinary';
import { DropboxConnector } from '../../connectors/dropbox/dropbox.connector';
import { InMemoryTokenStore } from '../../connectors/shared/oauth-tokens';
import { createSupabaseAuthConnector } from '../../connectors/supabase/supabase-auth.connector';
import type { ConnectionProbe } from '../probe';

/** A connection test should answer in seconds, not after the SDK's minute-long default. */
const PROBE_TIMEOUT_MS = 10_000;

type Config<K extends keyof typeof CONNECTION_CONFIG> = z.output<(typeof CONNECTION_CONFIG)[K]>;

export const probeCloudinary: ConnectionProbe = async ({ config, secrets }) => {
  const c = config as Config<'cloudinary'>;
  return createCloudinaryConnector({
    cloudName: c.cloudName,
    apiKey: c.apiKey,
    apiSecret: secrets.apiSecret ?? '',
    ...(c.apiBaseUrl ? { uploadPrefix: c.apiBaseUrl } : {}),
    timeoutMs: PROBE_TIMEOUT_MS,
  }).testConnection();
};

export const probeSupabase: ConnectionProbe = async ({ config, secrets }) => {
  const c = config as Config<'supabase'>;
  return createSupabaseAuthConnector({ url: c.url, serviceRoleKey: secrets.serviceRoleKey ?? '', requestTimeoutMs: PROBE_TIMEOUT_MS }).testConnection();
};

/** App key and secret only: user tokens live in the product's database, one per user. */
export const probeDropbox: ConnectionProbe = async ({ config, secrets }) => {
  const c = config as Config<'dropbox'>;
  return new DropboxConnector({
    appKey: c.appKey,
    appSecret: secrets.appSecret ?? '',
    tokens: new InMemoryTokenStore({ accessToken: null, refreshToken: null, expiresAt: null }),
    ...(c.baseUrl ? { baseUrl: c.baseUrl } : {}),
    timeoutMs: PROBE_TIMEOUT_MS,
  }).checkAppCredentials();
};
