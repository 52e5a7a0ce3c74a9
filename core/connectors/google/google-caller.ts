import type { OAuth2Client } from './googleapis-lite';
import type { ConnectionCheck } from '../shared/connection-check';
import { isConnectorError } from '../shared/connector-error';
import type { OAuthTokenStore } from '../shared/oauth-tokens';
import { createServicePolicy, type ServicePolicy, type ServicePolicyOptions } from '../shared/service-policy';
import { GoogleAuth } from './google-auth';
import { ServiceAccountAuth, type ServiceAccountKey } from './service-account-auth';
import { mapGoogleError } from './google-errors';

/** What every Google connector is created from (one account). */
export interface GoogleConnectorOptions {
  /** The OAuth client and the user's tokens (a product user's storage account, or the admin's connected account). */
  clientId: string;
  clientSecret: string;
  tokens: OAuthTokenStore;
  /** A service account instead (JWT grant): the three fields above are then not used. */
  serviceAccount?: { key: ServiceAccountKey; scopes: string[] };
  /** API origin override (an emulator); googleapis keeps only its origin. */
  rootUrl?: string;
  /** OAuth token endpoint override (`endpoints.oauth2TokenUrl`). */
  tokenUrl?: string;
  /** Per-request timeout; a timeout is `unavailable`. Default 30 s. */
  timeoutMs?: number;
  /** Concurrency, attempts and backoff of this service's policy. */
  policy?: Partial<Omit<ServicePolicyOptions, 'service' | 'onRequest'>>;
  /** Called for every request sent (API calls and token refreshes, retries included). */
  onRequest?: () => void;
}

/** Options every googleapis client gets: our auth, the root override, no hidden retries, a timeout. */
export interface GoogleClientOptions {
  auth: OAuth2Client;
  rootUrl?: string;
  retry: false;
  timeout: number;
}

/**
 * Runs one Google API call the way every connector must: a valid access token
 * first, the service policy around the request (retries, concurrency,
 * counting), SDK errors mapped to ConnectorError, and one refresh-and-repeat
 * on a 401.
 */
export class GoogleCaller {
  readonly policy: ServicePolicy;
  readonly clientOptions: GoogleClientOptions;
  private readonly auth: GoogleAuth | ServiceAccountAuth;
  private readonly probePolicyOptions: ServicePolicyOptions;
  private probePolicyBuilt: ServicePolicy | undefined;

  constructor(
    readonly service: string,
    options: GoogleConnectorOptions,
  ) {
    const timeout = options.timeoutMs ?? 30_000;
    const shared = { service, concurrency: 4, ...options.policy, ...(options.onRequest ? { onRequest: options.onRequest } : {}) };
    this.policy = createServicePolicy(shared);
    this.probePolicyOptions = { ...shared, maxAttempts: 1 };
    this.auth = options.serviceAccount
      ? new ServiceAccountAuth(options.serviceAccount.key, { scopes: options.serviceAccount.scopes, timeoutMs: timeout, ...(options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}) }, service)
      : new GoogleAuth({ clientId: options.clientId, clientSecret: options.clientSecret, tokens: options.tokens, timeoutMs: timeout, ...(options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}) }, service);
    this.clientOptions = { auth: this.auth.client, ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}), retry: false, timeout };
  }

  /**
   * No retries: a connection test answers at once (still counted). Built on first use: a run builds a
   * connector per account (a thousand a storage check) and never tests a connection with it.
   */
  private get probePolicy(): ServicePolicy {
    return (this.probePolicyBuilt ??= createServicePolicy(this.probePolicyOptions));
  }

  call<T>(request: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.callWith(this.policy, request, signal);
  }

  /** One cheap authenticated call; `probe` returns what was checked (e.g. the account's address). */
  async check(probe: (signal: AbortSignal) => Promise<string>): Promise<ConnectionCheck> {
    try {
      return { ok: true, status: 'ok', message: await this.callWith(this.probePolicy, probe) };
    } catch (error) {
      if (!isConnectorError(error)) return { ok: false, status: 'error', message: String(error) };
      if (error.kind === 'unauthorized' || error.kind === 'token-revoked' || error.kind === 'misconfigured') return { ok: false, status: 'bad-credentials', message: error.message };
      if (error.kind === 'unavailable' && error.status === undefined) return { ok: false, status: 'unreachable', message: error.message };
      return { ok: false, status: 'error', message: error.message };
    }
  }

  private async callWith<T>(policy: ServicePolicy, request: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const token = await this.auth.accessToken(policy, signal);
    const attempt = () =>
      policy.execute(async (policySignal) => {
        try {
          return await request(policySignal);
        } catch (error) {
          throw mapGoogleError(error, this.service);
        }
      }, signal);
    try {
      return await attempt();
    } catch (error) {
      if (!isConnectorError(error, 'unauthorized')) throw error;
      // The token died early (revoked session, clock skew): refresh once and repeat once.
      await this.auth.recover(token, policy, signal);
      return attempt();
    }
  }
}
