import type { EmulatorRequest, EmulatorResponse, RouteDefinition } from '../shared/emulator';
import { authed, decodePageToken, encodePageToken, googleError, invalidValue, notFound, pageSize } from './envelopes';
import { gmailFilter } from './gmail-query';
import type { Account, GoogleState, Mailbox, Message } from './google-state';

/** Gmail v1 (api-facts §4): messages.list/get, history.list and getProfile for `users/me`. */
const MAX_PAGE = 500;
type MailHandler = (request: EmulatorRequest, mailbox: Mailbox, account: Account) => EmulatorResponse;

export function gmailRoutes(state: GoogleState): RouteDefinition[] {
  const route = (name: string, path: string, handle: MailHandler) =>
    authed(state, { name, method: 'GET', path: `/gmail/v1/users/:userId${path}` }, (request, account) => {
      const userId = request.params.userId ?? '';
      if (userId !== 'me' && userId !== account.email) return googleError(403, `Delegation denied for ${account.email}`, { reason: 'forbidden' });
      if (!account.mailbox) return googleError(400, 'Mail service not enabled', { reason: 'failedPrecondition' });
      return handle(request, account.mailbox, account);
    });
  return [
    route('gmail.messages.list', '/messages', listMessages),
    route('gmail.messages.get', '/messages/:id', getMessage),
    route('gmail.history.list', '/history', listHistory),
    route('gmail.profile.get', '/profile', (_request, mailbox, account) => ({
      status: 200,
      body: { emailAddress: account.email, messagesTotal: mailbox.messages.size, threadsTotal: threadCount(mailbox), historyId: String(mailbox.historyId) },
    })),
  ];
}

function listMessages(request: EmulatorRequest, mailbox: Mailbox): EmulatorResponse {
  const q = request.query.get('q') ?? '';
  const scope = `messages:${q}`;
  const size = pageSize(request.query.get('maxResults'), 100, MAX_PAGE);
  const token = request.query.get('pageToken');
  const offset = token ? decodePageToken(token, scope) : 0;
  if (offset === undefined) return invalidValue('pageToken');
  const filter = gmailFilter(q);
  // Spam and trash are left out unless asked for; newest first, as Gmail lists.
  const visible = (m: Message) => request.query.get('includeSpamTrash') === 'true' || !m.labelIds.some((l) => l === 'SPAM' || l === 'TRASH');
  const matching = [...mailbox.messages.values()].filter((m) => visible(m) && filter(m)).sort((a, b) => b.internalDate - a.internalDate);
  const page = matching.slice(offset, offset + size).map((m) => ({ id: m.id, threadId: m.threadId }));
  const next = offset + size < matching.length ? encodePageToken(offset + size, scope) : undefined;
  return {
    status: 200,
    body: { ...(page.length > 0 ? { messages: page } : {}), ...(next ? { nextPageToken: next } : {}), resultSizeEstimate: matching.length },
  };
}

function getMessage(request: EmulatorRequest, mailbox: Mailbox): EmulatorResponse {
  const message = mailbox.messages.get(request.params.id ?? '');
  if (!message) return notFound('Requested entity was not found.');
  const format = request.query.get('format') ?? 'full';
  if (format === 'raw') return googleError(400, 'format=raw is not emulated', { reason: 'invalidArgument' });
  const wanted = request.query.getAll('metadataHeaders').map((h) => h.toLowerCase());
  const headers = Object.entries(message.headers)
    .filter(([name]) => format !== 'metadata' || wanted.length === 0 || wanted.includes(name.toLowerCase()))
    .map(([name, value]) => ({ name, value }));
  const body = {
    id: message.id,
    threadId: message.threadId,
    labelIds: message.labelIds,
    snippet: message.snippet,
    // int64 values travel as strings (api-facts §4).
    historyId: String(message.historyId),
    internalDate: String(message.internalDate),
    sizeEstimate: message.sizeEstimate,
    ...(format === 'minimal' ? {} : { payload: { partId: '', mimeType: 'text/plain', filename: '', headers, body: { size: 0 } } }),
  };
  return { status: 200, body };
}

/** Where a history record of each type puts its message (Gmail v1 History resource). */
const HISTORY_KEYS = { messageAdded: 'messagesAdded', messageDeleted: 'messagesDeleted', labelAdded: 'labelsAdded', labelRemoved: 'labelsRemoved' } as const;

function listHistory(request: EmulatorRequest, mailbox: Mailbox): EmulatorResponse {
  const raw = request.query.get('startHistoryId') ?? '';
  if (!/^\d+$/.test(raw)) return invalidValue('startHistoryId');
  const start = Number(raw);
  // A history id older than the retained log: 404, and the client must do a full sync.
  if (start < mailbox.oldestHistoryId) return notFound('Requested entity was not found.');
  const types = request.query.getAll('historyTypes');
  const scope = `history:${start}:${types.join(',')}`;
  const size = pageSize(request.query.get('maxResults'), 100, MAX_PAGE);
  const token = request.query.get('pageToken');
  const offset = token ? decodePageToken(token, scope) : 0;
  if (offset === undefined) return invalidValue('pageToken');
  const records = mailbox.history.filter((r) => r.id > start && (types.length === 0 || types.includes(r.type)));
  const page = records.slice(offset, offset + size).map((r) => ({
    id: String(r.id),
    messages: [{ id: r.message.id, threadId: r.message.threadId }],
    [HISTORY_KEYS[r.type]]: [r.labelIds ? { message: r.message, labelIds: r.labelIds } : { message: r.message }],
  }));
  const next = offset + size < records.length ? encodePageToken(offset + size, scope) : undefined;
  return {
    status: 200,
    body: { ...(page.length > 0 ? { history: page } : {}), ...(next ? { nextPageToken: next } : {}), historyId: String(mailbox.historyId) },
  };
}

function threadCount(mailbox: Mailbox): number {
  return new Set([...mailbox.messages.values()].map((m) => m.threadId)).size;
}
