import { z } from 'zod';
import { SheetSourceSpecSchema, type SheetSourceSpec } from '../../api/sheets';
import type { Engine, EngineContext } from '../engine';
import { assertTargetIsOurs, createStaging, dropStaging, swapIn } from './cache-table';
import { Deadlines } from './deadlines';
import { downloadViaCsvExport } from './download-csv';
import { downloadViaSheetsApi, type DownloadResult } from './download-sheets';
import { explainImportError } from './explain-error';
import { googleClients, type GoogleClients } from './google-clients';
import { MAX_ROW_FINDINGS, processRows } from './process-rows';
import { saveRows } from './save-rows';
import { Spool, SpoolWriter } from './spool';

/**
 * sheet-import: one Google Sheet → one cache table of the product database,
 * replaced atomically. Phases: downloading (60 %), processing (20 %),
 * saving (20 %). The params carry the source's definition as it was when the
 * import started (the console resolves `sheets.import({id})` into them), so a
 * run records exactly what it imported; scope `source:<id>` makes imports of
 * one source single-flight.
 */
export const SheetImportParams = z.strictObject({
  sourceId: z.number().int().positive(),
  source: SheetSourceSpecSchema,
});
export type SheetImportParams = z.output<typeof SheetImportParams>;

/** Engine state: every table an import created, so a target that exists but is not ours is refused. */
const OWNED_TABLES = 'owned-tables';

export const sheetImportEngine: Engine<SheetImportParams> = {
  id: 'sheet-import',
  title: 'Google Sheet import',
  description: 'Imports a Google Sheet into its cache table in the product database, replacing the cache atomically.',
  phases: [
    { id: 'downloading', label: 'Downloading', weight: 60 },
    { id: 'processing', label: 'Processing', weight: 20 },
    { id: 'saving', label: 'Saving', weight: 20 },
  ],
  params: SheetImportParams,
  scopeOf: (params) => `source:${params.sourceId}`,
  // Row errors of a successful import replace those of earlier imports of the same source.
  supersedesFindings: () => true,

  async run({ sourceId, source: spec }, context, { signal, progress }) {
    const started = performance.now();
    const deadlines = new Deadlines(signal, spec.timeouts);
    const spool = await Spool.create();
    let cleanup: (() => Promise<void>) | undefined;
    try {
      progress.phase('downloading', { message: 'Connecting to Google and the product database' });
      const [connection, app] = await Promise.all([context.resources.connection('google', spec.connection || undefined), context.resources.appDb()]);
      const owned = context.resources.state.get<string[]>(OWNED_TABLES) ?? [];
      await assertTargetIsOurs(app.db, app.mapping, spec.targetTable, owned);
      const clients = googleClients(connection, app, spec, deadlines, context.apiCalls);

      const raw = spool.file('download.csv');
      const download = await downloadTo(raw, clients, spec, deadlines, progress);
      const processed = await processRows(raw, spool.file('valid.jsonl'), download, spec, context.findings, progress, deadlines.signal);

      progress.phase('saving', { total: processed.rowsValid, message: 'Preparing the new cache table' });
      cleanup = () => dropStaging(app.db, spec.targetTable);
      const staging = await createStaging(app.db, spec.targetTable, spec.columns);
      const saved = await saveRows(app.db, staging, spec.columns, spool.file('valid.jsonl'), processed.rowsValid, progress, deadlines.signal);
      // Last chance to stop: after the swap the new cache is live.
      deadlines.signal.throwIfAborted();
      await swapIn(app.db, spec.targetTable);
      cleanup = undefined;
      context.resources.state.set(OWNED_TABLES, [...new Set([...owned, spec.targetTable])]);

      const stats = {
        sourceId,
        table: spec.targetTable,
        method: spec.method,
        bytes: download.bytes,
        rowsRead: saved + processed.rowsRejected,
        rows: saved,
        rowsRejected: processed.rowsRejected,
        rejectedByReason: processed.rejectedByReason,
        rowErrorsListed: Math.min(processed.rowsRejected, MAX_ROW_FINDINGS),
        blankRows: processed.blankRows,
        durationMs: Math.round(performance.now() - started),
      };
      progress.update({ done: saved, message: `Import complete: ${saved.toLocaleString('en')} rows cached, ${processed.rowsRejected.toLocaleString('en')} rejected` });
      audit(context, sourceId, spec, stats);
      return stats;
    } catch (error) {
      throw explainImportError(deadlines.explain(error), spec);
    } finally {
      deadlines.dispose();
      if (cleanup) await cleanup();
      await spool.dispose();
    }
  },
};

async function downloadTo(path: string, clients: GoogleClients, spec: SheetSourceSpec, deadlines: Deadlines, progress: Parameters<typeof downloadViaSheetsApi>[3]): Promise<DownloadResult> {
  const out = new SpoolWriter(path);
  try {
    return spec.method === 'csv-export'
      ? await downloadViaCsvExport(clients.drive, clients.sheets, spec, deadlines, progress, out)
      : await downloadViaSheetsApi(clients.sheets, spec, deadlines, progress, out);
  } finally {
    await out.close();
  }
}

function audit(context: EngineContext, sourceId: number, spec: SheetSourceSpec, stats: { rows: number; rowsRejected: number; bytes: number }): void {
  context.resources.audit({
    action: 'sheet-import.replace-cache',
    subject: `source:${sourceId} (${spec.name})`,
    before: { table: spec.targetTable },
    after: { table: spec.targetTable, spreadsheetId: spec.spreadsheetId, rows: stats.rows, rowsRejected: stats.rowsRejected, bytes: stats.bytes },
  });
}
