import { TimeSlicer } from '../../runs/cooperative';
import { fieldValue, IDENTITY_FIELDS, type IdentityField, type IdentityRecord, type SyncRow } from './identity-model';

/**
 * Pairs the users table with Supabase Auth and classifies every user.
 *
 * Pairing is by id first; only users left unpaired on both sides are then
 * paired by email, so an id match always wins over an email match (a user
 * whose email moved to another id is not stolen). Work is sliced so the
 * host's event loop is never held for more than a few milliseconds.
 */
export async function classifyUsers(local: readonly IdentityRecord[], remote: readonly IdentityRecord[], signal?: AbortSignal): Promise<SyncRow[]> {
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
  return rows;
}

export function pair(local: IdentityRecord, remote: IdentityRecord, matchedBy: 'id' | 'email'): SyncRow {
  const diffs = diffRecords(local, remote);
  return { status: diffs.length ? 'inconsistent' : 'in-sync', matchedBy, local, remote, diffs };
}

export function diffRecords(local: IdentityRecord, remote: IdentityRecord): IdentityField[] {
  return IDENTITY_FIELDS.filter((field) => fieldValue(local, field) !== fieldValue(remote, field));
}
