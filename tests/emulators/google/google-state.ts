import type { KeyObject } from 'node:crypto';
import { ConsentBook } from '../shared/consent';
import type { DriveFileSeed, GoogleAccountSeed, GoogleSeed, MessageSeed, SheetsNetwork } from './fixture';
import { pickRef, toFile, toMessage, toSheet } from './seed-records';

/**
 * The emulator's mutable world: accounts, their tokens, Drive files with a
 * change log, spreadsheets and mailboxes with a history log. Routes read it;
 * the test helpers in index.ts change it between calls.
 */
export const SPREADSHEET_MIME = 'application/vnd.google-apps.spreadsheet';

export interface DriveFile {
  kind: 'drive#file';
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  explicitlyTrashed: boolean;
  modifiedTime: string;
  size?: string;
  md5Checksum?: string;
  /** Set for a file in a shared drive (see drive-visibility.ts). */
  driveId?: string;
}

export interface DriveChange {
  seq: number;
  fileId: string;
  removed: boolean;
  time: string;
  /** The shared drive the file was in when it changed: such a change is only visible to shared-drive-aware calls. */
  driveId?: string;
}

export interface Sheet {
  sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  rows: string[][];
  /** Rows after `rows`, made on demand (seed `generated`): row `rows.length + i` is `generated.row(i + 1)`. */
  generated?: { count: number; row: (n: number) => string[] };
}

export interface Message {
  id: string;
  threadId: string;
  labelIds: string[];
  internalDate: number;
  historyId: number;
  headers: Record<string, string>;
  snippet: string;
  sizeEstimate: number;
}

export interface HistoryRecord {
  id: number;
  type: 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';
  message: Pick<Message, 'id' | 'threadId' | 'labelIds'>;
  /** labelAdded / labelRemoved: the labels this change added or removed. */
  labelIds?: string[];
}

export interface Mailbox {
  historyId: number;
  oldestHistoryId: number;
  messages: Map<string, Message>;
  history: HistoryRecord[];
}

export interface Account {
  id: string;
  email: string;
  files: Map<string, DriveFile>;
  changes: DriveChange[];
  /** The next change number: also the current startPageToken. */
  nextChange: number;
  /** Change tokens below this are rejected (the log before it is gone). */
  firstChange: number;
  spreadsheets: Map<string, { title: string; sheets: Sheet[]; network?: SheetsNetwork }>;
  mailbox: Mailbox | undefined;
}

export class GoogleState {
  readonly clients = new Map<string, string>();
  readonly accounts = new Map<string, Account>();
  readonly refreshTokens = new Map<string, string>();
  /** `refreshToken`: the grant the token came from (revoking either revokes both, as Google does). */
  readonly accessTokens = new Map<string, { accountId: string; expiresAt: number; refreshToken?: string }>();
  /** Installed-app sign-ins: the consent page's pending requests and the codes it issued. */
  readonly consent = new ConsentBook();
  /** Service accounts by client_email: the public key their JWTs must verify with, and whose data they see. */
  readonly serviceAccounts = new Map<string, { publicKey: KeyObject; accountId: string }>();
  /** Every token revoked through /revoke, for tests asserting a disconnect reached Google. */
  readonly revoked: string[] = [];
  private issued = 0;

  constructor(seed: GoogleSeed) {
    for (const client of seed.clients) this.clients.set(client.clientId, client.clientSecret);
    for (const account of seed.accounts) this.addAccount(account);
    this.consent.signedIn = seed.accounts[0]?.id;
  }

  account(id: string): Account {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`google emulator: no account ${id}`);
    return account;
  }

  issueAccessToken(accountId: string, expiresInSec = 3599, token = `ya29.emu-${accountId}-${++this.issued}`, refreshToken?: string): string {
    this.accessTokens.set(token, { accountId, expiresAt: Date.now() + expiresInSec * 1000, ...(refreshToken === undefined ? {} : { refreshToken }) });
    return token;
  }

  /** A new grant from the consent flow: a refresh token of the account. */
  grant(accountId: string): string {
    const token = `1//emu-${accountId}-${++this.issued}-${Math.random().toString(36).slice(2)}`;
    this.refreshTokens.set(token, accountId);
    return token;
  }

  /** Revokes a refresh token or an access token; either takes the whole grant with it. False: unknown token. */
  revoke(token: string): boolean {
    const access = this.accessTokens.get(token);
    const grant = this.refreshTokens.has(token) ? token : access?.refreshToken;
    if (!access && !this.refreshTokens.has(token)) return false;
    this.revoked.push(token);
    if (grant !== undefined) this.refreshTokens.delete(grant);
    for (const [key, value] of this.accessTokens) if (key === token || (grant !== undefined && value.refreshToken === grant)) this.accessTokens.delete(key);
    return true;
  }

  /** Drive mutations append to the change log, as the real service does. */
  putFile(accountId: string, seed: DriveFileSeed): DriveFile {
    const account = this.account(accountId);
    const file = toFile(seed);
    account.files.set(file.id, file);
    this.recordChange(account, file.id, false, file.driveId);
    return file;
  }

  trashFile(accountId: string, fileId: string): void {
    const account = this.account(accountId);
    const file = account.files.get(fileId);
    if (!file) throw new Error(`google emulator: no file ${fileId}`);
    Object.assign(file, { trashed: true, explicitlyTrashed: true, modifiedTime: new Date().toISOString() });
    this.recordChange(account, fileId, false, file.driveId);
  }

  /** Permanent deletion: files.get then answers 404 and changes report `removed: true`. */
  deleteFile(accountId: string, fileId: string): void {
    const account = this.account(accountId);
    const driveId = account.files.get(fileId)?.driveId;
    account.files.delete(fileId);
    account.spreadsheets.delete(fileId);
    this.recordChange(account, fileId, true, driveId);
  }

  addMessage(accountId: string, seed: MessageSeed): Message {
    const mailbox = this.mailbox(accountId);
    mailbox.historyId++;
    const message = toMessage({ ...seed, historyId: mailbox.historyId });
    mailbox.messages.set(message.id, message);
    mailbox.history.push({ id: mailbox.historyId, type: 'messageAdded', message: pickRef(message) });
    return message;
  }

  /**
   * Adds and removes labels of a message as a user's move does ("Not spam", out of the trash, archive): Gmail
   * records one labelAdded and/or labelRemoved history record, never a second messageAdded (api-facts §4).
   */
  modifyLabels(accountId: string, messageId: string, change: { add?: string[]; remove?: string[] }): void {
    const mailbox = this.mailbox(accountId);
    const message = mailbox.messages.get(messageId);
    if (!message) throw new Error(`google emulator: no message ${messageId}`);
    const added = (change.add ?? []).filter((l) => !message.labelIds.includes(l));
    const removed = (change.remove ?? []).filter((l) => message.labelIds.includes(l));
    message.labelIds = [...message.labelIds.filter((l) => !removed.includes(l)), ...added];
    for (const [type, labelIds] of [['labelAdded', added], ['labelRemoved', removed]] as const) {
      if (labelIds.length === 0) continue;
      mailbox.historyId++;
      message.historyId = mailbox.historyId;
      mailbox.history.push({ id: mailbox.historyId, type, message: pickRef(message), labelIds: [...labelIds] });
    }
  }

  deleteMessage(accountId: string, messageId: string): void {
    const mailbox = this.mailbox(accountId);
    const message = mailbox.messages.get(messageId);
    if (!message) throw new Error(`google emulator: no message ${messageId}`);
    mailbox.messages.delete(messageId);
    mailbox.historyId++;
    mailbox.history.push({ id: mailbox.historyId, type: 'messageDeleted', message: pickRef(message) });
  }

  mailbox(accountId: string): Mailbox {
    const mailbox = this.account(accountId).mailbox;
    if (!mailbox) throw new Error(`google emulator: account ${accountId} has no mailbox`);
    return mailbox;
  }

  /** Moves a file into a shared drive (or back to My Drive with null), as a change. */
  setSharedDrive(accountId: string, fileId: string, driveId: string | null): void {
    const account = this.account(accountId);
    const file = account.files.get(fileId);
    if (!file) throw new Error(`google emulator: no file ${fileId}`);
    if (driveId === null) delete file.driveId;
    else file.driveId = driveId;
    this.recordChange(account, fileId, false, file.driveId);
  }

  private recordChange(account: Account, fileId: string, removed: boolean, driveId?: string): void {
    account.changes.push({ seq: account.nextChange++, fileId, removed, time: new Date().toISOString(), ...(driveId === undefined ? {} : { driveId }) });
  }

  private addAccount(seed: GoogleAccountSeed): void {
    const start = seed.changeStart ?? 1;
    const account: Account = {
      id: seed.id,
      email: seed.email,
      files: new Map((seed.files ?? []).map((file) => [file.id, toFile(file)])),
      changes: [],
      nextChange: start,
      firstChange: start,
      spreadsheets: new Map(),
      mailbox: seed.mailbox && {
        historyId: seed.mailbox.historyId,
        oldestHistoryId: seed.mailbox.oldestHistoryId ?? 1,
        messages: new Map(seed.mailbox.messages.map((m) => [m.id, toMessage({ historyId: seed.mailbox?.historyId, ...m })])),
        history: [],
      },
    };
    for (const sheet of seed.spreadsheets ?? []) {
      account.spreadsheets.set(sheet.id, { title: sheet.title, sheets: sheet.sheets.map(toSheet), ...(sheet.network ? { network: sheet.network } : {}) });
      const file = toFile({ id: sheet.id, name: sheet.title, mimeType: SPREADSHEET_MIME, ...(sheet.parents ? { parents: sheet.parents } : {}), trashed: sheet.trashed ?? false });
      account.files.set(file.id, file);
    }
    this.accounts.set(seed.id, account);
    for (const token of seed.refreshTokens) this.refreshTokens.set(token, seed.id);
    for (const access of seed.accessTokens ?? []) this.issueAccessToken(seed.id, access.expiresInSec ?? 3599, access.token);
  }
}
