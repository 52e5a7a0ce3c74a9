import { randomBytes } from 'node:crypto';
import type { EmulatorResponse } from '../shared/emulator';
import { authError, badInput } from './errors';

/** Lifetime Dropbox gives short-lived tokens (about four hours; exact value unconfirmed, api-facts §5). */
export const ACCESS_TOKEN_SECONDS = 14_400;

interface AccessRecord {
  accountId: string;
  refreshToken: string | undefined;
  expiresAt: number;
}

/**
 * Refresh and access tokens of every account. Each access token belongs to one
 * account, so one emulator serves many users; revoking a refresh token also
 * kills the access tokens issued from it, as revoking a grant does.
 */
export class TokenBook {
  private readonly refresh = new Map<string, { accountId: string; revoked: boolean }>();
  private readonly access = new Map<string, AccessRecord>();

  addRefreshToken(token: string, accountId: string): void {
    this.refresh.set(token, { accountId, revoked: false });
  }

  addAccessToken(token: string, accountId: string, expiresInSeconds = ACCESS_TOKEN_SECONDS): void {
    this.access.set(token, { accountId, refreshToken: undefined, expiresAt: Date.now() + expiresInSeconds * 1000 });
  }

  /** The account of a live refresh token, or undefined when unknown or revoked. */
  accountOfRefreshToken(token: string): string | undefined {
    const record = this.refresh.get(token);
    return record && !record.revoked ? record.accountId : undefined;
  }

  issue(refreshToken: string, accountId: string): { access_token: string; token_type: 'bearer'; expires_in: number } {
    // "sl." + long random tail: the shape of real short-lived tokens (and of core/logging's redaction pattern).
    const token = `sl.emu-${randomBytes(24).toString('base64url')}`;
    this.access.set(token, { accountId, refreshToken, expiresAt: Date.now() + ACCESS_TOKEN_SECONDS * 1000 });
    return { access_token: token, token_type: 'bearer', expires_in: ACCESS_TOKEN_SECONDS };
  }

  /** Refresh tokens revoked through /2/auth/token/revoke, for tests asserting a disconnect reached Dropbox. */
  readonly revokedByApi: string[] = [];

  /** A new grant from the consent flow. */
  grant(accountId: string): string {
    const token = `emu-refresh-${randomBytes(18).toString('base64url')}`;
    this.addRefreshToken(token, accountId);
    return token;
  }

  /** /2/auth/token/revoke: the access token dies and so does the refresh token it came from (route doc). */
  revokeAccessToken(token: string): void {
    const record = this.access.get(token);
    this.access.delete(token);
    if (record?.refreshToken) {
      this.revokedByApi.push(record.refreshToken);
      this.revokeRefreshToken(record.refreshToken);
    }
  }

  liveRefreshTokens(accountId: string): string[] {
    return [...this.refresh].filter(([, record]) => record.accountId === accountId && !record.revoked).map(([token]) => token);
  }

  revokeRefreshToken(token: string): void {
    const record = this.refresh.get(token);
    if (record) record.revoked = true;
    for (const [key, value] of this.access) if (value.refreshToken === token) this.access.delete(key);
  }

  /** Marks access tokens as expired: one token, or every token of an account. */
  expireAccessTokens(match: { token?: string; accountId?: string }): number {
    let expired = 0;
    for (const [key, value] of this.access) {
      if (key === match.token || value.accountId === match.accountId) {
        value.expiresAt = 0;
        expired++;
      }
    }
    return expired;
  }

  /** Resolves `Authorization: Bearer …` to an account, or the error Dropbox answers with. */
  authenticate(route: string, header: string | undefined): { accountId: string } | { error: EmulatorResponse } {
    if (!header) return { error: badInput(route, 'Must provide HTTP header "Authorization" or URL parameter "authorization".') };
    const match = /^Bearer\s+(\S+)$/.exec(header);
    if (!match?.[1]) return { error: badInput(route, 'Invalid authorization value in HTTP header "Authorization". Expecting "Bearer <oauth2-access-token>".') };
    const record = this.access.get(match[1]);
    if (!record) return { error: authError('invalid_access_token') };
    if (record.expiresAt <= Date.now()) return { error: authError('expired_access_token') };
    return { accountId: record.accountId };
  }
}
