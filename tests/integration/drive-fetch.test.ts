import { describe, expect, it } from 'vitest';
import { DRIVE_API, googleGet, googleUrl } from '../../core/connectors/google/google-fetch';
import { drive } from '../../core/connectors/google/googleapis-lite';
import { describeGooglePair } from '../helpers/google-fetch-pair';

/**
 * Drive's files.list and changes.list pages go through plain fetch
 * (google-fetch.ts, DriveConnector.plainGet) instead of googleapis. Pinned
 * here with the parameters DriveConnector sends: for the same answers,
 * googleapis (as DriveConnector built it, over Node's fetch) and the fetch
 * path send the same request line and token and end in the same value or
 * the same mapped error. Drive's own 404 `notFound` stays `not-found`; an
 * HTML 404 stays unknown.
 */
const FIELDS = 'id,name,mimeType,trashed,parents,modifiedTime,size,md5Checksum';
/** The answer is picked by the page token (both calls carry one). */
const tokenOf = (url: string) => new URL(url, 'http://x/').searchParams.get('pageToken') ?? '';

function filesParams(pageToken: string, q?: string) {
  return { supportsAllDrives: true, includeItemsFromAllDrives: true, corpora: 'allDrives', pageSize: 1000, fields: 'nextPageToken,incompleteSearch,files(id,trashed)', ...(q ? { q } : {}), pageToken } as const;
}
function changesParams(pageToken: string) {
  return { supportsAllDrives: true, includeItemsFromAllDrives: true, pageToken, pageSize: 1000, fields: `nextPageToken,newStartPageToken,changes(fileId,removed,time,file(${FIELDS}))` } as const;
}

const FOLDER_QUERY = "'a\\'b c/d?e#f%g+h!(i)*é😀' in parents and trashed = false";

/** One Drive listing route through googleapis (as DriveConnector built it) and through the plain path. */
function describeDrivePair(route: 'files' | 'changes', okBody: unknown) {
  return describeGooglePair(`Drive ${route}.list through plain fetch, against googleapis`, {
    service: 'google-drive',
    okBody: JSON.stringify(okBody),
    answerKey: tokenOf,
    viaSdk: async (token, options, signal) => {
      const client = drive({ version: 'v3', ...options, fetchImplementation: fetch });
      return (route === 'files' ? await client.files.list(filesParams(token, FOLDER_QUERY), { signal }) : await client.changes.list(changesParams(token), { signal })).data;
    },
    viaFetch: (token, options, signal) => googleGet(DRIVE_API, options, googleUrl(DRIVE_API, options, `/drive/v3/${route}`, route === 'files' ? filesParams(token, FOLDER_QUERY) : changesParams(token)), signal),
  });
}

const files = describeDrivePair('files', { nextPageToken: 'n2', incompleteSearch: false, files: [{ id: 'f1', trashed: false }, { id: 'f2', trashed: true }] });
describeDrivePair('changes', { newStartPageToken: 's9', changes: [{ fileId: 'f1', removed: true, time: '2026-01-01T00:00:00Z' }, { fileId: 'f2', removed: false, file: { id: 'f2', name: 'n', trashed: false } }] });

describe('Drive listing parameters', () => {
  it('sends every parameter and odd page tokens as googleapis does', async () => {
    for (const token of ['ok', "a b/c?d#e%f+g!h'(i)*&x=y", 'émoji😀', '~-._']) {
      const { viaSdk, viaFetch, requests } = await files.both(token);
      expect(viaFetch).toEqual(viaSdk);
      expect(requests[1]?.url).toBe(requests[0]?.url);
    }
    const { requests } = await files.both('ok');
    const query = new URL(requests[0]?.url ?? '', 'http://x/').searchParams;
    expect(Object.fromEntries(query)).toEqual({ ...filesParams('ok', FOLDER_QUERY), supportsAllDrives: 'true', includeItemsFromAllDrives: 'true', pageSize: '1000' });
    expect(requests[0]?.url).toMatch(/^\/drive\/v3\/files\?/);
  });

  it("only Drive's own 404 notFound is not-found; an HTML 404 or an empty 503 is unknown", async () => {
    expect((await files.both('gone')).viaFetch).toMatchObject({ kind: 'not-found', status: 404, reason: 'notFound' });
    expect((await files.both('gatewayGone')).viaFetch).toMatchObject({ kind: 'unavailable', status: 404, reason: 'foreign-answer' });
    expect((await files.both('broken')).viaFetch).toMatchObject({ kind: 'unavailable', status: 503 });
  });
});
