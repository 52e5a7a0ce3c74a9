/**
 * Per-user OAuth tokens live in the product's own database (the storage
 * accounts entity). Connectors read them through this port and write back a
 * refreshed access token, so the product and Syncwarden never fight over a
 * stale token. The app-DB adapter implements it; tests use the in-memory one.
 */
export interface OAuthTokens {
  accessToken: string | null;
  refreshToken: string | null;
  /** Epoch milliseconds; null when unknown. */
  expiresAt: number | null;
}

export interface OAuthTokenStore {
  load(): Promise<OAuthTokens>;
  /**
   * Stores a refreshed access token. `refreshToken: null` keeps the stored one: a connector passes
   * only a refresh token the provider just issued, never the one it loaded, which the product may
   * have replaced meanwhile (the user reconnected).
   */
  save(tokens: OAuthTokens): Promise<void>;
}

export class InMemoryTokenStore implements OAuthTokenStore {
  saves = 0;

  constructor(private tokens: OAuthTokens) {}

  async load(): Promise<OAuthTokens> {
    return { ...this.tokens };
  }

  async save(tokens: OAuthTokens): Promise<void> {
    this.saves++;
    this.tokens = { ...tokens, refreshToken: tokens.refreshToken ?? this.tokens.refreshToken };
  }
}
