import { randomUUID } from 'node:crypto';
import { SettingsSchema, type Settings } from '../api/models';
import type { SqliteDatabase } from './database';

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
  constructor(private readonly db: SqliteDatabase) {}

  get(): Settings {
    const rows = this.db.prepare(`SELECT key, value_json FROM settings`).all() as { key: string; value_json: string }[];
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
  secretNamespace(now: string): { id: string; legacy: boolean } {
    return this.db.transaction(() => {
      const row = this.db.prepare(`SELECT value_json FROM settings WHERE key = 'secretNamespace'`).get() as { value_json: string } | undefined;
      if (row) return JSON.parse(row.value_json) as { id: string; legacy: boolean };
      const legacy = (this.db.prepare(`SELECT COUNT(*) AS n FROM connections`).get() as { n: number }).n > 0;
      const made = { id: randomUUID(), legacy };
      this.db.prepare(`INSERT INTO settings (key, value_json, updated_at) VALUES ('secretNamespace', ?, ?)`).run(JSON.stringify(made), now);
      return made;
    }).immediate();
  }

  update(patch: Partial<Settings>, now: string): Settings {
    const stmt = this.db.prepare(
      `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
    );
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) stmt.run(key, JSON.stringify(value), now);
      }
    })();
    return this.get();
  }
}
