import type { SupabaseAuthConnector } from '../../connectors/supabase/supabase-auth.connector';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { yieldToEventLoop } from '../../base/cooperative';
import { inPool } from '../../base/pool';
import type { LocalUsers } from './identity-local';
import { UUID, type IdentityRecord } from './identity-model';
import { toIdentityRecord } from './identity-remote';
import type { IdentitySpill } from './identity-spill';

/**
 * Most users the check looks up one by one after a shifted listing (a few minutes of calls at the
 * connector's concurrency); past it the run fails and asks for a new check rather than present rows
 * it could not confirm.
 */
export const MAX_GAP_LOOKUPS = 20_000;
/** Look-ups in flight (the connector's policy caps Supabase as a whole). */
const LOOKUP_WIDTH = 4;
const WINDOW = 1000;

/**
 * Watches the listing's X-Total-Count. GoTrue's pages are offsets over
 * `created_at desc`, each asked for only after the one before it was answered
 * (PagesInFlight): a new user enters at the top (the next page repeats one
 * user: the spill keeps it once), but a user removed above the cursor moves
 * every later user up by one and the next page starts one user late, so a
 * live user is never listed. Such a skip needs more removals than creations
 * between two pages, so the total changes. Users created at the same instant
 * (a bulk import) have no order in Postgres: two pages may list one twice and
 * skip another with the total unchanged, which shows as fewer distinct users
 * listed than the total.
 */
export class ListingShift {
  private first: number | null | undefined;
  private last: number | null = null;
  private changed = false;

  observe(total: number | null): void {
    if (this.first === undefined) this.first = total;
    // A second page without a total (a proxy dropped X-Total-Count) cannot show a shift: assume one.
    else if (total !== this.first || total === null) this.changed = true;
    this.last = total;
  }

  /** `distinct`: live and soft-deleted users the listing gave, each once. */
  mayHaveSkipped(distinct: number): boolean {
    return this.changed || (this.last !== null && distinct < this.last);
  }
}

/**
 * After a shifted listing, every users row left without a listed Supabase
 * user of its id is asked for by id: a row whose user the listing skipped
 * must not be reported local-only (a repair proposal to delete the row or
 * re-create a user that exists, DESIGN §4.1). Only GoTrue's own
 * user_not_found leaves a row unpaired; any other failure fails the check.
 * Rows whose id is not a UUID cannot be asked for by id (they pair by email).
 */
export async function fillListingGaps(remote: SupabaseAuthConnector, spill: IdentitySpill, signal: AbortSignal): Promise<number> {
  spill.requireIndexes();
  const unlisted = spill.db.prepare(
    'SELECT l.id FROM local l WHERE l.seq > ? AND l.seq <= ? AND NOT EXISTS (SELECT 1 FROM remote r WHERE r.idl = l.idl) AND NOT EXISTS (SELECT 1 FROM deleted d WHERE d.idl = l.idl)',
  ).pluck();
  const ids: string[] = [];
  for (let from = 0; from < spill.localRows; from += WINDOW) {
    for (const id of unlisted.all(from, from + WINDOW) as string[]) if (UUID.test(id.trim())) ids.push(id);
    if (ids.length > MAX_GAP_LOOKUPS) {
      throw new Error(`Supabase users were removed while the check listed them, and more than ${MAX_GAP_LOOKUPS} rows would need a look-up each: run the check again when fewer users change.`);
    }
    await yieldToEventLoop();
    signal.throwIfAborted();
  }
  // After a failure the check fails: the pool starts no further look-up (their answers would be dropped).
  const users = await inPool(ids, LOOKUP_WIDTH, async (id) => {
    try {
      return await remote.getUser(id, signal);
    } catch (error) {
      if (isConnectorError(error, 'not-found')) return null;
      throw error;
    }
  });
  let found = 0;
  for (const user of users) {
    if (user === null) continue;
    if (user.deleted) spill.addDeleted([user.id]);
    else spill.addRemote([toIdentityRecord(user)]);
    found++;
  }
  return found;
}

/** Most Supabase-only users whose row the check re-reads; past it they stay as listed (each is re-read before any repair anyway). */
export const MAX_ROW_REREADS = 20_000;

/**
 * The users table is read as it was when its read began (streamStored), while
 * Supabase is listed, so a user who signs up meanwhile (row and Supabase user
 * both new), or whose row a REPLACE moved before the read reached it, has a
 * Supabase user and, in the check's copy of the table, no row: reported
 * Supabase-only, and proposed for a ban. Every Supabase user left without a
 * row by id or email is looked up in the table again by id (the primary key, a few hundred ids a query; a search
 * by email would scan the table once per user) and a row found now is added.
 * Rows keyed by their own ids that pair by email are not re-read: the re-read
 * before a ban still finds them. Runs inside the classification, once every
 * row has been through the pass by id (`idPaired`: the Supabase users that
 * pass paired), so who has a row of its id is not worked out twice. Returns
 * the rows added.
 */
export async function rereadUnmatchedRows(local: LocalUsers, spill: IdentitySpill, idPaired: (remoteSeq: number) => boolean, signal?: AbortSignal): Promise<number> {
  spill.requireIndexes();
  const { db } = spill;
  const remoteAt = db.prepare('SELECT id, email FROM remote WHERE seq = ?');
  const emailHasRow = db.prepare('SELECT 1 FROM local WHERE email = ? LIMIT 1').pluck();
  const ids: string[] = [];
  for (let seq = 1; seq <= spill.remoteSpan; seq++) {
    if (!idPaired(seq)) {
      // Positions of users listed twice hold nothing.
      const r = remoteAt.get(seq) as { id: string; email: string | null } | undefined;
      if (r && (r.email === null || emailHasRow.get(r.email) === undefined)) ids.push(r.id);
      if (ids.length > MAX_ROW_REREADS) return 0;
    }
    if (seq % WINDOW === 0) {
      await yieldToEventLoop();
      signal?.throwIfAborted();
    }
  }
  // By construction none of these rows was read before: no spilled row has their id.
  let added: IdentityRecord[];
  try {
    added = await local.getMany(ids);
  } catch {
    // A table whose id column cannot hold a Supabase id (integer keys in PostgreSQL refuse the text) pairs by
    // email only, which this re-read does not cover: its users stay as listed, re-read before any repair.
    return 0;
  }
  if (added.length) spill.addLocal(added);
  return added.length;
}
