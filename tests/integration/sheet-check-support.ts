import type { Run } from '../../core/api/models';
import type { SheetSourceSpec } from '../../core/api/sheets';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import type { SheetCheckCounts, SheetCheckResult } from '../../core/engines/sheet-import/sheet-check-result';
import type { SheetWorld } from './sheet-import-harness';

/** Starts a sheet-import check of a source through the contract's generic `runs.start`, as the CLI does, and waits for it. */
export async function checkNow(world: SheetWorld, sourceId: number): Promise<Run & { checked?: SheetCheckResult }> {
  const source = await world.app.handlers['sheets.sources.list']({}, { actor: 'manual' }) as { id: number; spec: SheetSourceSpec }[];
  const spec = source.find((s) => s.id === sourceId)?.spec;
  if (!spec) throw new Error(`no source ${sourceId}`);
  const { runId } = await world.app.handlers['runs.start']({ engine: 'sheet-import', params: { sourceId, source: spec, mode: 'check' } }, { actor: 'cli' }) as { runId: number };
  const run = (await world.app.runs.waitFor(runId)) as Run;
  return run.state === 'succeeded' ? { ...run, checked: run.result as SheetCheckResult } : run;
}

/**
 * Everything a check could write, byte for byte: the product database's
 * schema and every row of every table (storage_accounts' rows without
 * the access token and its expiry: a Google read may write a refreshed one), plus the console's findings and engine state.
 */
export async function snapshot(world: SheetWorld): Promise<string> {
  const db = world.db;
  const schema = await schemaOf(db);
  const parts: string[] = [JSON.stringify(schema)];
  for (const { name } of schema) {
    const rows = await db.query(`SELECT * FROM "${name}"`);
    const kept = name === 'storage_accounts' ? rows.map(({ access_token: _a, token_expires_at: _e, ...rest }) => rest) : rows;
    parts.push(`${name}:${JSON.stringify(sortRows(kept))}`);
  }
  const store = world.app.store.db;
  parts.push(JSON.stringify(await store.all(`SELECT * FROM findings ORDER BY id`)));
  parts.push(JSON.stringify(await store.all(`SELECT * FROM engine_state ORDER BY engine, key`)));
  return parts.join('\n');
}

async function schemaOf(db: AppDbAdapter): Promise<{ name: string; sql: string }[]> {
  if (db.dialect === 'sqlite') {
    return db.query<{ name: string; sql: string }>(`SELECT name, coalesce(sql, '') AS sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type = 'table' ORDER BY name`);
  }
  const columns = await db.query<{ name: string; col: string; type: string; pos: number }>(
    `SELECT table_name AS name, column_name AS col, data_type AS type, ordinal_position AS pos
       FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, string[]>();
  for (const c of columns) tables.set(c.name, [...(tables.get(c.name) ?? []), `${c.col} ${c.type}`]);
  return [...tables].map(([name, cols]) => ({ name, sql: cols.join(', ') }));
}

function sortRows(rows: Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).sort();
}

/** What an import did to a cache table, by row number: computed from the tables before and after, independently of the engine. */
export function diffCaches(before: readonly Record<string, unknown>[] | undefined, after: readonly Record<string, unknown>[]): Omit<SheetCheckCounts, 'rejected'> {
  const key = (r: Record<string, unknown>) => Number(r._sheet_row);
  const old = new Map((before ?? []).map((r) => [key(r), JSON.stringify(r)]));
  const counts = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  const seen = new Set<number>();
  for (const row of after) {
    const k = key(row);
    seen.add(k);
    const was = old.get(k);
    if (was === undefined) counts.added++;
    else if (was === JSON.stringify(row)) counts.unchanged++;
    else counts.changed++;
  }
  for (const k of old.keys()) if (!seen.has(k)) counts.removed++;
  return counts;
}

/** The cache table, or undefined when it does not exist. */
export async function cacheOrNone(world: SheetWorld, table = 'sheet_pricing'): Promise<Record<string, unknown>[] | undefined> {
  return (await world.tables()).includes(table) ? world.cache(table) : undefined;
}
