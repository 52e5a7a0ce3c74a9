import { yieldToEventLoop } from '../../base/cooperative';
import { pair } from './identity-classify';
import type { IdentityRecord, SyncRow } from './identity-model';
import { toRecord, type IdentitySpill, type SpilledRecord } from './identity-spill';

/**
 * Classifies the users of a spilled check (identity-spill.ts) a window at a
 * time, with the rules and the row order of the in-memory classifyUsers:
 *
 * 1. every users row, in table order, paired with the Supabase user of the same id;
 * 2. every users row left unpaired, in table order: the first one with an email
 *    pairs with the last-listed unpaired Supabase user of that email, the others
 *    are local-only (problems marked as markProblems does);
 * 3. every Supabase user left unpaired, in listing order: remote-only.
 *
 * Memory is one window of rows; each statement reads one window by its
 * position range, with one index probe per row, so the time between yields is
 * bounded whatever the sides hold.
 */
export const MERGE_WINDOW = 2000;

type Joined = { [K in keyof SpilledRecord as `l${K}`]: SpilledRecord[K] } & { [K in keyof SpilledRecord as `r${K}`]: SpilledRecord[K] | null };

const LOCAL = 'l.seq AS lseq, l.id AS lid, l.email AS lemail, l.name AS lname, l.verified AS lverified, l.role AS lrole';
const REMOTE = 'r.seq AS rseq, r.id AS rid, r.email AS remail, r.name AS rname, r.verified AS rverified, r.role AS rrole, r.banned AS rbanned';
const NO_LOCAL_ID = 'NOT EXISTS (SELECT 1 FROM local x WHERE x.idl = r.idl)';

export async function* classifySpilled(spill: IdentitySpill, signal?: AbortSignal, window = MERGE_WINDOW): AsyncGenerator<SyncRow[]> {
  const { db } = spill;
  const byId = db.prepare(`SELECT ${LOCAL}, ${REMOTE} FROM local l JOIN remote r ON r.idl = l.idl WHERE l.seq > ? AND l.seq <= ? ORDER BY l.seq`);
  const unpairedLocal = db.prepare(`SELECT ${LOCAL} FROM local l WHERE l.seq > ? AND l.seq <= ? AND NOT EXISTS (SELECT 1 FROM remote r WHERE r.idl = l.idl) ORDER BY l.seq`);
  const twinByEmail = db.prepare(`SELECT r.seq, r.id, r.email, r.name, r.verified, r.role, r.banned FROM remote r WHERE r.email = ? AND ${NO_LOCAL_ID} ORDER BY r.seq DESC LIMIT 1`);
  const emailTaken = db.prepare('SELECT 1 FROM email_pairs WHERE email = ?').pluck();
  const takeEmail = db.prepare('INSERT INTO email_pairs (email, rseq) VALUES (?, ?)');
  const softDeleted = db.prepare('SELECT 1 FROM deleted WHERE idl = ?').pluck();
  const localsWithEmail = db.prepare('SELECT count(*) FROM (SELECT 1 FROM local WHERE email = ? LIMIT 2)').pluck();
  const remoteHasEmail = db.prepare('SELECT 1 FROM remote WHERE email = ? LIMIT 1').pluck();
  const unpairedRemote = db.prepare(
    `SELECT r.seq, r.id, r.email, r.name, r.verified, r.role, r.banned FROM remote r WHERE r.seq > ? AND r.seq <= ? AND ${NO_LOCAL_ID} AND NOT EXISTS (SELECT 1 FROM email_pairs e WHERE e.rseq = r.seq) ORDER BY r.seq`,
  );

  const step = async (): Promise<void> => {
    await yieldToEventLoop();
    signal?.throwIfAborted();
  };

  // 1. Pairs by id (an id match always wins over an email match).
  for (let from = 0; from < spill.localRows; from += window) {
    const rows = (byId.all(from, from + window) as Joined[]).map((j) => pair(localOf(j), remoteOf(j), 'id'));
    if (rows.length) yield rows;
    await step();
  }

  // 2. Users rows without a Supabase user of their id, in table order.
  for (let from = 0; from < spill.localRows; from += window) {
    const rows: SyncRow[] = [];
    db.transaction(() => {
      for (const j of unpairedLocal.all(from, from + window) as Joined[]) {
        const local = localOf(j);
        const email = local.email;
        const twin = email !== null && emailTaken.get(email) === undefined ? (twinByEmail.get(email) as SpilledRecord | undefined) : undefined;
        if (twin && email !== null) {
          takeEmail.run(email, twin.seq);
          rows.push(pair(local, toRecord(twin), 'email'));
          continue;
        }
        const row: SyncRow = { status: 'local-only', matchedBy: null, local, remote: null, diffs: [] };
        if (softDeleted.get(local.id.toLowerCase()) !== undefined) row.problem = 'remote-soft-deleted';
        // Another row has the address, or Supabase already has it under another user: a create gives email_exists.
        else if (email !== null && ((localsWithEmail.get(email) as number) > 1 || remoteHasEmail.get(email) !== undefined)) row.problem = 'duplicate-email';
        rows.push(row);
      }
    })();
    if (rows.length) yield rows;
    await step();
  }

  // 3. Supabase users paired with no row, in listing order.
  for (let from = 0; from < spill.remoteSpan; from += window) {
    const rows = (unpairedRemote.all(from, from + window) as SpilledRecord[]).map(
      (r): SyncRow => ({ status: 'remote-only', matchedBy: null, local: null, remote: toRecord(r), diffs: [] }),
    );
    if (rows.length) yield rows;
    await step();
  }
}

function localOf(j: Joined): IdentityRecord {
  return toRecord({ seq: j.lseq, id: j.lid, email: j.lemail, name: j.lname, verified: j.lverified, role: j.lrole });
}

function remoteOf(j: Joined): IdentityRecord {
  return toRecord({ seq: j.rseq ?? 0, id: j.rid ?? '', email: j.remail, name: j.rname, verified: j.rverified ?? 0, role: j.rrole ?? '', banned: j.rbanned ?? 0 });
}
