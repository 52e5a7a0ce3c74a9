import { newJwtClient, newOAuth2Client, type JwtClient, type OAuth2Client } from './googleapis-lite';
import { ConnectorError } from '../shared/connector-error';
import type { ServicePolicy } from '../shared/service-policy';
import { mapGoogleError } from './google-errors';

/** The two fields of a service account key file that sign the JWT grant. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
}

/** Google's token endpoint as gtoken hard-codes it (the key file's token_uri is ignored, api-facts-2 §12). */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** Take a new token this long before the old one expires. */
const EXPIRY_SKEW_MS = 60_000;

/** Parses the key file; the connection service validated its shape when it was saved. */
export function parseServiceAccountKey(json: string): ServiceAccountKey {
  const key = JSON.parse(json) as { client_email?: unknown; private_key?: unknown };
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') throw new ConnectorError('misconfigured', 'google', 'the service account key has no client_email or private_key');
  return { clientEmail: key.client_email, privateKey: key.private_key };
}

/**
 * A service account's access token: google-auth-library's JWT signs an RS256
 * assertion and exchanges it at the token endpoint (jwt-bearer grant). As
 * with a user's grant (google-auth.ts), googleapis gets a client holding only
 * the access token, so no request is silently repeated, and each token
 * request runs through the service policy. `tokenUrl` (an emulator) is
 * reached by rewriting the hard-coded URL in the JWT client's own transporter,
 * which gtoken uses.
 */
export class ServiceAccountAuth {
  readonly client: OAuth2Client;
  private readonly jwt: JwtClient;
  private current: { token: string; expiresAt: number } | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(
    key: ServiceAccountKey,
    options: { scopes: string[]; tokenUrl?: string; timeoutMs: number },
    private readonly service: string,
  ) {
    this.client = newOAuth2Client({});
    this.jwt = newJwtClient({ email: key.clientEmail, key: key.privateKey, scopes: options.scopes, transporterOptions: { timeout: options.timeoutMs, retryConfig: { retry: 0, noResponseRetries: 0 } } });
    const tokenUrl = options.tokenUrl;
    if (tokenUrl) {
      this.jwt.transporter.interceptors.request.add({
        resolved: async (config) => {
          if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl);
          return config;
        },
      });
    }
  }

  async accessToken(policy: ServicePolicy, signal?: AbortSignal): Promise<string> {
    if (this.current && this.current.expiresAt - EXPIRY_SKEW_MS > Date.now()) return this.use(this.current.token);
    return this.refresh(policy, signal);
  }

  /** After a 401: a new token, once. */
  recover(_rejected: string, policy: ServicePolicy, signal?: AbortSignal): Promise<string> {
    this.current = undefined;
    return this.refresh(policy, signal);
  }

  private refresh(policy: ServicePolicy, signal?: AbortSignal): Promise<string> {
    this.refreshing ??= policy
      .execute(async () => {
        let credentials;
        try {
          credentials = await this.jwt.authorize();
        } catch (error) {
          throw mapGoogleError(error, this.service, 'token');
        }
        if (!credentials.access_token) throw new ConnectorError('unavailable', this.service, 'the token endpoint returned no access token');
        this.current = { token: credentials.access_token, expiresAt: credentials.expiry_date ?? Date.now() + 3_000_000 };
        return this.use(credentials.access_token);
      }, signal)
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private use(token: string): string {
    if (this.client.credentials.access_token !== token) this.client.setCredentials({ access_token: token });
    return token;
  }
}
