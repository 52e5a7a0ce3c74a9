import { gmail, type gmail_v1 } from './googleapis-lite';
import type { ConnectionCheck } from '../shared/connection-check';
import { ConnectorError, FOREIGN_ANSWER, isConnectorError } from '../shared/connector-error';
import type { ServicePolicy } from '../shared/service-policy';
import { GoogleCaller, type GoogleConnectorOptions } from './google-caller';
import { CursorRejectedError, rejectedParameter } from './google-errors';
import { encodePathValue, GMAIL_API, googleGet, googleUrl } from './google-fetch';

/**
 * Gmail v1 for one user (`users/me`, api-facts §4). Lists return ids only;
 * metadata is one call per message (googleapis has no batch support). The
 * history cursor can expire: then listHistory throws CursorRejectedError and
 * the import must do a full listing.
 */
interface MessageRef {
  id: string;
  threadId: string;
}

export interface MessagePage {
  messages: MessageRef[];
  nextPageToken?: string;
  resultSizeEstimate: number;
}

export interface MessageMetadata extends MessageRef {
  labelIds: string[];
  snippet: string;
  historyId: string;
  /** Epoch milliseconds. */
  internalDate: number;
  sizeEstimate: number;
  /** Requested headers by their name as sent (Subject, From…). */
  headers: Record<string, string>;
}

export interface HistoryPage {
  added: MessageRef[];
  deleted: MessageRef[];
  /** Messages that lost labels (a `labelRemoved` record: "Not spam", out of the trash), with the labels removed. */
  labelsRemoved: { message: MessageRef; labelIds: string[] }[];
  /** The mailbox's history id now; store it after the last page. */
  historyId: string;
  nextPageToken?: string;
}

export type HistoryType = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';

export interface GmailProfile {
  emailAddress: string;
  historyId: string;
  messagesTotal: number;
}

const PAGE_SIZE = 500;
const DEFAULT_HEADERS = ['Subject', 'From', 'To', 'Date', 'Message-ID'];

export class GmailConnector {
  private readonly caller: GoogleCaller;
  private readonly gmail: gmail_v1.Gmail;

  constructor(options: GoogleConnectorOptions) {
    this.caller = new GoogleCaller('gmail', options);
    this.gmail = gmail({ version: 'v1', ...this.caller.clientOptions });
  }

  get policy(): ServicePolicy {
    return this.caller.policy;
  }

  /** Pages of message ids matching `q` (Gmail search syntax), newest first. */
  async *listMessages(query: { q?: string; pageToken?: string } = {}, signal?: AbortSignal): AsyncGenerator<MessagePage> {
    let pageToken = query.pageToken;
    const seen = new Set<string>();
    do {
      const params: gmail_v1.Params$Resource$Users$Messages$List = { userId: 'me', maxResults: PAGE_SIZE, ...(query.q ? { q: query.q } : {}), ...(pageToken ? { pageToken } : {}) };
      const { data } = await this.cursorCall('gmail-messages', (s) => this.gmail.users.messages.list(params, { signal: s }), signal);
      // Gmail leaves `messages` out of an empty page but always counts: a page without the count is not Gmail's.
      this.requireGmail(data, 'messages.list', (d) => typeof d.resultSizeEstimate === 'number' && (d.messages === undefined || Array.isArray(d.messages)));
      pageToken = this.nextToken(data.nextPageToken, seen, 'messages.list');
      const messages = (data.messages ?? []).map((m) => ({ id: m.id ?? '', threadId: m.threadId ?? '' }));
      yield { messages, resultSizeEstimate: data.resultSizeEstimate ?? 0, ...(pageToken ? { nextPageToken: pageToken } : {}) };
    } while (pageToken);
  }

  /** Headers and ids of one message; a deleted message throws `not-found`. */
  async getMessageMetadata(id: string, headers: string[] = DEFAULT_HEADERS, signal?: AbortSignal): Promise<MessageMetadata> {
    // Plain fetch, not googleapis: this call runs once per imported message, and googleapis' stack cost 3x its CPU (google-fetch.ts).
    const url = googleUrl(GMAIL_API, this.caller.clientOptions, `/gmail/v1/users/me/messages/${encodePathValue(id)}`, { format: 'metadata', metadataHeaders: headers });
    const body = await this.caller.call((s) => googleGet(GMAIL_API, this.caller.clientOptions, url, s), signal);
    this.requireGmail(body, 'messages.get', (d) => d.id === id && typeof d.threadId === 'string');
    const data = body as gmail_v1.Schema$Message;
    return {
      id: data.id ?? id,
      threadId: data.threadId ?? '',
      labelIds: data.labelIds ?? [],
      snippet: data.snippet ?? '',
      historyId: data.historyId ?? '',
      internalDate: Number(data.internalDate ?? 0),
      sizeEstimate: data.sizeEstimate ?? 0,
      headers: Object.fromEntries((data.payload?.headers ?? []).map((h) => [h.name ?? '', h.value ?? ''])),
    };
  }

  /**
   * Pages of history since `startHistoryId`; a too-old id throws CursorRejectedError (full sync needed).
   * `historyTypes` narrows the records (an import asks for `messageAdded` only).
   */
  async *listHistory(startHistoryId: string, signal?: AbortSignal, options: { historyTypes?: HistoryType[] } = {}): AsyncGenerator<HistoryPage> {
    let pageToken: string | undefined;
    const seen = new Set<string>();
    do {
      const params: gmail_v1.Params$Resource$Users$History$List = {
        userId: 'me',
        startHistoryId,
        maxResults: PAGE_SIZE,
        historyTypes: options.historyTypes ?? ['messageAdded', 'messageDeleted'],
        ...(pageToken ? { pageToken } : {}),
      };
      const { data } = await this.cursorCall('gmail-history', (s) => this.gmail.users.history.list(params, { signal: s }), signal);
      this.requireGmail(data, 'history.list', (d) => typeof d.historyId === 'string' && (d.history === undefined || Array.isArray(d.history)));
      pageToken = this.nextToken(data.nextPageToken, seen, 'history.list');
      const records = data.history ?? [];
      const refs = (items: { message?: gmail_v1.Schema$Message }[] | undefined) => (items ?? []).map((i) => ({ id: i.message?.id ?? '', threadId: i.message?.threadId ?? '' }));
      yield {
        added: records.flatMap((r) => refs(r.messagesAdded)),
        deleted: records.flatMap((r) => refs(r.messagesDeleted)),
        labelsRemoved: records.flatMap((r) => (r.labelsRemoved ?? []).map((i) => ({ message: { id: i.message?.id ?? '', threadId: i.message?.threadId ?? '' }, labelIds: i.labelIds ?? [] }))),
        historyId: data.historyId ?? startHistoryId,
        ...(pageToken ? { nextPageToken: pageToken } : {}),
      };
    } while (pageToken);
  }

  async getProfile(signal?: AbortSignal): Promise<GmailProfile> {
    const { data } = await this.caller.call((s) => this.gmail.users.getProfile({ userId: 'me' }, { signal: s }), signal);
    this.requireGmail(data, 'getProfile', (d) => typeof d.historyId === 'string' && d.historyId !== '');
    return { emailAddress: data.emailAddress ?? '', historyId: data.historyId ?? '', messagesTotal: data.messagesTotal ?? 0 };
  }

  testConnection(): Promise<ConnectionCheck> {
    return this.caller.check(async (s) => {
      const { data } = await this.gmail.users.getProfile({ userId: 'me' }, { signal: s });
      return `Gmail: connected as ${data.emailAddress ?? 'unknown user'}`;
    });
  }

  /**
   * A 200 whose body is not Gmail's (a gateway's or captive portal's HTML, an
   * empty body, another JSON) is a foreign answer (DESIGN §4.1): read as an
   * empty page it would move the cursor past mail never imported, read as a
   * message it would insert a junk row that blocks the real one for ever.
   */
  private requireGmail(data: unknown, route: string, isGmail: (body: Record<string, unknown>) => boolean): void {
    if (data !== null && typeof data === 'object' && !Array.isArray(data) && isGmail(data as Record<string, unknown>)) return;
    throw new ConnectorError('unavailable', this.caller.service, `Gmail ${route} answered 200 with a body that is not Gmail's`, { reason: FOREIGN_ANSWER });
  }

  /** The next page token; one this listing already followed would loop for ever (a cache or proxy replaying a page): foreign. */
  private nextToken(token: string | null | undefined, seen: Set<string>, route: string): string | undefined {
    if (!token) return undefined;
    if (seen.has(token)) throw new ConnectorError('unavailable', this.caller.service, `Gmail ${route} handed out a page token already followed: the listing stopped`, { reason: FOREIGN_ANSWER });
    seen.add(token);
    return token;
  }

  /** A history id Gmail no longer knows answers 404; a malformed one or a stale page token, 400. */
  private async cursorCall<T>(cursor: 'gmail-messages' | 'gmail-history', request: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.caller.call(request, signal);
    } catch (error) {
      const staleHistory = cursor === 'gmail-history' && isConnectorError(error, 'not-found');
      const badParameter = isConnectorError(error, 'invalid-request') && ['pageToken', 'startHistoryId'].includes(rejectedParameter(error) ?? '');
      if (isConnectorError(error) && (staleHistory || badParameter)) throw new CursorRejectedError(this.caller.service, cursor, error);
      throw error;
    }
  }
}
