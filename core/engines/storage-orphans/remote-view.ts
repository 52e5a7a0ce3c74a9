import type { ConnectorError } from '../../connectors/shared/connector-error';
import type { FileRow } from './storage-model';

/** What a probe of one file concluded; `unknown` never makes a file an orphan (DESIGN §4.1). */
export type ProbeAnswer = { state: 'found' | 'trashed' | 'gone' } | { state: 'unknown'; reason: string };

/**
 * A complete listing of one account, every page answered under a valid
 * token: a file absent from it is gone. `trashed` files are listed (Drive) and
 * reported apart. `cursor` is what the next delta starts from (null: none kept).
 */
export interface FullListing {
  kind: 'full';
  present: Set<string>;
  trashed: Set<string>;
  remoteFiles: number;
  cursor: string | null;
  /**
   * The listing speaks only for rows whose cloud id starts with this (absent: for every row). A listing keyed by
   * ids says nothing about a row kept by another form (a Dropbox path): such a row is probed instead. Data, not
   * a predicate, so the listing crosses to the diff thread (listing-diff-thread.ts) as it is.
   */
  coveredPrefix?: string;
}

/**
 * What changed since the stored cursor. `suspects` are files a change says
 * may be gone (Drive `removed`, Dropbox `deleted` entries at a path whose id is known):
 * each is confirmed by a probe before it counts. `alive`: files a change
 * shows present and not trashed (an earlier finding about them is over).
 * `relist`: the changes cannot be tied to files (a deleted Dropbox folder):
 * list the account in full instead.
 */
export interface DeltaListing {
  kind: 'delta';
  suspects: Set<string>;
  trashed: Set<string>;
  alive: Set<string>;
  /**
   * Names of deleted entries at paths no file id is known at (Dropbox deletions carry a path, no id). Any such
   * deletion sends the account to a full pass: a name ties no row (account-delta.ts).
   */
  deletedNames: Set<string>;
  relist: boolean;
  cursor: string;
  /** Dropbox: where each file seen in this delta (or known before it) lives now, lower-case path → id. */
  paths?: Map<string, string>;
}

/** One provider of one user, as the check drives it. */
export interface ProviderRemote {
  /** Full pass; `withCursor`: also keep a delta cursor (when the next run gains by it). */
  list(withCursor: boolean, signal: AbortSignal): Promise<FullListing>;
  /** Changes since `cursor`; throws CursorRejected (Drive 400 pageToken, Dropbox reset) when the cursor is no longer honoured. */
  delta(cursor: string, signal: AbortSignal, known?: ReadonlyMap<string, string>): Promise<DeltaListing>;
  /** A cursor at "now" without listing (before probing an account, so the next run can read changes only). */
  startCursor(signal: AbortSignal): Promise<string>;
  probe(row: FileRow, signal: AbortSignal): Promise<ProbeAnswer>;
  /** Whether an error means "this cursor is dead: do a full pass". */
  isCursorRejected(error: unknown): boolean;
}

/** The reasons a file stays unknown, from a connector failure kind. */
export function unknownReason(error: ConnectorError): string {
  return error.kind === 'rate-limited' ? 'rate-limited' : error.kind === 'forbidden' ? 'permission' : error.kind === 'unauthorized' ? 'unauthorized' : error.kind === 'unavailable' ? 'unavailable' : error.kind;
}
