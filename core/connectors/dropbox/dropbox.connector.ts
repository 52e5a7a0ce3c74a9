import { Dropbox, type DropboxResponse, type files } from 'dropbox';
import type { ConnectionCheck } from '../shared/connection-check';
import { ConnectorError, FOREIGN_ANSWER, isConnectorError } from '../shared/connector-error';
import { InMemoryTokenStore, type OAuthTokenStore } from '../shared/oauth-tokens';
import { createServicePolicy, type ServicePolicy, type ServicePolicyOptions } from '../shared/service-policy';
import { toEntry, type DropboxFile, type DropboxFolder, type DropboxPage } from './dropbox-entries';
import { toConnectorError } from './dropbox-errors';
import { createDropboxFetch, DROPBOX, type DropboxFetch } from './dropbox-fetch';
import { DropboxSession } from './dropbox-session';

/** list_folder's ceiling (`max_value=2000`, api-facts §5): the fewest calls per full pass. */
const DROPBOX_MAX_PAGE_SIZE = 2000;

/** 401 tags a new access token can cure; `missing_scope`, `user_suspended` and the like it cannot. */
const STALE_TOKEN_REASONS = new Set(['expired_access_token', 'invalid_access_token', 'unauthorized']);

export interface DropboxConnectorOptions extends Partial<Omit<ServicePolicyOptions, 'service'>> {
  appKey: string;
  appSecret: string;
  /** This user's tokens (the product's storage-account row); refreshed tokens are written back. */
  tokens: OAuthTokenStore;
  /** Origin standing in for the Dropbox hosts, e.g. an emulator; absent in production. */
  baseUrl?: string;
  /** Per-request timeout; the SDK has none. */
  timeoutMs?: number;
  /** Entries per list_folder page (1..2000). */
  pageSize?: number;
  /** A policy shared by all users' connectors, so the bulkhead caps the whole service; else one is built. */
  policy?: ServicePolicy;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * One user's Dropbox, through the official SDK. Every outcome is a typed
 * ConnectorError (see dropbox-errors.ts); every HTTP request, token requests
 * included, goes through the service policy exactly once per attempt, so
 * `onRequest` counts what Dropbox saw.
 */
export class DropboxConnector {
  readonly policy: ServicePolicy;
  private readonly session: DropboxSession;
  private readonly pageSize: number;

  constructor(private readonly options: DropboxConnectorOptions) {
    const { concurrency = 4, maxAttempts, initialDelayMs, maxDelayMs, onRequest, onRetry } = options;
    this.policy = options.policy ?? createServicePolicy({ service: DROPBOX, concurrency, maxAttempts, initialDelayMs, maxDelayMs, onRequest, onRetry });
    this.pageSize = Math.min(DROPBOX_MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? DROPBOX_MAX_PAGE_SIZE));
    this.session = new DropboxSession({ ...options, policy: this.policy, fetchFor: (signal) => this.fetchFor(signal) });
  }

  /** A full listing as pages, following `continue`; returns the cursor for the next `listChanges`. */
  async *listFolder(args: { path: string; recursive?: boolean; includeDeleted?: boolean }, options: CallOptions = {}): AsyncGenerator<DropboxPage, string> {
    const first = await this.call((dbx) => dbx.filesListFolder(this.listArgs(args)), options.signal);
    return yield* this.pages(first, options.signal, toPage);
  }

  /**
   * The same listing as `listFolder`, as the ids of its file entries only, page by page: what a diff against a
   * table of ids uses. No entry object per file (a million files a run); the same calls and the same cursor.
   */
  async *listFileIds(args: { path: string; recursive?: boolean }, options: CallOptions = {}): AsyncGenerator<string[], string> {
    const first = await this.call((dbx) => dbx.filesListFolder(this.listArgs(args)), options.signal);
    return yield* this.pages(first, options.signal, fileIds);
  }

  /**
   * What changed since `cursor`, as pages; returns the cursor to keep.
   * Throws CursorResetError when Dropbox no longer honours the cursor: list again from scratch.
   */
  async *listChanges(cursor: string, options: CallOptions = {}): AsyncGenerator<DropboxPage, string> {
    const first = await this.call((dbx) => dbx.filesListFolderContinue({ cursor }), options.signal);
    return yield* this.pages(first, options.signal, toPage);
  }

  /** A cursor at "now" without listing: the next `listChanges` returns only later changes. */
  async getLatestCursor(args: { path: string; recursive?: boolean }, options: CallOptions = {}): Promise<string> {
    return (await this.call((dbx) => dbx.filesListFolderGetLatestCursor(this.listArgs(args)), options.signal)).cursor;
  }

  /** The file or folder at `path` (or `id:…`); throws `not-found` only on Dropbox's 409 path/not_found. */
  async getMetadata(path: string, options: CallOptions = {}): Promise<DropboxFile | DropboxFolder> {
    const meta = await this.call((dbx) => dbx.filesGetMetadata({ path, include_deleted: false }), options.signal);
    const entry = toEntry(meta);
    // include_deleted:false never yields a deleted entry, and an `id:` lookup answers with that id: anything else is
    // not Dropbox's answer to this question (a cache or gateway), so it proves neither "found" nor "gone".
    if (entry.tag === 'deleted') throw new ConnectorError('unavailable', DROPBOX, `Dropbox answered a deleted entry for ${path}, which it never sends without include_deleted: not Dropbox's answer`, { reason: FOREIGN_ANSWER });
    if (path.startsWith('id:') && entry.id !== path) throw new ConnectorError('unavailable', DROPBOX, `Dropbox answered with another file (${entry.id}) for ${path}: not Dropbox's answer`, { reason: FOREIGN_ANSWER });
    return entry;
  }

  /**
   * Proves the app key and secret (a token refresh) and the user's grant
   * (get_current_account), once, without backoff: a connection test answers now.
   */
  async testConnection(): Promise<ConnectionCheck> {
    const once = createServicePolicy({ service: DROPBOX, concurrency: 1, maxAttempts: 1, ...(this.options.onRequest ? { onRequest: this.options.onRequest } : {}) });
    const probe = new DropboxConnector({ ...this.options, policy: once });
    try {
      const stored = await this.options.tokens.load();
      if (stored.refreshToken) await probe.session.refresh();
      const account = await probe.call((dbx) => dbx.usersGetCurrentAccount());
      return { ok: true, status: 'ok', message: `Connected to the Dropbox account ${account.email}` };
    } catch (error) {
      return failedCheck(error);
    }
  }

  /**
   * The app-level check behind connections.test, when no user token is at
   * hand: exchange a refresh token that cannot exist. Dropbox answers
   * `invalid_grant` only after it accepted the app key and secret, and
   * `invalid_client` when it did not: one request, nothing stored.
   */
  async checkAppCredentials(): Promise<ConnectionCheck> {
    const once = createServicePolicy({ service: DROPBOX, concurrency: 1, maxAttempts: 1, ...(this.options.onRequest ? { onRequest: this.options.onRequest } : {}) });
    const tokens = new InMemoryTokenStore({ accessToken: null, refreshToken: APP_CHECK_REFRESH_TOKEN, expiresAt: null });
    const probe = new DropboxConnector({ ...this.options, tokens, policy: once });
    try {
      await probe.session.refresh();
      return { ok: true, status: 'ok', message: 'Dropbox accepted the app key and secret' };
    } catch (error) {
      if (isConnectorError(error, 'token-revoked') && error.reason === 'invalid_grant') {
        return { ok: true, status: 'ok', message: 'Dropbox accepted the app key and secret' };
      }
      return failedCheck(error);
    }
  }

  private async *pages<P>(first: files.ListFolderResult, signal: AbortSignal | undefined, shape: (page: files.ListFolderResult) => P): AsyncGenerator<P, string> {
    let page = first;
    const followed = new Set<string>();
    yield shape(page);
    while (page.has_more) {
      const cursor = page.cursor;
      // A cursor already followed would loop for ever (a cache or proxy replaying a page): not Dropbox speaking.
      if (followed.has(cursor)) throw new ConnectorError('unavailable', DROPBOX, 'Dropbox handed out a cursor already followed: the listing stopped', { reason: FOREIGN_ANSWER });
      followed.add(cursor);
      page = await this.call((dbx) => dbx.filesListFolderContinue({ cursor }), signal);
      yield shape(page);
    }
    return page.cursor;
  }

  private listArgs(args: { path: string; recursive?: boolean; includeDeleted?: boolean }): files.ListFolderArg {
    // The API wants "" for the root; "/" is a 400.
    const path = args.path === '/' ? '' : args.path;
    return { path, recursive: args.recursive ?? false, include_deleted: args.includeDeleted ?? false, limit: this.pageSize };
  }

  /**
   * One API call with a usable token. A 401 that a new token could cure gets
   * one refresh and one more try (our stored expiry can be wrong: revoked
   * elsewhere, clock skew); a second 401 stays `unauthorized`.
   */
  private async call<T>(request: (dbx: Dropbox) => Promise<DropboxResponse<T>>, signal?: AbortSignal): Promise<T> {
    const attempt = (accessToken: string) =>
      this.policy.execute(async (policySignal) => {
        // No refresh token or app key here: the SDK must never refresh behind our back (api-facts §0.2).
        const dbx = new Dropbox({ accessToken, fetch: this.fetchFor(policySignal) });
        try {
          return (await request(dbx)).result;
        } catch (error) {
          throw toConnectorError(error, 'api') ?? error;
        }
      }, signal);
    const accessToken = await this.session.accessToken(signal);
    try {
      return await attempt(accessToken);
    } catch (error) {
      if (!isConnectorError(error, 'unauthorized') || !STALE_TOKEN_REASONS.has(error.reason ?? '')) throw error;
      if (!(await this.options.tokens.load()).refreshToken) throw error;
      return attempt(await this.session.refresh(signal));
    }
  }

  private fetchFor(signal: AbortSignal | undefined): DropboxFetch {
    return createDropboxFetch({ timeoutMs: this.options.timeoutMs ?? 30_000, ...(this.options.baseUrl ? { baseUrl: this.options.baseUrl } : {}), ...(signal ? { signal } : {}) });
  }
}

const toPage = (page: files.ListFolderResult): DropboxPage => ({ entries: page.entries.map(toEntry), cursor: page.cursor, hasMore: page.has_more });

/** The file entries' ids, as toEntry would give them (`file` entries only). */
function fileIds(page: files.ListFolderResult): string[] {
  const ids: string[] = [];
  for (const entry of page.entries) if (entry['.tag'] === 'file') ids.push(entry.id);
  return ids;
}

const APP_CHECK_REFRESH_TOKEN = 'syncwarden-app-credential-check';

function failedCheck(error: unknown): ConnectionCheck {
  if (!isConnectorError(error)) throw error;
  if (['unauthorized', 'token-revoked', 'forbidden', 'misconfigured'].includes(error.kind)) return { ok: false, status: 'bad-credentials', message: error.message };
  // No HTTP status at all: the connection was refused, dropped or timed out.
  if (error.kind === 'unavailable' && error.status === undefined) return { ok: false, status: 'unreachable', message: error.message };
  return { ok: false, status: 'error', message: error.message };
}
