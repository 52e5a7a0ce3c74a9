import type { DriveConnector } from '../../connectors/google/drive.connector';
import { CursorRejectedError } from '../../connectors/google/google-errors';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { faultOf } from '../../connectors/shared/fault';
import type { DeltaListing, FullListing, ProbeAnswer, ProviderRemote } from './remote-view';
import { unknownReason } from './remote-view';
import type { FileRow } from './storage-model';

/**
 * Google Drive for one user. A full pass lists the whole account
 * (files.list, 1000 per page, only id and trashed asked for, trashed files
 * included so they are reported apart). The changes cursor is taken *before* the listing, so
 * nothing that changes during the listing is missed by the next delta.
 */
export class DriveRemote implements ProviderRemote {
  constructor(private readonly drive: DriveConnector) {}

  async list(withCursor: boolean, signal: AbortSignal): Promise<FullListing> {
    const cursor = withCursor ? await this.drive.getStartPageToken(signal) : null;
    const present = new Set<string>();
    const trashed = new Set<string>();
    for await (const page of this.drive.listFileIds({}, signal)) {
      for (const file of page.files) if (file.id) (file.trashed === true ? trashed : present).add(file.id);
    }
    return { kind: 'full', present, trashed, remoteFiles: present.size + trashed.size, cursor };
  }

  async delta(cursor: string, signal: AbortSignal): Promise<DeltaListing> {
    const view: DeltaListing = { kind: 'delta', suspects: new Set(), trashed: new Set(), alive: new Set(), deletedNames: new Set(), relist: false, cursor };
    for await (const page of this.drive.listChanges(cursor, signal)) {
      for (const change of page.changes) {
        // `removed` also means "lost access": a suspect only, confirmed by a 404 probe.
        if (change.removed || !change.file) view.suspects.add(change.fileId);
        else if (change.file.trashed) view.trashed.add(change.fileId);
        else view.alive.add(change.fileId);
      }
      if (page.newStartPageToken) view.cursor = page.newStartPageToken;
    }
    return view;
  }

  startCursor(signal: AbortSignal): Promise<string> {
    return this.drive.getStartPageToken(signal);
  }

  async probe(row: FileRow, signal: AbortSignal): Promise<ProbeAnswer> {
    try {
      const found = await this.drive.getFile(row.providerFileId, signal);
      return { state: found.state };
    } catch (error) {
      // Only Drive's 404 notFound proves absence; 401/403/429/5xx/timeouts stay unknown.
      if (isConnectorError(error, 'not-found')) return { state: 'gone' };
      // A fault of the user's grant or of the connection is the account's outcome, not one file's (fault.ts).
      if (isConnectorError(error) && faultOf(error) === 'none') return { state: 'unknown', reason: unknownReason(error) };
      throw error;
    }
  }

  isCursorRejected(error: unknown): boolean {
    return error instanceof CursorRejectedError;
  }
}
