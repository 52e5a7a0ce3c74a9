import type { SheetSourceSpec } from '../api/sheets';
import type { StoreDb } from './store-db';

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
  constructor(private readonly db: StoreDb) {}

  async insert(spec: SheetSourceSpec, now: string): Promise<number> {
    const row = await this.db.get<{ id: number }>(`INSERT INTO sheet_sources (name, target_table, spec_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`, [
      spec.name,
      spec.targetTable,
      JSON.stringify(spec),
      now,
      now,
    ]);
    return Number(row?.id);
  }

  async update(id: number, spec: SheetSourceSpec, now: string): Promise<boolean> {
    const { changes } = await this.db.run(`UPDATE sheet_sources SET name = ?, target_table = ?, spec_json = ?, updated_at = ? WHERE id = ?`, [
      spec.name,
      spec.targetTable,
      JSON.stringify(spec),
      now,
      id,
    ]);
    return changes === 1;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db.run(`DELETE FROM sheet_sources WHERE id = ?`, [id])).changes === 1;
  }

  async get(id: number): Promise<StoredSheetSource | undefined> {
    const row = await this.db.get<SourceRow>(`SELECT * FROM sheet_sources WHERE id = ?`, [id]);
    return row ? toSource(row) : undefined;
  }

  async list(): Promise<StoredSheetSource[]> {
    // sw_lower, not COLLATE NOCASE: a store function both dialects have (store-functions.ts).
    return (await this.db.all<SourceRow>(`SELECT * FROM sheet_sources ORDER BY sw_lower(name), id`)).map(toSource);
  }

  /** The newest run of a source's imports, the newest successful one, and its newest check (ids in the runs table). */
  async lastRunIds(id: number): Promise<{ last: number | undefined; success: number | undefined; check: number | undefined }> {
    const scope = sheetSourceScope(id);
    const pick = async (sql: string, of = scope) => {
      const row = await this.db.get<{ id: number }>(sql, [SHEET_IMPORT_ENGINE, of]);
      return row === undefined ? undefined : Number(row.id);
    };
    const newest = `SELECT id FROM runs WHERE engine = ? AND scope = ? ORDER BY id DESC LIMIT 1`;
    return {
      last: await pick(newest),
      success: await pick(`SELECT id FROM runs WHERE engine = ? AND scope = ? AND state = 'succeeded' ORDER BY id DESC LIMIT 1`),
      check: await pick(newest, sheetCheckScope(id)),
    };
  }
}

function toSource(row: SourceRow): StoredSheetSource {
  return { id: row.id, spec: JSON.parse(row.spec_json) as SheetSourceSpec, createdAt: row.created_at, updatedAt: row.updated_at };
}
