import type { GoogleConnectorOptions } from '../../../core/connectors/google';
import { InMemoryTokenStore, type OAuthTokens } from '../../../core/connectors/shared/oauth-tokens';
import type { DriveFileSeed, GoogleAccountSeed, GoogleSeed } from './fixture';
import type { GoogleEmulator } from './index';

/** Helpers the Google integration tests share: one client, seeds in code, connector options with counters. */
export const TEST_CLIENT = { clientId: 'syncwarden-test.apps.googleusercontent.com', clientSecret: 'test-client-secret' };

export function seedWith(...accounts: GoogleAccountSeed[]): GoogleSeed {
  return { clients: [TEST_CLIENT], accounts };
}

export function account(id: string, extra: Partial<GoogleAccountSeed> = {}): GoogleAccountSeed {
  return { id, email: `${id}@example.com`, refreshTokens: [`1//refresh-${id}`], ...extra };
}

export function manyFiles(count: number, parent = 'root', prefix = 'file'): DriveFileSeed[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, name: `${prefix} ${i}.pdf`, mimeType: 'application/pdf', parents: [parent], size: 1000 + i }));
}

/** A user whose stored tokens hold only the refresh token: the first call refreshes. */
export function refreshOnlyTokens(accountId: string): InMemoryTokenStore {
  return new InMemoryTokenStore({ accessToken: null, refreshToken: `1//refresh-${accountId}`, expiresAt: null });
}

export interface TestConnection {
  options: GoogleConnectorOptions;
  tokens: InMemoryTokenStore;
  /** Requests the connector reported through onRequest (API calls and token refreshes). */
  readonly requests: number;
}

/** Connector options aimed at the emulator, with fast backoff so retry tests stay short. */
export function connectTo(emulator: GoogleEmulator, tokens: InMemoryTokenStore | OAuthTokens, extra: Partial<GoogleConnectorOptions> = {}): TestConnection {
  const store = tokens instanceof InMemoryTokenStore ? tokens : new InMemoryTokenStore(tokens);
  let requests = 0;
  const options: GoogleConnectorOptions = {
    ...TEST_CLIENT,
    rootUrl: emulator.rootUrl,
    tokenUrl: emulator.tokenUrl,
    tokens: store,
    timeoutMs: 5_000,
    policy: { concurrency: 4, maxAttempts: 5, initialDelayMs: 5, maxDelayMs: 2_000 },
    onRequest: () => requests++,
    ...extra,
  };
  return {
    options,
    tokens: store,
    get requests() {
      return requests;
    },
  };
}

/** All requests the emulator received, every route (token endpoint included). */
export function totalCount(emulator: GoogleEmulator): number {
  return Object.values(emulator.counts()).reduce((sum, n) => sum + n, 0);
}

export async function collect<T>(pages: AsyncIterable<T>, limit = 1000): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) {
    out.push(page);
    // Bounded: a paging bug fails the test instead of hanging it.
    if (out.length >= limit) throw new Error(`more than ${limit} pages`);
  }
  return out;
}

export const rateLimitBody = (reason = 'rateLimitExceeded', code = 429) => ({
  error: { code, message: 'Rate Limit Exceeded', errors: [{ message: 'Rate Limit Exceeded', domain: 'usageLimits', reason }] },
});

/** A `connections.create` input for a Google connection whose OAuth client, token, consent and revoke endpoints are this emulator's. */
export function googleOAuthConnection(google: GoogleEmulator, name = 'Google') {
  return {
    kind: 'google' as const,
    name,
    config: { clientId: TEST_CLIENT.clientId, rootUrl: google.rootUrl, tokenUrl: google.tokenUrl, authUrl: google.authUrl, revokeUrl: google.revokeUrl },
    secrets: { clientSecret: TEST_CLIENT.clientSecret },
  };
}
