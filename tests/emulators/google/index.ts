import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startEmulator, type RunningEmulator } from '../shared/emulator';
import { driveRoutes } from './drive.routes';
import type { DriveFileSeed, GoogleSeed, MessageSeed } from './fixture';
import { gmailRoutes } from './gmail.routes';
import { GoogleState } from './google-state';
import { AUTHORIZE_PATH, consentRoutes } from './consent.routes';
import { oauthRoutes } from './oauth.routes';
import { sheetsRoutes } from './sheets.routes';

export type { GoogleSeed } from './fixture';
export { googleTokenFaults } from './oauth.routes';

/**
 * One origin for Drive v3, Sheets v4, Gmail v1 and the OAuth token endpoint:
 * googleapis keeps only the origin of a per-client rootUrl (api-facts §0.1),
 * so the services are told apart by path. Point connectors at
 * `rootUrl = url + '/'` and `tokenUrl = url + '/token'`.
 */
export interface GoogleEmulator extends RunningEmulator {
  readonly rootUrl: string;
  readonly tokenUrl: string;
  /** `endpoints.oauth2AuthBaseUrl`: the authorize page with its consent screen. */
  readonly authUrl: string;
  /** `endpoints.oauth2RevokeUrl`. */
  readonly revokeUrl: string;
  /** The account the consent page signs in as (default: the seed's first). */
  signIn(accountId: string): void;
  /** Tokens revoked through the revoke endpoint, oldest first. */
  revokedTokens(): string[];
  /** Live refresh tokens of an account (grants from the consent page included). */
  refreshTokensOf(accountId: string): string[];
  /** A service account whose JWTs verify with `publicKeyPem`; its token reads `accountId`'s data (what is shared with it). */
  addServiceAccount(clientEmail: string, publicKeyPem: string, accountId: string): void;
  /** The secret Google now expects for the client: connectors holding the old one get 401 invalid_client. */
  setClientSecret(clientId: string, secret: string): void;
  /** A new grant for the account (the user reconnected): the token endpoint accepts this refresh token. */
  grantRefreshToken(accountId: string, refreshToken: string): void;
  /** The grant is gone: the token endpoint answers 400 invalid_grant from now on. */
  revokeRefreshToken(refreshToken: string): void;
  /** Every access token of the account (or all accounts) stops working: data routes answer 401. */
  expireAccessTokens(accountId?: string): void;
  /** A valid access token for the account, as if the token endpoint had issued it. */
  issueAccessToken(accountId: string, expiresInSec?: number): string;
  /** Lifetime (expires_in) of tokens the token endpoint issues from now on. */
  setTokenLifetime(seconds: number): void;
  addFile(accountId: string, file: DriveFileSeed): void;
  trashFile(accountId: string, fileId: string): void;
  /** Permanent deletion: files.get answers 404, changes report `removed: true`. */
  deleteFile(accountId: string, fileId: string): void;
  /** Moves a file into a shared drive (null: back to My Drive): invisible to calls without supportsAllDrives. */
  setSharedDrive(accountId: string, fileId: string, driveId: string | null): void;
  /** Drops the Drive change log: every earlier page token is rejected. */
  expireChangeLog(accountId: string): void;
  /** Adds a message as newly received: a new history id and a `messageAdded` record. Returns the history id. */
  addMessage(accountId: string, message: MessageSeed): string;
  deleteMessage(accountId: string, messageId: string): void;
  /** A user's move of a message (Not spam, out of the trash, archive): labelAdded/labelRemoved history records. */
  modifyLabels(accountId: string, messageId: string, change: { add?: string[]; remove?: string[] }): void;
  /** Replaces the cells of one tab (the grid grows to fit), as if someone edited the sheet. */
  setSheetRows(accountId: string, spreadsheetId: string, title: string, rows: string[][]): void;
  /** Drops the mailbox history: any startHistoryId older than now answers 404. */
  expireHistory(accountId: string): void;
}

export interface GoogleEmulatorOptions {
  /** Network latency added to every call, in ms (default 0; about 30 is realistic): see EmulatorOptions.latencyMs. */
  latencyMs?: number;
}

export async function startGoogleEmulator(seed: GoogleSeed, options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const state = new GoogleState(seed);
  let tokenLifetimeSec = 3599;
  const emulator = await startEmulator({
    name: 'google',
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    routes: [...oauthRoutes(state, () => tokenLifetimeSec), ...consentRoutes(state), ...driveRoutes(state), ...sheetsRoutes(state), ...gmailRoutes(state)],
  });
  return {
    ...emulator,
    rootUrl: `${emulator.url}/`,
    tokenUrl: `${emulator.url}/token`,
    authUrl: `${emulator.url}${AUTHORIZE_PATH}`,
    revokeUrl: `${emulator.url}/revoke`,
    signIn: (accountId) => void (state.consent.signedIn = state.account(accountId).id),
    revokedTokens: () => [...state.revoked],
    refreshTokensOf: (accountId) => [...state.refreshTokens].filter(([, id]) => id === accountId).map(([token]) => token),
    addServiceAccount: (clientEmail, publicKeyPem, accountId) => void state.serviceAccounts.set(clientEmail, { publicKey: createPublicKey(publicKeyPem), accountId: state.account(accountId).id }),
    setClientSecret: (clientId, secret) => void state.clients.set(clientId, secret),
    grantRefreshToken: (accountId, token) => void state.refreshTokens.set(token, state.account(accountId).id),
    revokeRefreshToken: (token) => void state.refreshTokens.delete(token),
    expireAccessTokens(accountId) {
      for (const grant of state.accessTokens.values()) if (accountId === undefined || grant.accountId === accountId) grant.expiresAt = 0;
    },
    issueAccessToken: (accountId, expiresInSec) => state.issueAccessToken(accountId, expiresInSec),
    setTokenLifetime: (seconds) => void (tokenLifetimeSec = seconds),
    addFile: (accountId, file) => void state.putFile(accountId, file),
    trashFile: (accountId, fileId) => state.trashFile(accountId, fileId),
    deleteFile: (accountId, fileId) => state.deleteFile(accountId, fileId),
    setSharedDrive: (accountId, fileId, driveId) => state.setSharedDrive(accountId, fileId, driveId),
    expireChangeLog(accountId) {
      const account = state.account(accountId);
      account.firstChange = account.nextChange;
      account.changes = [];
    },
    addMessage: (accountId, message) => String(state.addMessage(accountId, message).historyId),
    deleteMessage: (accountId, messageId) => state.deleteMessage(accountId, messageId),
    modifyLabels: (accountId, messageId, change) => state.modifyLabels(accountId, messageId, change),
    setSheetRows(accountId, spreadsheetId, title, rows) {
      const sheet = state.account(accountId).spreadsheets.get(spreadsheetId)?.sheets.find((s) => s.title === title);
      if (!sheet) throw new Error(`no tab ${title} in spreadsheet ${spreadsheetId}`);
      sheet.rows = rows;
      delete sheet.generated;
      sheet.rowCount = Math.max(sheet.rowCount, rows.length);
      sheet.columnCount = Math.max(sheet.columnCount, ...rows.map((row) => row.length));
    },
    expireHistory(accountId) {
      const mailbox = state.mailbox(accountId);
      mailbox.oldestHistoryId = mailbox.historyId;
      mailbox.history = [];
    },
  };
}

/** Loads a JSON seed file (the format is in README.md). */
export function loadGoogleSeed(path: string): GoogleSeed {
  return JSON.parse(readFileSync(path, 'utf8')) as GoogleSeed;
}
