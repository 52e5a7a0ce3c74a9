import { TimeSlicer } from '../../core/base/cooperative';
import { pair } from '../../core/engines/identity/identity-classify';
import { UUID, type IdentityRecord, type SyncRow } from '../../core/engines/identity/identity-model';

/*
 * The identity check's classifier as it was before issue 19, kept word for word
 * as the reference the bounded-memory classifier (identity-merge.ts) is
 * compared with: both sides in memory, maps by id and by email.
 */

/**
 * Pairs the users table with Supabase Auth and classifies every user.
 *
 * Pairing is by id first; only users left unpaired on both sides are then
 * paired by email, so an id match always wins over an email match (a user
 * whose email moved to another id is not stolen). Work is sliced so the
 * host's event loop is never held for more than a few milliseconds.
 */
export async function referenceClassifyUsers(
  local: readonly IdentityRecord[],
  remote: readonly IdentityRecord[],
  signal?: AbortSignal,
  softDeletedIds: ReadonlySet<string> = new Set(),
): Promise<SyncRow[]> {
  const slicer = new TimeSlicer();
  const remoteById = new Map<string, IdentityRecord>();
  for (let i = 0; i < remote.length; i++) {
    const user = remote[i] as IdentityRecord;
    remoteById.set(user.id.toLowerCase(), user);
    if ((i & 1023) === 0) await slicer.maybeYield(signal);
  }

  const rows: SyncRow[] = [];
  const paired = new Set<IdentityRecord>();
  const unpairedLocal: IdentityRecord[] = [];
  for (let i = 0; i < local.length; i++) {
    const user = local[i] as IdentityRecord;
    const twin = remoteById.get(user.id.toLowerCase());
    if (twin) {
      paired.add(twin);
      rows.push(pair(user, twin, 'id'));
    } else {
      unpairedLocal.push(user);
    }
    if ((i & 1023) === 0) await slicer.maybeYield(signal);
  }

  const remoteByEmail = new Map<string, IdentityRecord>();
  for (const user of remote) if (!paired.has(user) && user.email) remoteByEmail.set(user.email, user);
  for (let i = 0; i < unpairedLocal.length; i++) {
    const user = unpairedLocal[i] as IdentityRecord;
    const twin = user.email ? remoteByEmail.get(user.email) : undefined;
    if (twin) {
      remoteByEmail.delete(twin.email as string);
      paired.add(twin);
      rows.push(pair(user, twin, 'email'));
    } else {
      rows.push({ status: 'local-only', matchedBy: null, local: user, remote: null, diffs: [] });
    }
    if ((i & 1023) === 0) await slicer.maybeYield(signal);
  }

  for (let i = 0; i < remote.length; i++) {
    const user = remote[i] as IdentityRecord;
    if (!paired.has(user)) rows.push({ status: 'remote-only', matchedBy: null, local: null, remote: user, diffs: [] });
    if ((i & 1023) === 0) await slicer.maybeYield(signal);
  }
  await markProblems(rows, softDeletedIds, slicer, signal);
  return rows;
}

/**
 * Marks the users whose obvious repair cannot succeed (see IdentityProblem),
 * so no repair is proposed that GoTrue would refuse. Emails are already
 * lower-cased on both sides, so rows that differ only by case collide here.
 */
async function markProblems(rows: SyncRow[], softDeletedIds: ReadonlySet<string>, slicer: TimeSlicer, signal?: AbortSignal): Promise<void> {
  const rowsByEmail = new Map<string, number>();
  const remoteEmails = new Set<string>();
  for (const row of rows) {
    const email = row.local?.email;
    if (email) rowsByEmail.set(email, (rowsByEmail.get(email) ?? 0) + 1);
    if (row.remote?.email) remoteEmails.add(row.remote.email);
  }
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as SyncRow;
    if (row.status === 'local-only' && row.local) {
      if (softDeletedIds.has(row.local.id.toLowerCase())) row.problem = 'remote-soft-deleted';
      // Another row has the address, or Supabase already has it under another user: a create gives email_exists.
      else if (row.local.email && ((rowsByEmail.get(row.local.email) ?? 0) > 1 || remoteEmails.has(row.local.email))) row.problem = 'duplicate-email';
    } else if (row.matchedBy === 'id' && row.local?.email && row.diffs.includes('email')) {
      // The row's email is another row's too, or a Supabase user other than its own holds it: an update collides.
      if ((rowsByEmail.get(row.local.email) ?? 0) > 1 || remoteEmails.has(row.local.email)) row.problem = 'duplicate-email';
    } else if (row.matchedBy === 'email' && UUID.test(row.local?.id ?? '')) {
      row.problem = 're-signup';
    }
    if ((i & 1023) === 0) await slicer.maybeYield(signal);
  }
}


/**
 * The users table as the spilled check classifies it (identity-spill.ts, identity-merge.ts): every row as read
 * (none dropped, even when two ids read back as one string), in id order: lower-cased id, then id, each
 * compared as SQLite compares TEXT (UTF-8 bytes), rows of equal ids in the order they were read.
 */
export function inTableOrder(readRows: readonly IdentityRecord[]): IdentityRecord[] {
  const bytes = (text: string) => Buffer.from(text, 'utf8');
  return [...readRows].sort((a, b) => Buffer.compare(bytes(a.id.toLowerCase()), bytes(b.id.toLowerCase())) || Buffer.compare(bytes(a.id), bytes(b.id)));
}
