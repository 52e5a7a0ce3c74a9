import { startEmulator, type RunningEmulator } from '../shared/emulator';
import { AccountFiles, type FileMeta, type FolderMeta } from './account-files';
import { authRoutes } from './auth.routes';
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
  /** Deletes a file or a folder (and its contents); false when nothing was there. */
  deletePath(accountId: string, path: string): boolean;
  revokeRefreshToken(token: string): void;
  /** The app secret Dropbox now expects: a connection still holding the old one gets `invalid_client`. */
  rotateAppSecret(secret: string): void;
  /** Expires one access token, or all of an account's; returns how many. */
  expireAccessTokens(match: { token?: string; accountId?: string }): number;
  /** Invalidates every cursor of the account: `continue` then answers 409 `reset`. */
  resetCursors(accountId: string): void;
}

/**
 * Dropbox API v2 on one plain-HTTP origin: RPC routes (`/2/files/…`,
 * `/2/users/…`) and the token route (`/oauth2/token`) side by side, as the
 * SDK's rewriting `fetch` sends them (api-facts §0.1, §9).
 */
export async function startDropboxEmulator(seed: DropboxSeed = loadDropboxSeed()): Promise<DropboxEmulator> {
  const world: DropboxWorld = { seed, tokens: new TokenBook(), accounts: new Map(), files: new Map() };
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

  const running = await startEmulator({ name: 'dropbox', routes: [...authRoutes(world), ...fileRoutes(world)] });
  return {
    ...running,
    appKey: seed.app.key,
    appSecret: seed.app.secret,
    putFile: (accountId, entry) => filesOf(accountId).putFile(entry),
    putFolder: (accountId, path) => filesOf(accountId).putFolder(path),
    deletePath: (accountId, path) => filesOf(accountId).delete(path),
    revokeRefreshToken: (token) => world.tokens.revokeRefreshToken(token),
    rotateAppSecret: (secret) => void (world.seed = { ...world.seed, app: { ...world.seed.app, secret } }),
    expireAccessTokens: (match) => world.tokens.expireAccessTokens(match),
    resetCursors: (accountId) => {
      filesOf(accountId).epoch++;
    },
  };
}
