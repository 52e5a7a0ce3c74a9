import { drive, type drive_v3 } from './googleapis-lite';
import type { ConnectionCheck } from '../shared/connection-check';
import { ConnectorError, FOREIGN_ANSWER, isConnectorError } from '../shared/connector-error';
import { headerValue } from '../shared/header-value';
import type { ServicePolicy } from '../shared/service-policy';
import { GoogleCaller, type GoogleConnectorOptions } from './google-caller';
import { CursorRejectedError, rejectedParameter } from './google-errors';
import { DRIVE_API, googleGet, googleUrl, type GoogleQuery } from './google-fetch';
import { heldBody, type HeldBody } from '../shared/held-body';

/**
 * Google Drive v3 for one user (api-facts §1). Listings use the largest page
 * (1000) and a minimal field mask; a file is only ever "gone" on a 404
 * `not-found` (thrown) or reported `trashed` — every other failure is thrown
 * as an "unknown" kind and must never make a file an orphan.
 */
interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  trashed: boolean;
  parents: string[];
  modifiedTime?: string;
  size?: number;
  md5Checksum?: string;
}

export interface DriveFilePage {
  files: DriveFile[];
  /** Resume token for the next page; absent on the last page. */
  nextPageToken?: string;
}

/** A page of `listFileIds`: Drive's own file objects with only `id` and `trashed` asked for. */
export interface DriveIdPage {
  files: { id?: string | null; trashed?: boolean | null }[];
  nextPageToken?: string;
}

export interface DriveFileLookup {
  state: 'found' | 'trashed';
  file: DriveFile;
}

interface DriveChange {
  fileId: string;
  /** Deleted or no longer visible to this account; `file` is absent. Trashing is not removal. */
  removed: boolean;
  time?: string;
  file?: DriveFile;
}

export interface DriveChangePage {
  changes: DriveChange[];
  nextPageToken?: string;
  /** Present only on the last page: store it as the next run's cursor. */
  newStartPageToken?: string;
}

export interface DriveListQuery {
  /** Only direct children of this folder; the whole account when absent. */
  folderId?: string;
  /** Default true: trashed files are listed (with `trashed: true`) so they can be reported separately. */
  includeTrashed?: boolean;
  /** Resume a listing from a page token. */
  pageToken?: string;
}

const PAGE_SIZE = 1000;
/**
 * Sent on every Drive read. Without them Drive answers for a file in a shared
 * drive exactly as for a missing one (404 notFound on get, absent from lists
 * and changes: api-facts-2 §11), so a shared-drive file would look deleted.
 */
const ALL_DRIVES = { supportsAllDrives: true } as const;
const ALL_DRIVES_ITEMS = { supportsAllDrives: true, includeItemsFromAllDrives: true } as const;
/**
 * The default corpus (`user`) leaves out shared-drive files the user did not
 * create or open (Drive reference, corpora), so a full listing must ask for
 * `allDrives`; Drive may then answer `incompleteSearch: true`, and such a
 * listing is refused (it would make the missing files look deleted).
 */
const EVERY_CORPUS = { ...ALL_DRIVES_ITEMS, corpora: 'allDrives' } as const;
const FILE_FIELDS = 'id,name,mimeType,trashed,parents,modifiedTime,size,md5Checksum';
/**
 * Drive may answer a short or even empty page with a nextPageToken, a few in a row; this many empty pages in a
 * row, each with a token never seen, is no listing (a gateway minting tokens): without a bound the loop guard
 * (tokens already followed) never fires and the run lists for ever, holding its scope.
 */
const MAX_EMPTY_PAGES = 100;

export class DriveConnector {
  private readonly caller: GoogleCaller;
  private driveBuilt: drive_v3.Drive | undefined;

  constructor(options: GoogleConnectorOptions) {
    this.caller = new GoogleCaller('google-drive', options);
  }

  /**
   * The googleapis client, for the calls that are not listing pages (get, start token, export, about).
   * Built on first use: a storage check builds a connector per account and mostly only lists.
   * Node's own fetch (undici) instead of gaxios's default, node-fetch over node:http, which cost
   * about twice undici's CPU a call (separate head and body socket writes). See docs/performance.md.
   */
  private get drive(): drive_v3.Drive {
    return (this.driveBuilt ??= drive({ version: 'v3', ...this.caller.clientOptions, fetchImplementation: fetch }));
  }

  get policy(): ServicePolicy {
    return this.caller.policy;
  }

  /** Pages of files; loops on `nextPageToken`, never on page length (Drive may return short pages). */
  async *listFiles(query: DriveListQuery = {}, signal?: AbortSignal): AsyncGenerator<DriveFilePage> {
    for await (const page of this.listPages(query, FILE_FIELDS, signal)) yield { files: page.files.map(toDriveFile), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
  }

  /**
   * The same listing asking only for each file's id and trashed flag: what a
   * diff against a table of ids uses. A quarter of the bytes of `listFiles`
   * to send, parse and hold, and no per-file mapping (a million files a run).
   */
  async *listFileIds(query: DriveListQuery = {}, signal?: AbortSignal): AsyncGenerator<DriveIdPage> {
    for await (const page of this.listPages(query, 'id,trashed', signal)) yield page as DriveIdPage;
  }

  private async *listPages(query: DriveListQuery, fileFields: string, signal?: AbortSignal): AsyncGenerator<{ files: drive_v3.Schema$File[]; nextPageToken?: string }> {
    const clauses = [query.folderId === undefined ? undefined : `'${escapeQuery(query.folderId)}' in parents`, query.includeTrashed === false ? 'trashed = false' : undefined];
    const q = clauses.filter(Boolean).join(' and ') || undefined;
    let pageToken = query.pageToken;
    const seen = new Set<string>();
    let empty = 0;
    do {
      const params = { ...EVERY_CORPUS, pageSize: PAGE_SIZE, fields: `nextPageToken,incompleteSearch,files(${fileFields})`, ...(q ? { q } : {}), ...(pageToken ? { pageToken } : {}) } satisfies drive_v3.Params$Resource$Files$List;
      const body = await this.cursorCall('drive-files', (s) => this.plainGet('/drive/v3/files', params, s), signal);
      this.requireArray(body, 'files', 'files.list');
      const data = body as drive_v3.Schema$FileList;
      // Every file Drive lists has its id (we ask for it), a string: an item without one (another API's names,
      // bare strings, numeric ids, nulls) would silently drop a file from the listing and make its row an orphan.
      if (!(data.files as unknown[]).every(isListedFile)) throw this.foreignPage('files.list', 'a file without a string id');
      if (data.incompleteSearch === true) {
        throw new ConnectorError('unavailable', this.caller.service, 'Drive answered incompleteSearch: the listing may be missing files, so it proves nothing about absence', { reason: 'incompleteSearch' });
      }
      pageToken = this.nextToken(data.nextPageToken, seen, 'files.list');
      empty = this.emptyRun(empty, (data.files ?? []).length, pageToken, 'files.list');
      yield { files: data.files ?? [], ...(pageToken ? { nextPageToken: pageToken } : {}) };
    } while (pageToken);
  }

  /** `found` or `trashed`; throws ConnectorError `not-found` only for Drive's own 404 `notFound` envelope. */
  async getFile(fileId: string, signal?: AbortSignal): Promise<DriveFileLookup> {
    // Not followed (gaxios would): a gateway's redirect to the file's URL without supportsAllDrives gets Drive's own
    // 404 notFound for a shared-drive file. The 3xx itself is unknown (mapGoogleError), never an answer about the file.
    const { data } = await this.caller.call((s) => this.drive.files.get({ ...ALL_DRIVES, fileId, fields: FILE_FIELDS }, { signal: s, redirect: 'manual' }), signal);
    // Drive answers with the file asked for (its id is in `fields`). Another file's record (a cache or gateway answering
    // for the wrong URL) says nothing of this one: read as this file's, its `trashed` would quarantine a live row.
    if (data === null || typeof data !== 'object' || data.id !== fileId) throw this.foreignPage('files.get', 'a record of another file, or none');
    const file = toDriveFile(data);
    return { state: file.trashed ? 'trashed' : 'found', file };
  }

  async getStartPageToken(signal?: AbortSignal): Promise<string> {
    const { data } = await this.caller.call((s) => this.drive.changes.getStartPageToken({ ...ALL_DRIVES }, { signal: s }), signal);
    if (!data.startPageToken) throw new Error('Drive returned no startPageToken');
    return data.startPageToken;
  }

  /** Pages of changes since `pageToken`; a rejected token throws CursorRejectedError (do a full pass). */
  async *listChanges(pageToken: string, signal?: AbortSignal): AsyncGenerator<DriveChangePage> {
    let next: string | undefined = pageToken;
    const seen = new Set<string>([pageToken]);
    let empty = 0;
    while (next) {
      const params = {
        ...ALL_DRIVES_ITEMS,
        pageToken: next,
        pageSize: PAGE_SIZE,
        fields: `nextPageToken,newStartPageToken,changes(fileId,removed,time,file(${FILE_FIELDS}))`,
      } satisfies drive_v3.Params$Resource$Changes$List;
      const body = await this.cursorCall('drive-changes', (s) => this.plainGet('/drive/v3/changes', params, s), signal);
      this.requireArray(body, 'changes', 'changes.list');
      const data = body as drive_v3.Schema$ChangeList;
      // Each change is an object (a shared drive's own change has no fileId, so that is not required): nulls crashed
      // the delta, and bare strings read as changes of no file, a delta that concluded `ok` on a foreign page.
      if (!(data.changes as unknown[]).every((change) => change !== null && typeof change === 'object' && !Array.isArray(change))) throw this.foreignPage('changes.list', 'a change that is not an object');
      // Drive ends every page with one of the two tokens; a page with neither is not Drive's.
      if (!data.nextPageToken && !data.newStartPageToken) throw this.foreignPage('changes.list', 'neither nextPageToken nor newStartPageToken');
      next = this.nextToken(data.nextPageToken, seen, 'changes.list');
      empty = this.emptyRun(empty, (data.changes ?? []).length, next, 'changes.list');
      // A change's file is the file the change is about: a record of another file under it is not Drive's.
      if ((data.changes ?? []).some((change) => change.file != null && change.fileId != null && change.file.id != null && change.file.id !== change.fileId)) {
        throw this.foreignPage('changes.list', 'a change whose file is another file');
      }
      const changes = (data.changes ?? []).map((change) => ({
        fileId: change.fileId ?? '',
        removed: change.removed === true,
        ...(change.time ? { time: change.time } : {}),
        ...(change.file ? { file: toDriveFile(change.file) } : {}),
      }));
      yield { changes, ...(next ? { nextPageToken: next } : {}), ...(data.newStartPageToken ? { newStartPageToken: data.newStartPageToken } : {}) };
    }
  }

  /** A Google Sheet's first sheet as CSV bytes (10 MB export cap), streamed. */
  async exportCsv(fileId: string, signal?: AbortSignal): Promise<HeldBody> {
    return (await this.exportCsvSized(fileId, signal)).stream;
  }

  /** The CSV export with its Content-Length when the service sent one (progress by bytes). */
  async exportCsvSized(fileId: string, signal?: AbortSignal): Promise<{ stream: HeldBody; contentLength: number | undefined }> {
    const { data, headers } = await this.caller.call((s) => this.drive.files.export({ fileId, mimeType: 'text/csv' }, { responseType: 'stream', signal: s }), signal);
    const length = Number(headerValue(headers, 'content-length') ?? Number.NaN);
    // Held at once: the spreadsheet's size may be asked before the body is read (held-body.ts).
    return { stream: heldBody(data), contentLength: Number.isFinite(length) && length >= 0 ? length : undefined };
  }

  testConnection(): Promise<ConnectionCheck> {
    return this.caller.check(async (s) => {
      const { data } = await this.drive.about.get({ fields: 'user(emailAddress)' }, { signal: s });
      return `Google Drive: connected as ${data.user?.emailAddress ?? 'unknown user'}`;
    });
  }

  /**
   * A 200 whose body is not Drive's page (a gateway's or captive portal's HTML,
   * an empty body, another JSON) must never read as an empty page: an empty
   * listing would make every row look deleted (DESIGN §4.1). Drive always sends
   * the array, empty or not (api-facts-2 §11).
   */
  private requireArray(data: unknown, key: 'files' | 'changes', route: string): void {
    const value = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(value)) throw this.foreignPage(route, `no \`${key}\` array`);
  }

  /** The next page token; one this listing already followed would loop for ever (a cache or proxy replaying a page): foreign. */
  private nextToken(token: string | null | undefined, seen: Set<string>, route: string): string | undefined {
    if (!token) return undefined;
    if (seen.has(token)) throw this.foreignPage(route, 'a nextPageToken already followed');
    seen.add(token);
    return token;
  }

  /** Empty pages in a row that still point at a next one; past MAX_EMPTY_PAGES the listing is foreign. */
  private emptyRun(before: number, items: number, next: string | undefined, route: string): number {
    const run = items === 0 && next ? before + 1 : 0;
    if (run > MAX_EMPTY_PAGES) throw this.foreignPage(route, `${MAX_EMPTY_PAGES} empty pages in a row, each with a new nextPageToken`);
    return run;
  }

  private foreignPage(route: string, what: string): ConnectorError {
    return new ConnectorError('unavailable', this.caller.service, `Drive ${route} answered 200 with a body that is not Drive's (${what}): it proves nothing about absence`, { reason: FOREIGN_ANSWER });
  }

  /**
   * A listing page as a plain fetch (google-fetch.ts), not through googleapis:
   * a million-file diff is a thousand pages per 1,000 accounts, and googleapis
   * and gaxios cost about three times a plain fetch's CPU per call. It runs
   * inside `cursorCall`, so the caller's token, policy and error mapping stay.
   */
  private plainGet(path: string, params: GoogleQuery, signal: AbortSignal): Promise<unknown> {
    return googleGet(DRIVE_API, this.caller.clientOptions, googleUrl(DRIVE_API, this.caller.clientOptions, path, params), signal);
  }

  private async cursorCall<T>(cursor: 'drive-files' | 'drive-changes', request: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.caller.call(request, signal);
    } catch (error) {
      if (isConnectorError(error, 'invalid-request') && rejectedParameter(error) === 'pageToken') throw new CursorRejectedError(this.caller.service, cursor, error);
      throw error;
    }
  }
}

function toDriveFile(file: drive_v3.Schema$File): DriveFile {
  return {
    id: file.id ?? '',
    name: file.name ?? '',
    mimeType: file.mimeType ?? '',
    trashed: file.trashed === true,
    parents: file.parents ?? [],
    ...(file.modifiedTime ? { modifiedTime: file.modifiedTime } : {}),
    // Drive sends int64 as a string.
    ...(file.size ? { size: Number(file.size) } : {}),
    ...(file.md5Checksum ? { md5Checksum: file.md5Checksum } : {}),
  };
}

/** A files.list item as Drive sends it: an object with a non-empty string id. */
function isListedFile(file: unknown): boolean {
  return file !== null && typeof file === 'object' && typeof (file as { id?: unknown }).id === 'string' && (file as { id: string }).id !== '';
}

function escapeQuery(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

