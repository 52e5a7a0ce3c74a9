import type { OAuthTokens, OAuthTokenStore } from '../connectors/shared/oauth-tokens';
import type { AppDbAdapter } from './adapter';
import { quoteIdent, quoteTable } from './identifiers';
import type { ResolvedMapping } from './mapping';

/**
 * One user's OAuth tokens, read from and written back to the product's own
 * storage-accounts row (through the mapping). Writing the refreshed access
 * token back means the product and Syncwarden share one live token instead
 * of invalidating each other's.
 */
export class StorageAccountTokenStore implements OAuthTokenStore {
  constructor(
    private readonly db: AppDbAdapter,
    private readonly mapping: ResolvedMapping,
    private readonly accountId: string,
  ) {}

  async load(): Promise<OAuthTokens> {
    const { table, key, columns: c } = this.mapping.storageAccounts;
    const [row] = await this.db.query<Record<string, unknown>>(
      `SELECT ${[c.accessToken, c.refreshToken, c.tokenExpiresAt].map(quoteIdent).join(', ')} FROM ${quoteTable(table)} WHERE ${quoteIdent(key)} = ?`,
      [this.accountId],
    );
    if (!row) throw new Error(`storage account ${this.accountId} is not in ${table}`);
    const expires = row[c.tokenExpiresAt];
    return {
      accessToken: (row[c.accessToken] as string | null) ?? null,
      refreshToken: (row[c.refreshToken] as string | null) ?? null,
      expiresAt: expires === null || expires === undefined ? null : Number(expires),
    };
  }

  async save(tokens: OAuthTokens): Promise<void> {
    const { table, key, columns: c } = this.mapping.storageAccounts;
    // A provider may or may not send a new refresh token; never erase the one we have.
    await this.db.execute(
      `UPDATE ${quoteTable(table)} SET ${quoteIdent(c.accessToken)} = ?, ${quoteIdent(c.tokenExpiresAt)} = ?, ${quoteIdent(c.refreshToken)} = COALESCE(?, ${quoteIdent(c.refreshToken)}) WHERE ${quoteIdent(key)} = ?`,
      [tokens.accessToken, tokens.expiresAt, tokens.refreshToken, this.accountId],
    );
  }
}
