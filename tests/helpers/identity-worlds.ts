import { dirname } from 'node:path';
import { classifySpilled } from '../../core/engines/identity/identity-merge';
import { normaliseEmail, normaliseName, type IdentityRecord, type SyncRow } from '../../core/engines/identity/identity-model';
import { IdentitySpill } from '../../core/engines/identity/identity-spill';
import type { Prng } from './prng';

/** A valid UUID per number, distinct for distinct numbers (the hex prefix spreads them over the id index). */
export const uuidOf = (n: number): string => `0000${n.toString(16).padStart(4, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Local parts that fold together or apart under case and Unicode rules. */
export const MAILBOXES = ['ana', 'Ünïcode', 'straße', 'STRASSE', 'bob', 'carl'] as const;

/** A user of a random world: emails respelled, some missing; `names` and `mailboxes` may be chosen by the test. */
export function randomRecord(random: Prng, id: string, choices: { names?: readonly (string | null)[]; mailboxes?: readonly string[] } = {}): IdentityRecord {
  const email = random.chance(0.08) ? null : `${random.pick(choices.mailboxes ?? MAILBOXES)}${random.int(0, 5)}@example.com`;
  return {
    id,
    email: normaliseEmail(email === null ? null : random.respell(email)),
    name: normaliseName(random.pick(choices.names ?? ['Ana', 'Bob', '', null])),
    emailVerified: random.chance(0.7),
    role: random.pick(['user', 'admin']),
    ...(random.chance(0.1) ? { banned: true } : {}),
  };
}

/** A users row has no "banned". */
export function localRecord(random: Prng, id: string, choices: Parameters<typeof randomRecord>[2] = {}): IdentityRecord {
  const { banned: _banned, ...record } = randomRecord(random, id, choices);
  return record;
}

/** Both sides of a spilled check, as a test feeds them. */
export interface SpillWorld {
  local: IdentityRecord[];
  listed: IdentityRecord[];
  softDeleted: string[];
  /** Added after finishReading: gap look-ups (users possibly already listed, in another case) and re-read rows. */
  lateRemote: IdentityRecord[];
  lateLocal: IdentityRecord[];
}

/** A listing as the spill keeps it: each user (by id, any case) once, as last listed. */
export function lastListing(listed: readonly IdentityRecord[]): IdentityRecord[] {
  const last = new Map<string, number>();
  listed.forEach((user, index) => last.set(user.id.toLowerCase(), index));
  return listed.filter((user, index) => last.get(user.id.toLowerCase()) === index);
}

/**
 * Spills a world as a check does (the table, then the listing by pages, the soft-deleted, the build, the late
 * additions) and classifies it. `endLocalAt`: the users table's side is ended before remote page n ('end':
 * after the last page; none: by finishReading), its indexes then built while the pages go on.
 */
export async function spillAndClassify(world: SpillWorld, options: { offThreadFrom: number | undefined; pageSize: number; window: number; endLocalAt?: number | 'end' | undefined }) {
  const { pageSize, endLocalAt } = options;
  const spill = new IdentitySpill(options.offThreadFrom);
  const dir = dirname(spill.db.name);
  try {
    for (let i = 0; i < world.local.length; i += pageSize) spill.addLocal(world.local.slice(i, i + pageSize));
    let page = 0;
    for (let i = 0; i < world.listed.length; i += pageSize, page++) {
      if (page === endLocalAt) spill.endLocal();
      spill.addRemote(world.listed.slice(i, i + pageSize));
      // The worker runs while pages arrive.
      if (page % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (endLocalAt === 'end' || (typeof endLocalAt === 'number' && endLocalAt >= page)) spill.endLocal();
    spill.addDeleted(world.softDeleted);
    await spill.finishReading();
    const countAfterIndexing = spill.remoteUsers;
    for (const user of world.lateRemote) spill.addRemote([user]);
    if (world.lateLocal.length) spill.addLocal(world.lateLocal);
    const rows: SyncRow[] = [];
    for await (const batch of classifySpilled(spill, undefined, options.window)) rows.push(...batch);
    return { rows, remoteUsers: spill.remoteUsers, countAfterIndexing, localRows: spill.localRows, dir };
  } finally {
    await spill.close();
  }
}
