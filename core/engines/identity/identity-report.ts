import { IDENTITY_FIELDS, type IdentityField, type SourceOfTruth, type SyncRow, type SyncStatus } from './identity-model';
import { formatCount } from '../../base/format-count';

export interface IntegrityReport {
  sourceOfTruth: SourceOfTruth;
  total: number;
  counts: Record<SyncStatus, number>;
  percentInSync: number;
  issuesByField: Record<IdentityField, number>;
  matchedByEmail: number;
  softDeletedRemote: number;
  recommendations: string[];
}

/**
 * Counts per status and per differing field, and what to do about them in plain
 * words, taken one row at a time (a check at scale never holds all rows).
 */
export class ReportTally {
  private readonly counts: Record<SyncStatus, number> = { 'in-sync': 0, 'local-only': 0, 'remote-only': 0, inconsistent: 0 };
  private readonly issuesByField = Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, 0])) as Record<IdentityField, number>;
  private matchedByEmail = 0;
  private rows = 0;

  add(row: SyncRow): void {
    this.rows++;
    this.counts[row.status]++;
    if (row.matchedBy === 'email') this.matchedByEmail++;
    for (const field of row.diffs) this.issuesByField[field]++;
  }

  get total(): number {
    return this.rows;
  }

  report(sourceOfTruth: SourceOfTruth, softDeletedRemote: number): IntegrityReport {
    const { counts, issuesByField, matchedByEmail } = this;
    const total = this.rows;
    const percentInSync = total === 0 ? 100 : Math.floor((counts['in-sync'] / total) * 1000) / 10;
    return {
      sourceOfTruth,
      total,
      counts: { ...counts },
      percentInSync,
      issuesByField: { ...issuesByField },
      matchedByEmail,
      softDeletedRemote,
      recommendations: recommend(counts, issuesByField, matchedByEmail, sourceOfTruth),
    };
  }
}

function recommend(counts: Record<SyncStatus, number>, fields: Record<IdentityField, number>, byEmail: number, truth: SourceOfTruth): string[] {
  const n = (value: number) => `${formatCount(value)} user${value === 1 ? '' : 's'}`;
  const out: string[] = [];
  const appDbWins = truth === 'appdb';
  if (counts['local-only']) {
    out.push(`${n(counts['local-only'])} in the users table but not in Supabase Auth: ${appDbWins ? 'a repair creates them in Supabase without a password (they sign in with a password reset).' : 'a repair removes their rows from the users table.'}`);
  }
  if (counts['remote-only']) {
    out.push(`${n(counts['remote-only'])} in Supabase Auth but not in the users table: ${appDbWins ? 'a repair bans them in Supabase (reversible: a revert unbans), or leaves them for a person under the "leave" setting.' : 'a repair inserts their rows into the users table.'}`);
  }
  const differing = (IDENTITY_FIELDS.filter((f) => f !== 'id' && fields[f] > 0) as IdentityField[]).map((f) => `${FIELD_WORDS[f]} (${fields[f]})`);
  if (differing.length) out.push(`${n(counts.inconsistent)} differ in ${differing.join(', ')}: a repair copies the ${appDbWins ? 'users table' : 'Supabase'} values to the other side.`);
  if (fields.id) out.push(`${n(fields.id)} paired by email because their ids differ: a repair never changes ids; align them by hand so later checks pair them by id.`);
  if (appDbWins && fields.emailVerified) out.push('Supabase cannot mark a confirmed email as unconfirmed through its admin API: such differences stay for a person to decide.');
  if (byEmail && !fields.id) out.push(`${n(byEmail)} paired by email.`);
  if (out.length === 0) out.push('Both sides agree: nothing to do.');
  return out;
}

export const FIELD_WORDS: Record<IdentityField, string> = { id: 'id', email: 'email', name: 'name', emailVerified: 'email verified', role: 'role' };
