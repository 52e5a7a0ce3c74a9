import type { files } from 'dropbox';
import { ConnectorError, FOREIGN_ANSWER } from '../shared/connector-error';
import { DROPBOX } from './dropbox-fetch';

/**
 * Our view of Dropbox metadata: the fields the engines use, camelCased, so
 * nothing above the connector depends on SDK types. `deleted` entries come
 * from delta listings (or include_deleted) and carry no id.
 */
export interface DropboxFile {
  tag: 'file';
  id: string;
  name: string;
  pathLower: string;
  pathDisplay: string;
  rev: string;
  size: number;
  serverModified: string;
  contentHash: string | undefined;
}

export interface DropboxFolder {
  tag: 'folder';
  id: string;
  name: string;
  pathLower: string;
  pathDisplay: string;
}

interface DropboxDeleted {
  tag: 'deleted';
  name: string;
  pathLower: string;
  pathDisplay: string;
}

export type DropboxEntry = DropboxFile | DropboxFolder | DropboxDeleted;

/** One page of a listing; the cursor of the last page is the one to keep for the next delta. */
export interface DropboxPage {
  entries: DropboxEntry[];
  cursor: string;
  hasMore: boolean;
}

type SdkMetadata = files.FileMetadataReference | files.FolderMetadataReference | files.DeletedMetadataReference;

/**
 * Dropbox's metadata as our entry. A body that is not Dropbox metadata (no known `.tag`, no name, a file or folder
 * without an id: a gateway's or cache's 200) is a foreign answer (DESIGN §4.1): it throws `unavailable`, so it
 * proves nothing about any file, and never surfaces as a TypeError.
 */
export function toEntry(meta: SdkMetadata): DropboxEntry {
  if (!isMetadata(meta)) throw new ConnectorError('unavailable', DROPBOX, 'Dropbox answered 200 with a body that is not Dropbox metadata: it proves nothing about absence', { reason: FOREIGN_ANSWER });
  // path_lower/path_display are optional in the spec (absent for items outside the caller's view); fall back to the name.
  const pathDisplay = meta.path_display ?? meta.name;
  const pathLower = meta.path_lower ?? pathDisplay.toLowerCase();
  switch (meta['.tag']) {
    case 'file':
      return {
        tag: 'file',
        id: meta.id,
        name: meta.name,
        pathLower,
        pathDisplay,
        rev: meta.rev,
        size: meta.size,
        serverModified: meta.server_modified,
        contentHash: meta.content_hash,
      };
    case 'folder':
      return { tag: 'folder', id: meta.id, name: meta.name, pathLower, pathDisplay };
    case 'deleted':
      return { tag: 'deleted', name: meta.name, pathLower, pathDisplay };
  }
}

/** The shape every metadata entry Dropbox sends has: a known tag, a name, string paths if any, and an id on files and folders. */
function isMetadata(meta: unknown): meta is SdkMetadata {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return false;
  const fields = meta as Record<string, unknown>;
  const tag = fields['.tag'];
  if (tag !== 'file' && tag !== 'folder' && tag !== 'deleted') return false;
  if (typeof fields.name !== 'string') return false;
  if (fields.path_lower !== undefined && typeof fields.path_lower !== 'string') return false;
  if (fields.path_display !== undefined && typeof fields.path_display !== 'string') return false;
  return tag === 'deleted' || (typeof fields.id === 'string' && fields.id !== '');
}
