import type { files } from 'dropbox';

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

export function toEntry(meta: SdkMetadata): DropboxEntry {
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
