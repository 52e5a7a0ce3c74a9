import type { ConnectionCheckResult, ConnectionKind } from '../api/connections';
import type { StoreDb } from './store-db';
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
  constructor(private readonly db: StoreDb) {}

  async insert(kind: ConnectionKind, name: string, config: Record<string, unknown>, now: string): Promise<number> {
    const row = await this.db.get<{ id: number }>(
      `INSERT INTO connections (kind, name, config_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
      [kind, name, JSON.stringify(config), now, now],
    );
    return Number(row?.id);
  }

  async update(id: number, patch: { name?: string; config?: Record<string, unknown>; secretFields?: string[]; lastCheck?: ConnectionCheckResult }, now: string): Promise<void> {
    await this.db.run(
      `UPDATE connections SET name = COALESCE(?, name), config_json = COALESCE(?, config_json),
         secret_fields_json = COALESCE(?, secret_fields_json), last_check_json = COALESCE(?, last_check_json), updated_at = ?
       WHERE id = ?`,
      [
        patch.name ?? null,
        patch.config ? JSON.stringify(patch.config) : null,
        patch.secretFields ? JSON.stringify([...new Set(patch.secretFields)].sort()) : null,
        patch.lastCheck ? JSON.stringify(patch.lastCheck) : null,
        now,
        id,
      ],
    );
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db.run(`DELETE FROM connections WHERE id = ?`, [id])).changes === 1;
  }

  async get(id: number): Promise<StoredConnection | undefined> {
    const row = await this.db.get<ConnectionRow>(`SELECT * FROM connections WHERE id = ?`, [id]);
    return row && toConnection(row);
  }

  async findByName(name: string): Promise<StoredConnection | undefined> {
    const row = await this.db.get<ConnectionRow>(`SELECT * FROM connections WHERE name = ?`, [name]);
    return row && toConnection(row);
  }

  async list(): Promise<StoredConnection[]> {
    return (await this.db.all<ConnectionRow>(`SELECT * FROM connections ORDER BY kind, name`)).map(toConnection);
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
