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

type Fetched = { page: CloudinarySearchPage } | { rateLimited: true };

/**
 * Lists every asset of the expression in pages of 500, following next_cursor
 * to the end, within the run's budget. A spent budget (our share, or a 420
 * from Cloudinary) ends the scan cleanly with a cursor; anything else
 * (5xx, timeouts) rejects, and the caller turns no partial listing into findings.
 * Oldest first, so uploads arriving between a stop and its resume land after
 * the saved cursor instead of shifting pages already read.
 *
 * The next page is requested before this page is compared: the cursor is
 * known as soon as a page arrives, and Cloudinary's search time (tens to
 * hundreds of ms a page) then hides the comparison's database reads instead
 * of adding to them. It costs no extra call: the request is sent only when
 * the budget allows it and the scan would have sent it next anyway. Only if
 * comparing a page fails does one request go out that nobody reads.
 */
export async function scanFolders(options: ScanOptions): Promise<ScanOutcome> {
  const { connector, expression, guard, signal } = options;
  const seenCursors = new Set<string>();
  const fetchPage = async (from: string | undefined): Promise<Fetched> => {
    try {
      const page = await connector.search(
        {
          expression,
          maxResults: CLOUDINARY_MAX_RESULTS,
          withFields: ['context'],
          sortBy: { field: 'created_at', direction: 'asc' },
          ...(from ? { nextCursor: from } : {}),
        },
        signal,
      );
      return { page };
    } catch (error) {
      if (isConnectorError(error, 'rate-limited')) return { rateLimited: true };
      throw error;
    }
  };
  let cursor = options.cursor;
  let pages = 0;
  if (!guard.mayCall()) return { complete: false, pages, cursor, reason: 'budget' };
  let next: Promise<Fetched> | undefined = fetchPage(cursor);
  while (next) {
    const fetched: Fetched = await next;
    if ('rateLimited' in fetched) {
      guard.observe(connector.rateLimit());
      return { complete: false, pages, cursor, reason: 'rate-limited' };
    }
    const page: CloudinarySearchPage = fetched.page;
    guard.observe(page.rateLimit);
    pages++;
    const following: string | undefined = page.nextCursor;
    // Invariant: the scan ends. A cursor that comes back would list forever.
    const repeated = following !== undefined && seenCursors.has(following);
    if (following !== undefined) seenCursors.add(following);
    next = following !== undefined && !repeated && guard.mayCall() ? fetchPage(following) : undefined;
    // Read by the loop (or nobody, if this page's comparison fails): never an unhandled rejection.
    next?.catch(() => undefined);
    await options.onPage(page);
    if (repeated) throw new ConnectorError('unavailable', 'cloudinary', `search: next_cursor repeated (${following}); listing stopped`);
    cursor = following;
    if (cursor !== undefined && !next) return { complete: false, pages, cursor, reason: 'budget' };
  }
  return { complete: true, pages };
}
