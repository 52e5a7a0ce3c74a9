import type { AppDbAdapter } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';
import { StorageAccountTokenStore } from '../../appdb/storage-account-tokens';
import type { OAuthTokens, OAuthTokenStore } from '../../connectors/shared/oauth-tokens';

/**
 * A check's view of one user's tokens: read from the product's row like an
 * import's, but written back only when losing the answer would break the user.
 * - A refreshed access token stays in memory (served to this run's later
 *   loads while the stored grant is still the one it came from): an expired
 *   token forces a refresh, never a write. The product refreshes its own.
 * - A rotated refresh token (the provider issued a new one, and may have
 *   invalidated the old) is written, because dropping it could leave the
 *   product holding a dead grant: losing the user's access is losing data
 *   (DESIGN §4). It is written only while the row still holds the grant this
 *   check exchanged; a grant the product stored meanwhile (the user
 *   reconnected) is newer and is kept. `onRotated(written)` counts these
 *   writes for the result: they are the only writes a check can make.
 */
export class CheckTokenStore implements OAuthTokenStore {
  private readonly stored: StorageAccountTokenStore;
  /** The refresh token of the last load: the grant the next exchange uses. */
  private exchanged: string | null = null;
  private refreshed: { accessToken: string | null; expiresAt: number | null; grant: string | null } | undefined;

  constructor(
    private readonly db: AppDbAdapter,
    private readonly mapping: ResolvedMapping,
    private readonly accountId: string,
    private readonly onRotated: (written: boolean) => void,
  ) {
    this.stored = new StorageAccountTokenStore(db, mapping, accountId);
  }

  async load(): Promise<OAuthTokens> {
    const tokens = await this.stored.load();
    this.exchanged = tokens.refreshToken;
    const own = this.refreshed;
    if (own && own.grant === tokens.refreshToken) return { ...tokens, accessToken: own.accessToken, expiresAt: own.expiresAt };
    return tokens;
  }

  async save(tokens: OAuthTokens): Promise<void> {
    if (tokens.refreshToken === null) {
      this.refreshed = { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt, grant: this.exchanged };
      return;
    }
    const { table, key, columns: c } = this.mapping.storageAccounts;
    const { changes } = await this.db.execute(
      `UPDATE ${quoteTable(table)} SET ${quoteIdent(c.accessToken)} = ?, ${quoteIdent(c.tokenExpiresAt)} = ?, ${quoteIdent(c.refreshToken)} = ? WHERE ${quoteIdent(key)} = ? AND ${quoteIdent(c.refreshToken)} = ?`,
      [tokens.accessToken, tokens.expiresAt, tokens.refreshToken, this.accountId, this.exchanged],
    );
    this.onRotated(changes > 0);
    this.exchanged = tokens.refreshToken;
    this.refreshed = { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt, grant: tokens.refreshToken };
  }
}
