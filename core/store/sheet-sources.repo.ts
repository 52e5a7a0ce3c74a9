import type { SheetSourceSpec } from '../api/sheets';
import type { SqliteDatabase } from './database';

interface SourceRow {
  id: number;
  spec_json: string;
  created_at: string;
  updated_at: string;
}

export interface StoredSheetSource {
  id: number;
  spec: SheetSourceSpec;
  createdAt: string;
  updatedAt: string;
}

/** The engine id whose runs are a source's imports (scope `source:<id>`). */
export const SHEET_IMPORT_ENGINE = 'sheet-import';

function sheetSourceScope(id: number): string {
  return `source:${id}`;
}

/** A source's checks run in a scope of their own, so its last import stays its last import (sheet-import.engine.ts scopeOf). */
function sheetCheckScope(id: number): string {
  return `${sheetSourceScope(id)}:check`;
}

/** Sheet-import source definitions (migration 4). Names and target tables are unique. */
export class SheetSourcesRepository {
  constructor(private readonly db: SqliteDatabase) {}

  insert(spec: SheetSourceSpec, now: string): number {
    const info = this.db
      .prepare(`INSERT INTO sheet_sources (name, target_table, spec_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`)
      .run(spec.name, spec.targetTable, JSON.stringify(spec), now, now);
    return Number(info.lastInsertRowid);
  }

  update(id: number, spec: SheetSourceSpec, now: string): boolean {
    return (
      this.db
        .prepare(`UPDATE sheet_sources SET name = ?, target_table = ?, spec_json = ?, updated_at = ? WHERE id = ?`)
        .run(spec.name, spec.targetTable, JSON.stringify(spec), now, id).changes === 1
    );
  }

  delete(id: number): boolean {
    return this.db.prepare(`DELETE FROM sheet_sources WHERE id = ?`).run(id).changes === 1;
  }

  get(id: number): StoredSheetSource | undefined {
    const row = this.db.prepare(`SELECT * FROM sheet_sources WHERE id = ?`).get(id) as SourceRow | undefined;
    return row ? toSource(row) : undefined;
  }

  list(): StoredSheetSource[] {
    return (this.db.prepare(`SELECT * FROM sheet_sources ORDER BY name COLLATE NOCASE, id`).all() as SourceRow[]).map(toSource);
  }

  /** The newest run of a source's imports, the newest successful one, and its newest check (ids in the runs table). */
  lastRunIds(id: number): { last: number | undefined; success: number | undefined; check: number | undefined } {
    const scope = sheetSourceScope(id);
    const pick = (sql: string, of = scope) => (this.db.prepare(sql).get(SHEET_IMPORT_ENGINE, of) as { id: number } | undefined)?.id;
    const newest = `SELECT id FROM runs WHERE engine = ? AND scope = ? ORDER BY id DESC LIMIT 1`;
    return {
      last: pick(newest),
      success: pick(`SELECT id FROM runs WHERE engine = ? AND scope = ? AND state = 'succeeded' ORDER BY id DESC LIMIT 1`),
      check: pick(newest, sheetCheckScope(id)),
    };
  }
}

function toSource(row: SourceRow): StoredSheetSource {
  return { id: row.id, spec: JSON.parse(row.spec_json) as SheetSourceSpec, createdAt: row.created_at, updatedAt: row.updated_at };
}
