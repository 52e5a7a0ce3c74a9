import { randomUUID } from 'node:crypto';
import { SettingsSchema, type Settings } from '../api/models';
import type { StoreDb } from './store-db';
import { countOf, runEach } from './transaction-view';

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  closeToTray: true,
  startAtLogin: false,
  findingsRetentionDays: 30,
};

/**
 * Settings are stored one key per row, so a newer version can add keys without
 * a migration; unknown or invalid stored values fall back to the defaults.
 */
export class SettingsRepository {
  constructor(private readonly db: StoreDb) {}

  async get(): Promise<Settings> {
    const rows = await this.db.all<{ key: string; value_json: string }>(`SELECT key, value_json FROM settings`);
    const stored: Record<string, unknown> = {};
    for (const row of rows) stored[row.key] = JSON.parse(row.value_json);
    const merged = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
      const field = SettingsSchema.shape[key].safeParse(stored[key]);
      if (field.success) Object.assign(merged, { [key]: field.data });
    }
    return merged;
  }

  /**
   * This store's secret namespace (NamespacedSecretStore), made once and never changed. `legacy`: the store
   * already had connections when it was made, so their secrets may still sit under the bare keychain keys.
   */
  secretNamespace(now: string): Promise<{ id: string; legacy: boolean }> {
    // The store's transactions take the write lock at once (BEGIN IMMEDIATE): two processes never both make one.
    return this.db.transaction(async (tx) => {
      const row = await tx.get<{ value_json: string }>(`SELECT value_json FROM settings WHERE key = 'secretNamespace'`);
      if (row) return JSON.parse(row.value_json) as { id: string; legacy: boolean };
      const legacy = countOf(await tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM connections`)) > 0;
      const made = { id: randomUUID(), legacy };
      await tx.run(`INSERT INTO settings (key, value_json, updated_at) VALUES ('secretNamespace', ?, ?)`, [JSON.stringify(made), now]);
      return made;
    });
  }

  async update(patch: Partial<Settings>, now: string): Promise<Settings> {
    const sql = `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`;
    const rows = Object.entries(patch).flatMap(([key, value]) => (value === undefined ? [] : [[key, JSON.stringify(value), now]]));
    await this.db.transaction((tx) => runEach(tx, sql, rows));
    return this.get();
  }
}
