import type { z } from 'zod';
import type { CONNECTION_CONFIG } from '../../api/connections';
import { createCloudinaryConnector } from '../../connectors/cloudinary';
import { DropboxConnector } from '../../connectors/dropbox/dropbox.connector';
import { GoogleAuth } from '../../connectors/google/google-auth';
import type { ConnectionCheck } from '../../connectors/shared/connection-check';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { InMemoryTokenStore } from '../../connectors/shared/oauth-tokens';
import { createServicePolicy } from '../../connectors/shared/service-policy';
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

/**
 * The product's OAuth client (id + secret) without a user token: exchange a
 * refresh token that cannot exist. Google answers `invalid_grant` only for a
 * client it accepted, and `invalid_client` otherwise: one request, nothing stored.
 */
export const probeGoogle: ConnectionProbe = async ({ config, secrets }) => {
  const c = config as Config<'google'>;
  const tokens = new InMemoryTokenStore({ accessToken: null, refreshToken: 'syncwarden-client-credential-check', expiresAt: null });
  const auth = new GoogleAuth({ clientId: c.clientId, clientSecret: secrets.clientSecret ?? '', ...(c.tokenUrl ? { tokenUrl: c.tokenUrl } : {}), tokens, timeoutMs: PROBE_TIMEOUT_MS }, 'google');
  try {
    await auth.accessToken(createServicePolicy({ service: 'google', concurrency: 1, maxAttempts: 1 }));
    return { ok: true, status: 'ok', message: 'Google accepted the OAuth client id and secret' };
  } catch (error) {
    if (isConnectorError(error, 'token-revoked')) return { ok: true, status: 'ok', message: 'Google accepted the OAuth client id and secret' };
    return checkFromError(error);
  }
};

/** The shared reading of a failed probe: refused credentials, no answer at all, or something else. */
function checkFromError(error: unknown): ConnectionCheck {
  if (!isConnectorError(error)) return { ok: false, status: 'error', message: (error as Error).message ?? String(error) };
  if (error.kind === 'unauthorized' || error.kind === 'forbidden' || error.kind === 'token-revoked' || error.kind === 'misconfigured') return { ok: false, status: 'bad-credentials', message: error.message };
  if (error.kind === 'unavailable' && error.status === undefined) return { ok: false, status: 'unreachable', message: error.message };
  return { ok: false, status: 'error', message: error.message };
}
