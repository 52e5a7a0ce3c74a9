import type { CloudinaryConnector } from '../../connectors/cloudinary/cloudinary.connector';
import { CLOUDINARY_MAX_RESULTS, type CloudinarySearchPage } from '../../connectors/cloudinary/cloudinary-types';
import { ConnectorError, isConnectorError } from '../../connectors/shared/connector-error';
import type { BudgetGuard } from './media-budget';

export type ScanOutcome =
  | { complete: true; pages: number }
  /** Stopped before the end with the cursor of the first page not yet read: the next run starts there. */
  | { complete: false; pages: number; cursor: string | undefined; reason: 'budget' | 'rate-limited' };

export interface ScanOptions {
  connector: CloudinaryConnector;
  expression: string;
  /** Resume from here (a cursor saved by an earlier run); undefined: from the start. */
  cursor: string | undefined;
  guard: BudgetGuard;
  signal: AbortSignal;
  onPage(page: CloudinarySearchPage): Promise<void>;
}

/**
 * Lists every asset of the expression in pages of 500, following next_cursor
 * to the end, within the run's budget. A spent budget (our share, or a 420
 * from Cloudinary) ends the scan cleanly with a cursor; anything else
 * (5xx, timeouts) rejects, and the caller turns no partial listing into findings.
 * Oldest first, so uploads arriving between a stop and its resume land after
 * the saved cursor instead of shifting pages already read.
 */
export async function scanFolders(options: ScanOptions): Promise<ScanOutcome> {
  const { connector, expression, guard, signal } = options;
  const seenCursors = new Set<string>();
  let cursor = options.cursor;
  let pages = 0;
  do {
    if (!guard.mayCall()) return { complete: false, pages, cursor, reason: 'budget' };
    let page: CloudinarySearchPage;
    try {
      page = await connector.search(
        {
          expression,
          maxResults: CLOUDINARY_MAX_RESULTS,
          withFields: ['context'],
          sortBy: { field: 'created_at', direction: 'asc' },
          ...(cursor ? { nextCursor: cursor } : {}),
        },
        signal,
      );
    } catch (error) {
      if (isConnectorError(error, 'rate-limited')) {
        guard.observe(connector.rateLimit());
        return { complete: false, pages, cursor, reason: 'rate-limited' };
      }
      throw error;
    }
    guard.observe(page.rateLimit);
    pages++;
    await options.onPage(page);
    cursor = page.nextCursor;
    // Invariant: the scan ends. A cursor that comes back would list forever.
    if (cursor !== undefined && seenCursors.has(cursor)) {
      throw new ConnectorError('unavailable', 'cloudinary', `search: next_cursor repeated (${cursor}); listing stopped`);
    }
    if (cursor !== undefined) seenCursors.add(cursor);
  } while (cursor !== undefined);
  return { complete: true, pages };
}
