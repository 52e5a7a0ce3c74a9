import { describe, expect, it } from 'vitest';
import { encodePathValue, GMAIL_API, googleGet, googleUrl } from '../../core/connectors/google/google-fetch';
import { gmail } from '../../core/connectors/google/googleapis-lite';
import { describeGooglePair } from '../helpers/google-fetch-pair';

/**
 * messages.get goes through plain fetch (google-fetch.ts) instead of
 * googleapis. Pinned here: for the same answers, googleapis and the fetch
 * path send the same request (path, query, token) and end in the same value
 * or the same mapped error (kind, status, reason, message, Retry-After).
 */
const okBody = JSON.stringify({ id: 'ok', threadId: 't', labelIds: ['INBOX'], snippet: 's', historyId: '9', internalDate: '17', payload: { headers: [{ name: 'Subject', value: 'Hé' }] } });
const headers = ['Subject', 'From', 'Message-ID', 'X odd/header'];

const { both } = describeGooglePair('Gmail messages.get through plain fetch, against googleapis', {
  service: 'gmail',
  okBody,
  // The message id is the path's last segment.
  answerKey: (url) => decodeURIComponent(url.split('?')[0]?.split('/').pop() ?? ''),
  viaSdk: async (id, options, signal) => (await gmail({ version: 'v1', ...options }).users.messages.get({ userId: 'me', id, format: 'metadata', metadataHeaders: headers }, { signal })).data,
  viaFetch: (id, options, signal) => googleGet(GMAIL_API, options, googleUrl(GMAIL_API, options, `/gmail/v1/users/me/messages/${encodePathValue(id)}`, { format: 'metadata', metadataHeaders: headers }), signal),
});

describe('Gmail messages.get ids', () => {
  it('encodes odd ids in the path as googleapis does', async () => {
    for (const id of ["a b/c?d#e%f+g!h'(i)*", 'émoji😀', '']) {
      const { requests } = await both(id);
      expect(requests[1]?.url).toBe(requests[0]?.url);
    }
  });
});
