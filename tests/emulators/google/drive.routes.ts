import type { EmulatorRequest, EmulatorResponse, RouteDefinition } from '../shared/emulator';
import { authed, decodePageToken, encodePageToken, googleError, invalidValue, notFound, pageSize } from './envelopes';
import { parseFieldMask, project, type FieldMask } from './fields-mask';
import { SPREADSHEET_MIME, type Account, type DriveFile, type GoogleState } from './google-state';
import { listVisibility, visibleToChanges, visibleToGet } from './drive-visibility';
import { csvExceeds, sheetRows, toCsv } from './sheet-data';

/** Drive v3 (api-facts §1): files.list/get/export, the changes feed and about.get. */
const MAX_PAGE = 1000;
/** Without `fields`, files.list and files.get return only these per file (docs "Return specific fields"). */
const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';
const EXPORT_LIMIT_BYTES = 10 * 1024 * 1024;

export function driveRoutes(state: GoogleState): RouteDefinition[] {
  return [
    authed(state, { name: 'drive.files.list', method: 'GET', path: '/drive/v3/files' }, listFiles),
    authed(state, { name: 'drive.files.export', method: 'GET', path: '/drive/v3/files/:fileId/export' }, exportFile),
    authed(state, { name: 'drive.files.get', method: 'GET', path: '/drive/v3/files/:fileId' }, (request, account) => {
      const file = account.files.get(request.params.fileId ?? '');
      // Trashed files stay gettable until permanently deleted; shared-drive files only for a caller that supports them.
      if (!file || !visibleToGet(request, file)) return fileNotFound(request.params.fileId ?? '');
      return withFields(request, file, DEFAULT_FILE_FIELDS);
    }),
    authed(state, { name: 'drive.changes.getStartPageToken', method: 'GET', path: '/drive/v3/changes/startPageToken' }, (_request, account) => ({
      status: 200,
      body: { kind: 'drive#startPageToken', startPageToken: String(account.nextChange) },
    })),
    authed(state, { name: 'drive.changes.list', method: 'GET', path: '/drive/v3/changes' }, listChanges),
    authed(state, { name: 'drive.about.get', method: 'GET', path: '/drive/v3/about' }, (request, account) => {
      if (!request.query.get('fields')) return googleError(400, "The 'fields' parameter is required for this method.", { reason: 'required', location: 'fields', locationType: 'parameter' });
      return withFields(request, { kind: 'drive#about', user: { kind: 'drive#user', displayName: account.email, emailAddress: account.email, me: true } }, '');
    }),
  ];
}

const fileNotFound = (id: string) => notFound(`File not found: ${id}.`, 'fileId');

function listFiles(request: EmulatorRequest, account: Account): EmulatorResponse {
  const q = request.query.get('q') ?? '';
  const filter = parseQuery(q);
  if (!filter) return invalidValue('q');
  const visible = listVisibility(request);
  if (typeof visible !== 'function') return visible;
  const size = pageSize(request.query.get('pageSize'), 100, MAX_PAGE);
  const token = request.query.get('pageToken');
  const offset = token ? decodePageToken(token, `files:${q}`) : 0;
  if (offset === undefined) return invalidValue('pageToken');
  const matching = [...account.files.values()].filter((file) => visible(file) && filter(file));
  const files = matching.slice(offset, offset + size);
  const next = offset + size < matching.length ? encodePageToken(offset + size, `files:${q}`) : undefined;
  const body = { kind: 'drive#fileList', ...(next ? { nextPageToken: next } : {}), incompleteSearch: false, files };
  return withFields(request, body, `kind,nextPageToken,incompleteSearch,files(${DEFAULT_FILE_FIELDS})`);
}

/** The subset of Drive's query language the connectors use, joined with `and`. */
function parseQuery(q: string): ((file: DriveFile) => boolean) | undefined {
  if (!q.trim()) return () => true;
  const tests: ((file: DriveFile) => boolean)[] = [];
  for (const clause of q.split(/\s+and\s+/i)) {
    const parent = /^'([^']+)'\s+in\s+parents$/.exec(clause.trim());
    const trashed = /^trashed\s*=\s*(true|false)$/.exec(clause.trim());
    const mime = /^mimeType\s*(=|!=)\s*'([^']+)'$/.exec(clause.trim());
    if (parent?.[1]) tests.push((file) => file.parents.includes(parent[1] as string));
    else if (trashed) tests.push((file) => file.trashed === (trashed[1] === 'true'));
    else if (mime) tests.push((file) => (file.mimeType === mime[2]) === (mime[1] === '='));
    else return undefined;
  }
  return (file) => tests.every((test) => test(file));
}

function listChanges(request: EmulatorRequest, account: Account): EmulatorResponse {
  const raw = request.query.get('pageToken');
  if (raw === null) return googleError(400, 'Required parameter: pageToken', { reason: 'required', location: 'pageToken', locationType: 'parameter' });
  const from = /^\d+$/.test(raw) ? Number(raw) : NaN;
  // Tokens Drive never issued (or from before the retained log) are rejected like any bad parameter.
  if (!(from >= account.firstChange && from <= account.nextChange)) return invalidValue('pageToken');
  const size = pageSize(request.query.get('pageSize'), 100, MAX_PAGE);
  // Like Drive, report only the latest change of each file since the token.
  const latest = new Map<string, number>();
  for (const change of account.changes) latest.set(change.fileId, change.seq);
  // A shared-drive file's changes exist only for a caller that declares shared-drive support.
  const pending = account.changes.filter((change) => change.seq >= from && latest.get(change.fileId) === change.seq && visibleToChanges(request, change.driveId));
  const page = pending.slice(0, size);
  const rest = pending[size];
  const changes = page.map((change) => {
    const file = change.removed ? undefined : account.files.get(change.fileId);
    return { kind: 'drive#change', changeType: 'file', fileId: change.fileId, time: change.time, removed: change.removed || !file, ...(file ? { file } : {}) };
  });
  const body = {
    kind: 'drive#changeList',
    ...(rest ? { nextPageToken: String(rest.seq) } : { newStartPageToken: String(account.nextChange) }),
    changes,
  };
  return withFields(request, body, '');
}

function exportFile(request: EmulatorRequest, account: Account): EmulatorResponse {
  const id = request.params.fileId ?? '';
  const file = account.files.get(id);
  if (!file) return fileNotFound(id);
  const mimeType = request.query.get('mimeType');
  if (!mimeType) return googleError(400, 'Required parameter: mimeType', { reason: 'required', location: 'mimeType', locationType: 'parameter' });
  const sheet = account.spreadsheets.get(id);
  if (file.mimeType !== SPREADSHEET_MIME || !sheet) return googleError(403, 'Export only supports Docs Editors files.', { reason: 'fileNotExportable' });
  if (mimeType !== 'text/csv') return invalidValue('mimeType');
  // CSV export holds the first sheet only (docs "Export MIME types").
  const first = sheet.sheets[0];
  // Judged before building it: a world's generated tab may hold millions of rows (the demo's own process).
  if (first && csvExceeds(first, EXPORT_LIMIT_BYTES)) return googleError(403, 'This file is too large to be exported.', { reason: 'exportSizeLimitExceeded' });
  const csv = toCsv(first ? sheetRows(first, 0, first.rowCount) : []);
  if (Buffer.byteLength(csv) > EXPORT_LIMIT_BYTES) return googleError(403, 'This file is too large to be exported.', { reason: 'exportSizeLimitExceeded' });
  return { status: 200, body: csv, headers: { 'Content-Type': 'text/csv' } };
}

/** Applies `fields`; `fallback` is the mask used when the client sent none ('' = everything). */
function withFields(request: EmulatorRequest, body: object, fallback: string): EmulatorResponse {
  const spec = request.query.get('fields') ?? fallback;
  if (!spec) return { status: 200, body };
  let mask: FieldMask;
  try {
    mask = parseFieldMask(spec);
  } catch {
    return googleError(400, `Invalid field selection ${spec}`, { reason: 'invalidParameter', location: 'fields', locationType: 'parameter' });
  }
  return { status: 200, body: project(body, mask) };
}
