import { ApiError } from '../../api/errors';
import type { SheetCachePreview, SheetSource, SheetSourceSpec } from '../../api/sheets';
import { quoteIdent } from '../../appdb/identifiers';
import { SHEET_IMPORT_ENGINE, SheetSourcesRepository, type StoredSheetSource } from '../../store/sheet-sources.repo';
import type { EngineHost } from '../engine';
import type { HandlerTable } from '../engine-policies';
import { ROW_COLUMN } from './cache-table';

type SheetMethods = 'sheets.sources.list' | 'sheets.sources.create' | 'sheets.sources.update' | 'sheets.sources.delete' | 'sheets.import' | 'sheets.check' | 'sheets.cache.preview';

/**
 * The Sheets page's methods: sources (definitions in the console store) and
 * their cache tables (in the product database). An import is a run of the
 * sheet-import engine whose params snapshot the source as it is now; so is a
 * check (mode `check`, its own scope `source:<id>:check`), which writes nothing.
 */
export function createSheetHandlers(host: EngineHost): Pick<HandlerTable, SheetMethods> {
  const sources = new SheetSourcesRepository(host.store.db);
  const now = () => host.clock.now().toISOString();
  const find = async (id: number): Promise<StoredSheetSource> => {
    const source = await sources.get(id);
    if (!source) throw new ApiError('not-found', `There is no sheet source ${id}.`, { id });
    return source;
  };
  const view = async (source: StoredSheetSource): Promise<SheetSource> => {
    const ids = await sources.lastRunIds(source.id);
    const run = async (id: number | undefined) => (id === undefined ? null : (await host.store.runs.get(id) ?? null));
    const lastRun = await run(ids.last);
    return { ...source, lastRun, lastSuccess: ids.success === ids.last ? lastRun : await run(ids.success), lastCheck: await run(ids.check) };
  };
  // A unique index refused the name or the cache table (awaited here, so its rejection is the one caught).
  const unique = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const message = (error as Error).message;
      if (message.includes('sheet_sources.name')) throw new ApiError('conflict', 'Another source already has this name.', { field: 'name' });
      if (message.includes('sheet_sources.target_table')) throw new ApiError('conflict', 'Another source already writes this cache table.', { field: 'targetTable' });
      throw error;
    }
  };

  return {
    'sheets.sources.list': async () => Promise.all((await sources.list()).map(view)),
    'sheets.sources.create': async (spec: SheetSourceSpec) => view(await find(await unique(() => sources.insert(spec, now())))),
    'sheets.sources.update': async ({ id, spec }) => {
      await find(id);
      await unique(() => sources.update(id, spec, now()));
      return await view(await find(id));
    },
    'sheets.sources.delete': async ({ id }) => ({ id, deleted: await sources.delete(id) }),
    'sheets.import': async ({ id }, { actor }) => host.runs.start(SHEET_IMPORT_ENGINE, { sourceId: id, source: (await find(id)).spec }, actor),
    'sheets.check': async ({ id }, { actor }) => host.runs.start(SHEET_IMPORT_ENGINE, { sourceId: id, source: (await find(id)).spec, mode: 'check' }, actor),
    'sheets.cache.preview': async ({ id, limit }) => preview(host, (await find(id)).spec, limit),
  };
}

/** Reads the live cache table (never the staging one): what the product sees now. */
async function preview(host: EngineHost, spec: SheetSourceSpec, limit: number): Promise<SheetCachePreview> {
  const columns = [ROW_COLUMN, ...spec.columns.map((c) => c.column)];
  const empty = { table: spec.targetTable, exists: false, columns, rows: [], total: 0 };
  return host.connections.withAppDb(async ({ db }) => {
    const existing = (await db.describeTables([spec.targetTable])).get(spec.targetTable);
    if (!existing) return empty;
    const present = columns.filter((c) => existing.has(c));
    const table = quoteIdent(spec.targetTable);
    const [count] = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`);
    const rows = await db.query(`SELECT ${present.map(quoteIdent).join(', ')} FROM ${table} ORDER BY ${quoteIdent(ROW_COLUMN)} LIMIT ?`, [limit]);
    return { table: spec.targetTable, exists: true, columns: present, rows, total: Number(count?.n ?? 0) };
  });
}
