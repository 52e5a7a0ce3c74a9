import type { DropboxConnector } from '../../connectors/dropbox/dropbox.connector';
import { isCursorReset } from '../../connectors/dropbox/dropbox-errors';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { faultOf } from '../../connectors/shared/fault';
import type { DeltaListing, FullListing, ProbeAnswer, ProviderRemote } from './remote-view';
import { unknownReason } from './remote-view';
import type { FileRow } from './storage-model';

/**
 * Dropbox for one user. A full pass is list_folder("", recursive) with
 * continue, 2000 per page; its last cursor is the delta cursor, for free.
 * Dropbox has no trash state in the API: a file is there or deleted.
 * Delta entries of deleted files carry no id, only a path and a name, and a
 * deleted folder arrives as one entry for the folder: a deletion at a path
 * whose id this delta (or an earlier one's rename) knows makes that id a
 * suspect; any other makes the check list the account in full, which costs
 * ceil(files / 2000) calls: a row's name is the product's and ties no file.
 */
export class DropboxRemote implements ProviderRemote {
  constructor(private readonly dropbox: DropboxConnector) {}

  async list(_withCursor: boolean, signal: AbortSignal): Promise<FullListing> {
    const present = new Set<string>();
    // Ids only (listFileIds): the diff uses nothing else of an entry.
    const pages = this.dropbox.listFileIds({ path: '', recursive: true }, { signal });
    for (;;) {
      const next = await pages.next();
      // The generator's return value is the last page's cursor: the next run's delta starts there.
      if (next.done) return { kind: 'full', present, trashed: new Set(), remoteFiles: present.size, cursor: next.value, coveredPrefix: DROPBOX_ID_PREFIX };
      for (const id of next.value) present.add(id);
    }
  }

  /**
   * Entries are applied in order, as Dropbox sends them: a file entry says where an id lives now (a rename or a
   * move is a `deleted` entry for the old path and a `file` entry for the new one, same id); a later `deleted`
   * entry at a path whose id is known (from this delta, or `known`: renamed rows of earlier deltas) makes that id
   * a suspect, by id. A deletion no id is known for is kept by name in `deletedNames`, which sends the account to a
   * full pass (account-delta.ts): a name ties no row.
   */
  async delta(cursor: string, signal: AbortSignal, known: ReadonlyMap<string, string> = new Map()): Promise<DeltaListing> {
    const view: DeltaListing = { kind: 'delta', suspects: new Set(), trashed: new Set(), alive: new Set(), deletedNames: new Set(), relist: false, cursor, paths: new Map(known) };
    const at = view.paths as Map<string, string>;
    const pages = this.dropbox.listChanges(cursor, { signal });
    for (;;) {
      const next = await pages.next();
      if (next.done) {
        view.cursor = next.value;
        break;
      }
      for (const entry of next.value.entries) {
        if (entry.tag === 'file') {
          for (const [path, id] of at) if (id === entry.id) at.delete(path);
          // Dropbox reports a path once, in its latest state: another file now at a path a known id lived at means
          // that file was deleted (or moved) since; its id is probed (s26g).
          const before = at.get(entry.pathLower);
          if (before !== undefined && before !== entry.id && !view.alive.has(before)) view.suspects.add(before);
          at.set(entry.pathLower, entry.id);
          view.alive.add(entry.id);
          view.suspects.delete(entry.id);
        } else if (entry.tag === 'deleted') {
          const gone = [...at].filter(([path]) => path === entry.pathLower || path.startsWith(`${entry.pathLower}/`));
          for (const [path, id] of gone) {
            at.delete(path);
            view.suspects.add(id);
            view.alive.delete(id);
          }
          // Tied only when it is exactly one known file's path. A deleted folder arrives as one entry for the folder:
          // the ids known under it are some of its files, never surely all, so the account is listed in full (s26g).
          const exactlyOneFile = gone.length === 1 && gone[0]?.[0] === entry.pathLower;
          if (!exactlyOneFile) view.deletedNames.add(entry.name.toLowerCase());
        }
      }
    }
    return view;
  }

  startCursor(signal: AbortSignal): Promise<string> {
    return this.dropbox.getLatestCursor({ path: '', recursive: true }, { signal });
  }

  async probe(row: FileRow, signal: AbortSignal): Promise<ProbeAnswer> {
    try {
      const entry = await this.dropbox.getMetadata(row.providerFileId, { signal });
      return { state: entry.tag === 'file' || entry.tag === 'folder' ? 'found' : 'gone' };
    } catch (error) {
      // Only 409 path/not_found proves absence.
      if (isConnectorError(error, 'not-found')) return { state: 'gone' };
      // A fault of the user's grant or of the connection is the account's outcome, not one file's (fault.ts).
      if (isConnectorError(error) && faultOf(error) === 'none') return { state: 'unknown', reason: unknownReason(error) };
      throw error;
    }
  }

  isCursorRejected(error: unknown): boolean {
    return isCursorReset(error);
  }
}

/** A listing holds `id:` ids; a row kept by path (or `ns:`/`rev:` forms) is probed by get_metadata, which takes them all. */
const DROPBOX_ID_PREFIX = 'id:';
