import { yieldToEventLoop } from '../../base/cooperative';
import { pair } from './identity-classify';
import type { IdentityRecord, SyncRow } from './identity-model';
import { toRecord, type IdentitySpill, type SpilledRecord } from './identity-spill';

/**
 * Classifies the users of a spilled check (identity-spill.ts) a window at a
 * time, with the rules of the in-memory classifier:
 *
 * 1. every users row, in id order (lower-cased, then as stored, then as read),
 *    paired with the Supabase user of the same id (rows added once that pass
 *    is done, by afterIdPass, go through it last, in the order they came);
 *    A pair whose emails differ, where the row's email is another users row's too or a Supabase user other
 *    than its own holds it (up to case: emails are lower-cased), is a `duplicate-email`: updating either
 *    side to the other's email would collide with that user (GoTrue refuses the update every time), so no
 *    update is proposed and a person decides who keeps the address;
 * 2. every users row left unpaired, in the order of pass 1: the first one with
 *    an email pairs with the last-listed Supabase user of that email not paired
 *    by id, the others are local-only (problems marked as before);
 * 3. every Supabase user left unpaired, in listing order: remote-only.
 *
 * Pass 1 walks both sides' id indexes in step, so no user costs a random
 * read. Besides one window of rows, memory is one byte per Supabase user (who
 * is paired, by position) and one position per unpaired row, so a million
 * users cost a few megabytes; each statement reads one window or one user by
 * key, so the time between yields is bounded whatever the sides hold.
 */
export const MERGE_WINDOW = 1000;

const ID_PAIRED = 1;
const EMAIL_PAIRED = 2;

type Joined = { [K in keyof SpilledRecord as `l${K}`]: SpilledRecord[K] } & { [K in keyof SpilledRecord as `r${K}`]: SpilledRecord[K] | null };

const LOCAL = 'l.seq AS lseq, l.id AS lid, l.email AS lemail, l.name AS lname, l.verified AS lverified, l.role AS lrole';
const REMOTE = 'r.seq AS rseq, r.id AS rid, r.email AS remail, r.name AS rname, r.verified AS rverified, r.role AS rrole, r.banned AS rbanned';
const REMOTE_COLUMNS = 'seq, id, email, name, verified, role, banned';

/** Time spent classifying, without the consumer's work or the yields in between (the run reports it). */
export interface MergeClock {
  ms: number;
}

/**
 * Runs once every row read so far went through the pass by id, with who that pass paired; it may add rows
 * (spill.addLocal), which then go through the pass by id too, after the others (identity-gaps.ts).
 */
export type AfterIdPass = (idPaired: (remoteSeq: number) => boolean) => Promise<unknown>;

export async function* classifySpilled(spill: IdentitySpill, signal?: AbortSignal, window = MERGE_WINDOW, clock: MergeClock = { ms: 0 }, afterIdPass?: AfterIdPass): AsyncGenerator<SyncRow[]> {
  spill.requireIndexes();
  const { db } = spill;
  const joined = `SELECT l.idl AS lidl, ${LOCAL}, ${REMOTE} FROM local l INDEXED BY local_idl LEFT JOIN remote r ON r.idl = l.idl`;
  const firstById = db.prepare(`${joined} ORDER BY l.idl, l.id, l.seq LIMIT ?`);
  const nextById = db.prepare(`${joined} WHERE (l.idl, l.id, l.seq) > (?, ?, ?) ORDER BY l.idl, l.id, l.seq LIMIT ?`);
  const addedById = db.prepare(`SELECT ${LOCAL}, ${REMOTE} FROM local l LEFT JOIN remote r ON r.idl = l.idl WHERE l.seq > ? AND l.seq <= ? ORDER BY l.seq`);
  const localAt = db.prepare('SELECT seq, id, email, name, verified, role FROM local WHERE seq = ?');
  const remoteAt = db.prepare(`SELECT ${REMOTE_COLUMNS} FROM remote WHERE seq = ?`);
  const remoteByEmail = db.prepare(`SELECT seq FROM remote WHERE email = ? ORDER BY seq DESC`).pluck();
  const softDeleted = db.prepare('SELECT 1 FROM deleted WHERE idl = ?').pluck();
  const localsWithEmail = db.prepare('SELECT count(*) FROM (SELECT 1 FROM local WHERE email = ? LIMIT 2)').pluck();

  // A pair by id whose row's email another row or another Supabase user holds (its own Supabase user's email differs).
  const emailHeldElsewhere = (row: SyncRow): boolean => {
    const email = row.local?.email ?? null;
    if (email === null || !row.diffs.includes('email')) return false;
    return (localsWithEmail.get(email) as number) > 1 || remoteByEmail.get(email) !== undefined;
  };

  // Positions (seq) of the rows pass 1 left unpaired, in its order; Supabase users by position (from 1).
  const unpaired: number[] = [];
  const remoteMark = new Uint8Array(spill.remoteSpan + 1);
  let started = performance.now();
  const step = async (): Promise<void> => {
    clock.ms += performance.now() - started;
    await yieldToEventLoop();
    signal?.throwIfAborted();
    started = performance.now();
  };

  // The consumer's time with a window is not the classifier's.
  async function* handOver(rows: SyncRow[]): AsyncGenerator<SyncRow[]> {
    clock.ms += performance.now() - started;
    yield rows;
    started = performance.now();
  }

  // 1. Pairs by id (an id match always wins over an email match).
  const pairWindow = (joinedRows: readonly Joined[]): SyncRow[] => {
    const rows: SyncRow[] = [];
    for (const j of joinedRows) {
      if (j.rseq === null) {
        unpaired.push(j.lseq);
        continue;
      }
      remoteMark[j.rseq] = ID_PAIRED;
      const row = pair(localOf(j), remoteOf(j), 'id');
      if (emailHeldElsewhere(row)) row.problem = 'duplicate-email';
      rows.push(row);
    }
    return rows;
  };
  for (let after: (Joined & { lidl: string }) | undefined; ; ) {
    const page = (after === undefined ? firstById.all(window) : nextById.all(after.lidl, after.lid, after.lseq, window)) as (Joined & { lidl: string })[];
    const rows = pairWindow(page);
    if (rows.length) yield* handOver(rows);
    await step();
    if (page.length < window) break;
    after = page[page.length - 1];
  }
  if (afterIdPass) {
    const before = spill.localRows;
    clock.ms += performance.now() - started;
    await afterIdPass((seq) => remoteMark[seq] === ID_PAIRED);
    started = performance.now();
    for (let from = before; from < spill.localRows; from += window) {
      const rows = pairWindow(addedById.all(from, from + window) as Joined[]);
      if (rows.length) yield* handOver(rows);
      await step();
    }
  }

  // The Supabase user an unpaired row of this email pairs with: the last listed one not paired by id.
  // Once a row took it, later rows of the same email find it taken and stay local-only.
  const twinOf = (email: string): number | null => {
    for (const seq of remoteByEmail.all(email) as number[]) {
      if (remoteMark[seq] === ID_PAIRED) continue;
      return remoteMark[seq] === EMAIL_PAIRED ? null : seq;
    }
    return null;
  };

  // 2. Users rows without a Supabase user of their id, in the order of pass 1.
  for (let from = 0; from < unpaired.length; from += window) {
    const rows: SyncRow[] = [];
    for (const seq of unpaired.slice(from, from + window)) {
      const local = toRecord(localAt.get(seq) as SpilledRecord);
      const email = local.email;
      const twin = email === null ? null : twinOf(email);
      if (twin !== null) {
        remoteMark[twin] = EMAIL_PAIRED;
        rows.push(pair(local, toRecord(remoteAt.get(twin) as SpilledRecord), 'email'));
        continue;
      }
      const row: SyncRow = { status: 'local-only', matchedBy: null, local, remote: null, diffs: [] };
      if (softDeleted.get(local.id.toLowerCase()) !== undefined) row.problem = 'remote-soft-deleted';
      // Another row has the address, or Supabase already has it under another user: a create gives email_exists.
      else if (email !== null && ((localsWithEmail.get(email) as number) > 1 || remoteByEmail.get(email) !== undefined)) row.problem = 'duplicate-email';
      rows.push(row);
    }
    if (rows.length) yield* handOver(rows);
    await step();
  }

  // 3. Supabase users paired with no row, in listing order (positions of users listed twice hold nothing).
  for (let from = 1; from <= spill.remoteSpan; from += window) {
    const rows: SyncRow[] = [];
    const to = Math.min(spill.remoteSpan, from + window - 1);
    for (let seq = from; seq <= to; seq++) {
      if (remoteMark[seq] !== 0) continue;
      const remote = remoteAt.get(seq) as SpilledRecord | undefined;
      if (remote) rows.push({ status: 'remote-only', matchedBy: null, local: null, remote: toRecord(remote), diffs: [] });
    }
    if (rows.length) yield* handOver(rows);
    await step();
  }
}

function localOf(j: Joined): IdentityRecord {
  return toRecord({ seq: j.lseq, id: j.lid, email: j.lemail, name: j.lname, verified: j.lverified, role: j.lrole });
}

function remoteOf(j: Joined): IdentityRecord {
  return toRecord({ seq: j.rseq ?? 0, id: j.rid ?? '', email: j.remail, name: j.rname, verified: j.rverified ?? 0, role: j.rrole ?? '', banned: j.rbanned ?? 0 });
}
