/**
 * One provider's side of Connect (RFC 8252 + PKCE), built by the provider's
 * own SDK: the URL the person opens, the exchange of the code the loopback
 * received, and revocation for Disconnect. An attempt holds its PKCE verifier
 * in memory only; it never leaves the process.
 */
export interface OAuthAttempt {
  /** The authorize URL with `state`, the loopback `redirect_uri` and the S256 code challenge. */
  readonly authUrl: string;
  /** Code → the grant: a refresh token and the account's address. */
  exchange(code: string): Promise<ConnectedGrant>;
}

export interface ConnectedGrant {
  refreshToken: string;
  email: string;
}

export interface OAuthProvider {
  /** "Google", "Dropbox": for messages and the pages the browser shows. */
  readonly service: string;
  begin(redirectUri: string, state: string): Promise<OAuthAttempt>;
  /**
   * Revokes the grant at the provider. Resolves `already-gone` when the
   * provider says the token is dead (nothing left to revoke); throws when it
   * could not be asked (the token may still be alive, so it is kept).
   */
  revoke(refreshToken: string): Promise<'revoked' | 'already-gone'>;
}

/** Every request of a sign-in answers within this, or the flow fails with a clear error. */
export const OAUTH_REQUEST_TIMEOUT_MS = 15_000;

/** A failure with words the admin can act on (shown on the Connections page). */
export class OAuthError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-settings' | 'exchange-refused' | 'unreachable' | 'revoke-failed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OAuthError';
  }
}
