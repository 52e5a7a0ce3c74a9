import type { z } from 'zod';
import type { CONNECTION_CONFIG } from '../../api/connections';
import { createCloudinaryConnector } from '../../connectors/cloudinary';
import { DropboxConnector } from '../../connectors/dropbox/dropbox.connector';
import { GoogleAuth } from '../../connectors/google/google-auth';
import { parseServiceAccountKey, ServiceAccountAuth } from '../../connectors/google/service-account-auth';
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
 * Each Google credential the connection holds, one token request each: the
 * service account's JWT grant; the admin's connected account (its refresh
 * token); else the product's OAuth client alone, by exchanging a refresh
 * token that cannot exist (Google answers `invalid_grant` only for a client it
 * accepted, `invalid_client` otherwise). Nothing is stored.
 */
export const probeGoogle: ConnectionProbe = async ({ config, secrets }) => {
  const c = config as Config<'google'>;
  const policy = () => createServicePolicy({ service: 'google', concurrency: 1, maxAttempts: 1 });
  const passed: string[] = [];
  if (secrets.serviceAccountJson) {
    try {
      const key = parseServiceAccountKey(secrets.serviceAccountJson);
      await new ServiceAccountAuth(key, { scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'], timeoutMs: PROBE_TIMEOUT_MS, ...(c.tokenUrl ? { tokenUrl: c.tokenUrl } : {}) }, 'google').accessToken(policy());
      passed.push(`Google accepted the service account ${key.clientEmail}`);
    } catch (error) {
      return checkFromError(error, 'The service account key: ');
    }
  }
  if (c.clientId && secrets.clientSecret) {
    const refreshToken = secrets.refreshToken ?? 'syncwarden-client-credential-check';
    const tokens = new InMemoryTokenStore({ accessToken: null, refreshToken, expiresAt: null });
    const auth = new GoogleAuth({ clientId: c.clientId, clientSecret: secrets.clientSecret, ...(c.tokenUrl ? { tokenUrl: c.tokenUrl } : {}), tokens, timeoutMs: PROBE_TIMEOUT_MS }, 'google');
    try {
      await auth.accessToken(policy());
      passed.push(`Google accepted the OAuth client and the connected account${c.connectedAccount ? ` ${c.connectedAccount.email}` : ''}`);
    } catch (error) {
      if (!isConnectorError(error, 'token-revoked')) return checkFromError(error);
      if (secrets.refreshToken) return { ok: false, status: 'bad-credentials', message: `The connected account's access was revoked or expired: press Connect again. (${error.message})` };
      passed.push('Google accepted the OAuth client id and secret');
    }
  }
  if (!passed.length) return { ok: false, status: 'bad-credentials', message: 'This Google connection has neither an OAuth client secret nor a service account key.' };
  return { ok: true, status: 'ok', message: passed.join('; ') };
};

/** The shared reading of a failed probe: refused credentials, no answer at all, or something else. */
function checkFromError(error: unknown, prefix = ''): ConnectionCheck {
  if (!isConnectorError(error)) return { ok: false, status: 'error', message: prefix + ((error as Error).message ?? String(error)) };
  const message = prefix + error.message;
  if (error.kind === 'unauthorized' || error.kind === 'forbidden' || error.kind === 'token-revoked' || error.kind === 'misconfigured') return { ok: false, status: 'bad-credentials', message };
  if (error.kind === 'unavailable' && error.status === undefined) return { ok: false, status: 'unreachable', message };
  return { ok: false, status: 'error', message };
}
