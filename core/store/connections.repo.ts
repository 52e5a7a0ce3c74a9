import type { ConnectionCheckResult, ConnectionKind } from '../api/connections';
import type { SqliteDatabase } from './database';
import { fromJson, fromJsonOr } from './json-column';

interface ConnectionRow {
  id: number;
  kind: ConnectionKind;
  name: string;
  config_json: string;
  secret_fields_json: string;
  last_check_json: string | null;
  created_at: string;
  updated_at: string;
}

export interface StoredConnection {
  id: number;
  kind: ConnectionKind;
  name: string;
  config: Record<string, unknown>;
  secretFields: string[];
  lastCheck: ConnectionCheckResult | null;
  createdAt: string;
  updatedAt: string;
}

/** Connection settings without secrets (those live in the SecretStore). */
export class ConnectionsRepository {
  constructor(private readonly db: SqliteDatabase) {}

  insert(kind: ConnectionKind, name: string, config: Record<string, unknown>, now: string): number {
    const info = this.db
      .prepare(`INSERT INTO connections (kind, name, config_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`)
      .run(kind, name, JSON.stringify(config), now, now);
    return Number(info.lastInsertRowid);
  }

  update(id: number, patch: { name?: string; config?: Record<string, unknown>; secretFields?: string[]; lastCheck?: ConnectionCheckResult }, now: string): void {
    this.db
      .prepare(
        `UPDATE connections SET name = COALESCE(?, name), config_json = COALESCE(?, config_json),
           secret_fields_json = COALESCE(?, secret_fields_json), last_check_json = COALESCE(?, last_check_json), updated_at = ?
         WHERE id = ?`,
      )
      .run(
        patch.name ?? null,
        patch.config ? JSON.stringify(patch.config) : null,
        patch.secretFields ? JSON.stringify([...new Set(patch.secretFields)].sort()) : null,
        patch.lastCheck ? JSON.stringify(patch.lastCheck) : null,
        now,
        id,
      );
  }

  delete(id: number): boolean {
    return this.db.prepare(`DELETE FROM connections WHERE id = ?`).run(id).changes === 1;
  }

  get(id: number): StoredConnection | undefined {
    const row = this.db.prepare(`SELECT * FROM connections WHERE id = ?`).get(id) as ConnectionRow | undefined;
    return row && toConnection(row);
  }

  findByName(name: string): StoredConnection | undefined {
    const row = this.db.prepare(`SELECT * FROM connections WHERE name = ?`).get(name) as ConnectionRow | undefined;
    return row && toConnection(row);
  }

  list(): StoredConnection[] {
    return (this.db.prepare(`SELECT * FROM connections ORDER BY kind, name`).all() as ConnectionRow[]).map(toConnection);
  }
}

function toConnection(row: ConnectionRow): StoredConnection {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    config: fromJsonOr(row.config_json, {}),
    secretFields: fromJsonOr(row.secret_fields_json, []),
    lastCheck: fromJson<ConnectionCheckResult>(row.last_check_json),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
