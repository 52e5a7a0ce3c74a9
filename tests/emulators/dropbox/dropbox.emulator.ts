import { startEmulator, type RunningEmulator } from '../shared/emulator';
import { AccountFiles, type FileMeta, type FolderMeta } from './account-files';
import { ConsentBook } from '../shared/consent';
import { authRoutes } from './auth.routes';
import { consentRoutes } from './consent.routes';
import type { DropboxWorld } from './context';
import { fileRoutes } from './files.routes';
import { loadDropboxSeed, type DropboxSeed, type DropboxSeedEntry } from './seed';
import { TokenBook } from './token-book';

export { dropboxFaults } from './errors';
export { bulkEntries, loadDropboxSeed, type DropboxSeed, type DropboxSeedAccount, type DropboxSeedEntry } from './seed';

/** The running emulator plus the state changes tests need between calls. */
export interface DropboxEmulator extends RunningEmulator {
  readonly appKey: string;
  readonly appSecret: string;
  putFile(accountId: string, entry: DropboxSeedEntry): FileMeta;
  putFolder(accountId: string, path: string): FolderMeta;
  /** Renames or moves a file; its id stays (a delta reports `deleted` old path + `file` new path). */
  moveFile(accountId: string, from: string, to: string): FileMeta;
  /** Deletes a file or a folder (and its contents); false when nothing was there. */
  deletePath(accountId: string, path: string): boolean;
  revokeRefreshToken(token: string): void;
  /** The app secret Dropbox now expects: a connection still holding the old one gets `invalid_client`. */
  rotateAppSecret(secret: string): void;
  /** Expires one access token, or all of an account's; returns how many. */
  expireAccessTokens(match: { token?: string; accountId?: string }): number;
  /** Invalidates every cursor of the account: `continue` then answers 409 `reset`. */
  resetCursors(accountId: string): void;
  /** The account the consent page signs in as (default: the seed's first). */
  signIn(accountId: string): void;
  /** Refresh tokens revoked through /2/auth/token/revoke, oldest first. */
  revokedTokens(): string[];
  /** Live refresh tokens of an account (grants from the consent page included). */
  refreshTokensOf(accountId: string): string[];
}

/**
 * Dropbox API v2 on one plain-HTTP origin: RPC routes (`/2/files/…`,
 * `/2/users/…`) and the token route (`/oauth2/token`) side by side, as the
 * SDK's rewriting `fetch` sends them (api-facts §0.1, §9).
 */
export async function startDropboxEmulator(seed: DropboxSeed = loadDropboxSeed()): Promise<DropboxEmulator> {
  const world: DropboxWorld = { seed, tokens: new TokenBook(), accounts: new Map(), files: new Map(), consent: new ConsentBook() };
  world.consent.signedIn = seed.accounts[0]?.accountId;
  for (const account of seed.accounts) {
    world.accounts.set(account.accountId, account);
    const files = new AccountFiles(account.accountId);
    for (const entry of account.entries) {
      if (entry.tag === 'folder') files.putFolder(entry.path, entry.id);
      else files.putFile(entry);
    }
    world.files.set(account.accountId, files);
    for (const token of account.refreshTokens) world.tokens.addRefreshToken(token, account.accountId);
    for (const token of account.accessTokens ?? []) world.tokens.addAccessToken(token.token, account.accountId, token.expiresInSeconds);
  }
  const filesOf = (accountId: string): AccountFiles => {
    const files = world.files.get(accountId);
    if (!files) throw new Error(`dropbox emulator: no account ${accountId}`);
    return files;
  };

  const running = await startEmulator({ name: 'dropbox', routes: [...authRoutes(world), ...consentRoutes(world), ...fileRoutes(world)] });
  return {
    ...running,
    appKey: seed.app.key,
    appSecret: seed.app.secret,
    putFile: (accountId, entry) => filesOf(accountId).putFile(entry),
    putFolder: (accountId, path) => filesOf(accountId).putFolder(path),
    deletePath: (accountId, path) => filesOf(accountId).delete(path),
    moveFile: (accountId, from, to) => filesOf(accountId).move(from, to),
    revokeRefreshToken: (token) => world.tokens.revokeRefreshToken(token),
    rotateAppSecret: (secret) => void (world.seed = { ...world.seed, app: { ...world.seed.app, secret } }),
    expireAccessTokens: (match) => world.tokens.expireAccessTokens(match),
    signIn: (accountId) => {
      if (!world.accounts.has(accountId)) throw new Error(`dropbox emulator: no account ${accountId}`);
      world.consent.signedIn = accountId;
    },
    revokedTokens: () => [...world.tokens.revokedByApi],
    refreshTokensOf: (accountId) => world.tokens.liveRefreshTokens(accountId),
    resetCursors: (accountId) => {
      filesOf(accountId).epoch++;
    },
  };
}
