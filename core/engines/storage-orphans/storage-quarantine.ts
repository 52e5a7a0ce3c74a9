import type { AppDbAdapter, Row, SqlExecutor, SqlValue } from '../../appdb/adapter';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import type { ResolvedMapping } from '../../appdb/mapping';
import { isStorageProvider, type FileRow } from './storage-model';

/** The files columns a quarantine keeps (the canonical ones: product-specific extra columns are not kept). */
const KEPT = ['id', 'userId', 'provider', 'providerFileId', 'name', 'size', 'createdAt'] as const;

export interface QuarantineMeta {
  quarantinedAt: string;
  purgeAfter: string;
  reason: string;
  runId: number;
}

export interface QuarantinedRow extends FileRow {
  createdAt: string | null;
}

/** A row found in quarantine, with the dates its quarantine was given. */
export interface HeldRow extends QuarantinedRow {
  quarantinedAt: string | null;
  purgeAfter: string | null;
  /** The run that moved it (a console-store run id). */
  runId: number | null;
}

/**
 * Moves file rows between the product's files table and Syncwarden's
 * file_quarantine table (canonical-schema.md). Every move is one
 * transaction holding both statements, keyed by the files row id, so a crash
 * (even SIGKILL) leaves each row in exactly one of the two tables, and doing
 * it again changes nothing more (DESIGN §4.4, §4.5).
 */
export class FileQuarantine {
  constructor(
    private readonly db: AppDbAdapter,
    private readonly mapping: ResolvedMapping,
  ) {}

  /** Quarantines these rows; returns the before-images of the rows it moved (rows already gone are skipped). */
  async quarantine(fileRowIds: readonly string[], meta: QuarantineMeta): Promise<QuarantinedRow[]> {
    if (fileRowIds.length === 0) return [];
    const f = this.mapping.files;
    const q = this.mapping.fileQuarantine;
    const fc = KEPT.map((k) => quoteIdent(f.columns[k]));
    const qc = KEPT.map((k) => quoteIdent(q.columns[k]));
    const extra = [q.columns.quarantinedAt, q.columns.purgeAfter, q.columns.reason, q.columns.runId].map(quoteIdent);
    const ids = placeholders(fileRowIds.length);
    const keyF = quoteIdent(f.columns.id);
    const keyQ = quoteIdent(q.columns.id);
    return this.db.transaction(async (tx) => {
      const before = await tx.query(`SELECT ${fc.map((c, i) => `${c} AS ${quoteIdent(KEPT[i] as string)}`).join(', ')} FROM ${quoteTable(f.table)} WHERE ${keyF} IN (${ids})`, fileRowIds);
      if (before.length === 0) return [];
      // ON CONFLICT: a stale copy left by an older quarantine of the same id is replaced, never kept instead of the live row.
      // SQLite needs `WHERE true` to parse INSERT … SELECT … ON CONFLICT.
      await tx.execute(
        `INSERT INTO ${quoteTable(q.table)} (${[...qc, ...extra].join(', ')})
         SELECT ${fc.join(', ')}, ${this.cast('timestamptz')}, ${this.cast('timestamptz')}, ?, ${this.cast('bigint')} FROM ${quoteTable(f.table)} WHERE ${keyF} IN (${ids}) AND true
         ON CONFLICT (${keyQ}) DO UPDATE SET ${[...qc, ...extra].filter((c) => c !== keyQ).map((c) => `${c} = excluded.${c}`).join(', ')}`,
        [meta.quarantinedAt, meta.purgeAfter, meta.reason, meta.runId, ...fileRowIds],
      );
      await tx.execute(`DELETE FROM ${quoteTable(f.table)} WHERE ${keyF} IN (${ids})`, fileRowIds);
      return before.map(toRow);
    });
  }

  /**
   * Moves one row back. `restored: false` when it is already back (idempotent);
   * throws when it is in neither table, or when files holds another row for the same cloud file.
   */
  async restore(fileRowId: string): Promise<{ restored: boolean; row: QuarantinedRow | null }> {
    const f = this.mapping.files;
    const q = this.mapping.fileQuarantine;
    return this.db.transaction(async (tx) => {
      const [held] = await tx.query(`SELECT ${KEPT.map((k) => `${quoteIdent(q.columns[k])} AS ${quoteIdent(k)}`).join(', ')} FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.id)} = ?`, [fileRowId]);
      const [live] = await tx.query(`SELECT ${quoteIdent(f.columns.id)} AS id FROM ${quoteTable(f.table)} WHERE ${quoteIdent(f.columns.id)} = ?`, [fileRowId]);
      if (!held) {
        if (live) return { restored: false, row: null };
        throw new QuarantineError(`File row ${fileRowId} is neither quarantined nor in ${f.table}: it was purged after its retention period.`);
      }
      if (live) throw new QuarantineError(`File row ${fileRowId} is back in ${f.table} already, and a quarantined copy also exists: remove one of them by hand.`);
      const row = toRow(held);
      const [clash] = await tx.query(
        `SELECT ${quoteIdent(f.columns.id)} AS id FROM ${quoteTable(f.table)} WHERE ${quoteIdent(f.columns.provider)} = ? AND ${quoteIdent(f.columns.providerFileId)} = ?`,
        [row.provider, row.providerFileId],
      );
      if (clash) throw new QuarantineError(`The product already has row ${String(clash.id)} for this ${row.provider} file: the quarantined row was not restored.`);
      await tx.execute(
        `INSERT INTO ${quoteTable(f.table)} (${KEPT.map((k) => quoteIdent(f.columns[k])).join(', ')}) SELECT ${KEPT.map((k) => quoteIdent(q.columns[k])).join(', ')} FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.id)} = ?`,
        [fileRowId],
      );
      await tx.execute(`DELETE FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.id)} = ?`, [fileRowId]);
      return { restored: true, row };
    });
  }

  /** Deletes quarantined rows whose retention ended; returns their ids. */
  async purgeExpired(now: string): Promise<string[]> {
    const q = this.mapping.fileQuarantine;
    const key = quoteIdent(q.columns.id);
    return this.db.transaction(async (tx) => {
      const expired = await tx.query(`SELECT ${key} AS id FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.purgeAfter)} <= ?`, [now]);
      const ids = expired.map((r) => String(r.id));
      for (let at = 0; at < ids.length; at += 500) {
        const chunk = ids.slice(at, at + 500);
        await tx.execute(`DELETE FROM ${quoteTable(q.table)} WHERE ${key} IN (${placeholders(chunk.length)})`, chunk);
      }
      return ids;
    });
  }

  /** PostgreSQL types a parameter in a SELECT list as text, which a timestamptz column refuses; SQLite needs no cast (and a CAST there would mangle ISO text). */
  private cast(type: 'timestamptz' | 'bigint'): string {
    return this.db.dialect === 'postgres' ? `CAST(? AS ${type})` : '?';
  }

  /**
   * The quarantined copies of these ids, if any (a repair cut short by a crash moved them without
   * recording it), with the dates that copy was given: its retention runs from then, not from now.
   */
  async held(fileRowIds: readonly string[], tx: SqlExecutor = this.db): Promise<Map<string, HeldRow>> {
    if (fileRowIds.length === 0) return new Map();
    const q = this.mapping.fileQuarantine;
    const dates = `${quoteIdent(q.columns.quarantinedAt)} AS ${quoteIdent('quarantinedAt')}, ${quoteIdent(q.columns.purgeAfter)} AS ${quoteIdent('purgeAfter')}, ${quoteIdent(q.columns.runId)} AS ${quoteIdent('runId')}`;
    const rows = await tx.query(
      `SELECT ${KEPT.map((k) => `${quoteIdent(q.columns[k])} AS ${quoteIdent(k)}`).join(', ')}, ${dates} FROM ${quoteTable(q.table)} WHERE ${quoteIdent(q.columns.id)} IN (${placeholders(fileRowIds.length)})`,
      fileRowIds as SqlValue[],
    );
    return new Map(rows.map((r) => [String(r.id), { ...toRow(r), quarantinedAt: isoOf(r.quarantinedAt), purgeAfter: isoOf(r.purgeAfter), runId: r.runId == null ? null : Number(r.runId) }]));
  }
}

export class QuarantineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuarantineError';
  }
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** PostgreSQL returns a timestamptz as a Date, SQLite as the ISO text it was given. */
const isoOf = (value: unknown): string | null => (value == null ? null : value instanceof Date ? value.toISOString() : String(value));

function toRow(r: Row): QuarantinedRow {
  const provider = r.provider;
  return {
    id: String(r.id),
    userId: String(r.userId),
    provider: isStorageProvider(provider) ? provider : 'google',
    providerFileId: String(r.providerFileId),
    name: r.name == null ? null : String(r.name),
    size: r.size == null ? null : Number(r.size),
    createdAt: isoOf(r.createdAt),
  };
}
