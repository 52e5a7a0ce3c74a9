import { createHash } from 'node:crypto';
import type { DropboxSeedEntry } from './seed';

/** Metadata exactly as the API serialises it (snake_case, `.tag`). */
export interface FileMeta {
  '.tag': 'file';
  name: string;
  id: string;
  path_lower: string;
  path_display: string;
  rev: string;
  size: number;
  client_modified: string;
  server_modified: string;
  content_hash: string;
  is_downloadable: boolean;
}
export interface FolderMeta {
  '.tag': 'folder';
  name: string;
  id: string;
  path_lower: string;
  path_display: string;
}
export interface DeletedMeta {
  '.tag': 'deleted';
  name: string;
  path_lower: string;
  path_display: string;
}
export type LiveMeta = FileMeta | FolderMeta;
export type AnyMeta = LiveMeta | DeletedMeta;

/** One mutation; the log of these is what cursors point into. */
interface Change {
  pathLower: string;
  meta: LiveMeta | DeletedMeta;
}

/**
 * One account's namespace: live entries plus an append-only change log.
 * A cursor is a position in the log, so `continue` after changes returns
 * exactly what changed since, and a paged full pass reads the state as of
 * the position it started at, even if files change between its pages.
 */
export class AccountFiles {
  readonly log: Change[] = [];
  /** Bumped to invalidate every cursor of this account (answered with `reset`). */
  epoch = 0;
  private readonly live = new Map<string, LiveMeta>();
  private nextId = 1;
  private nextRev = 1;
  private memo: { pos: number; entries: AnyMeta[] } | undefined;

  constructor(private readonly accountId: string) {}

  get position(): number {
    return this.log.length;
  }

  get(pathLower: string): LiveMeta | undefined {
    return this.live.get(pathLower);
  }

  getById(id: string): LiveMeta | undefined {
    for (const meta of this.live.values()) if (meta.id === id) return meta;
    return undefined;
  }

  /** The latest deletion record for a path that is gone now (for include_deleted). */
  tombstone(pathLower: string): DeletedMeta | undefined {
    if (this.live.has(pathLower)) return undefined;
    for (let i = this.log.length - 1; i >= 0; i--) {
      const change = this.log[i];
      if (change?.pathLower === pathLower) return change.meta['.tag'] === 'deleted' ? change.meta : undefined;
    }
    return undefined;
  }

  putFolder(path: string, id?: string): FolderMeta {
    const existing = this.live.get(path.toLowerCase());
    if (existing?.['.tag'] === 'folder') return existing;
    this.ensureParents(path);
    const meta: FolderMeta = { '.tag': 'folder', name: baseName(path), id: id ?? this.newId(), path_lower: path.toLowerCase(), path_display: path };
    this.record(meta);
    return meta;
  }

  putFile(entry: DropboxSeedEntry): FileMeta {
    this.ensureParents(entry.path);
    const previous = this.live.get(entry.path.toLowerCase());
    const modified = entry.serverModified ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const meta: FileMeta = {
      '.tag': 'file',
      name: baseName(entry.path),
      id: entry.id ?? (previous?.['.tag'] === 'file' ? previous.id : this.newId()),
      path_lower: entry.path.toLowerCase(),
      path_display: entry.path,
      rev: entry.rev ?? (this.nextRev++).toString(16).padStart(9, '0') + '0e1a2b3c4',
      size: entry.size ?? 0,
      client_modified: modified,
      server_modified: modified,
      content_hash: createHash('sha256').update(`${entry.path}:${entry.size ?? 0}:${this.nextRev}`).digest('hex'),
      is_downloadable: true,
    };
    this.record(meta);
    return meta;
  }

  /**
   * Renames or moves a file, keeping its id (Dropbox ids are stable across moves): the log records a `deleted`
   * entry for the old path, then the file at its new path, as list_folder/continue reports a move.
   */
  move(from: string, to: string): FileMeta {
    const meta = this.live.get(from.toLowerCase());
    if (meta?.['.tag'] !== 'file') throw new Error(`dropbox emulator: no file at ${from}`);
    this.delete(from);
    return this.putFile({ path: to, id: meta.id, size: meta.size, rev: meta.rev });
  }

  /** Deletes a file or a folder with everything below it; the log records one `deleted` entry, as Dropbox reports it. */
  delete(path: string): boolean {
    const pathLower = path.toLowerCase();
    const meta = this.live.get(pathLower);
    if (!meta) return false;
    for (const key of [...this.live.keys()]) if (key === pathLower || key.startsWith(`${pathLower}/`)) this.live.delete(key);
    this.log.push({ pathLower, meta: { '.tag': 'deleted', name: meta.name, path_lower: pathLower, path_display: meta.path_display } });
    return true;
  }

  /** Entries (and tombstones) as of log position `pos`, sorted parents-first. Memoised per position. */
  stateAt(pos: number): AnyMeta[] {
    if (this.memo?.pos === pos) return this.memo.entries;
    const state = new Map<string, AnyMeta>();
    for (const change of this.log.slice(0, pos)) {
      if (change.meta['.tag'] === 'deleted') {
        for (const key of [...state.keys()]) if (key.startsWith(`${change.pathLower}/`)) state.delete(key);
      }
      state.set(change.pathLower, change.meta);
    }
    const entries = [...state.values()].sort((a, b) => (a.path_lower < b.path_lower ? -1 : a.path_lower > b.path_lower ? 1 : 0));
    this.memo = { pos, entries };
    return entries;
  }

  private record(meta: LiveMeta): void {
    this.live.set(meta.path_lower, meta);
    this.log.push({ pathLower: meta.path_lower, meta });
  }

  private ensureParents(path: string): void {
    const parts = path.split('/').slice(1, -1);
    for (let i = 1; i <= parts.length; i++) {
      const parent = `/${parts.slice(0, i).join('/')}`;
      if (!this.live.has(parent.toLowerCase())) this.putFolder(parent);
    }
  }

  private newId(): string {
    // Stable per account and seed order, shaped like real ids ("id:" + 22 chars).
    const digest = createHash('sha1').update(`${this.accountId}:${this.nextId++}`).digest('base64url');
    return `id:${digest.slice(0, 22)}`;
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
