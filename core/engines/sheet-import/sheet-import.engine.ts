import { z } from 'zod';
import { SheetSourceSpecSchema, type SheetSourceSpec } from '../../api/sheets';
import type { AppDbAdapter } from '../../appdb/adapter';
import type { NewFinding } from '../../store/findings.repo';
import type { Engine, EngineContext, FindingSink } from '../engine';
import type { ResolvedConnection } from '../engine-resources';
import { assertTargetIsOurs, createStaging, dropStaging, OWNED_TABLES, swapIn } from './cache-table';
import { Deadlines } from './deadlines';
import { explainImportError } from './explain-error';
import { googleClients } from './google-clients';
import { PipelineProgress } from './pipeline-progress';
import { MAX_ROW_FINDINGS, RowProcessor } from './process-rows';
import { AdapterRowSink, type RowSink } from './row-sink';
import { runCheck } from './sheet-check';
import { processSource } from './source-windows';
import { SqliteWorkerSink } from './sqlite-worker-sink';
import { formatCount } from '../../base/format-count';

/**
 * sheet-import: one Google Sheet → one cache table of the product database,
 * replaced atomically. Phases: downloading (60 %), processing (20 %),
 * saving (20 %); the stages overlap (a window is validated while the next
 * one downloads, and written by a writer thread meanwhile), and
 * pipeline-progress.ts says how the percent stays monotonic and honest.
 * The params carry the source's definition as it was when the import
 * started (the console resolves `sheets.import({id})` into them), so a run
 * records exactly what it imported; scope `source:<id>` makes imports of one
 * source single-flight.
 * Mode `check` (sheet-check.ts) reports what an import would change and
 * writes nothing. It has a scope of its own, `source:<id>:check`, so the
 * Sheets page's last import and its row errors (the runs and findings of
 * scope `source:<id>`) stay those of the last import.
 */
export const SheetImportParams = z.strictObject({
  sourceId: z.number().int().positive(),
  source: SheetSourceSpecSchema,
  /** Absent means `import`, so the params of existing callers and stored runs are unchanged. */
  mode: z.enum(['import', 'check']).optional(),
});
export type SheetImportParams = z.output<typeof SheetImportParams>;

export const sheetImportEngine: Engine<SheetImportParams> = {
  id: 'sheet-import',
  title: 'Google Sheet import',
  description: 'Imports a Google Sheet into its cache table in the product database, replacing the cache atomically; a check reports what an import would change, writing nothing.',
  phases: [
    { id: 'downloading', label: 'Downloading', weight: 60 },
    { id: 'processing', label: 'Processing', weight: 20 },
    { id: 'saving', label: 'Saving', weight: 20 },
  ],
  params: SheetImportParams,
  scopeOf: (params) => (params.mode === 'check' ? `source:${params.sourceId}:check` : `source:${params.sourceId}`),
  // Row errors of a successful import replace those of earlier imports of the same source; a check records none.
  supersedesFindings: (params) => params.mode !== 'check',

  async run({ sourceId, source: spec, mode }, context, { signal, progress }) {
    if (mode === 'check') return runCheck(sourceId, spec, context, { signal, progress });
    const started = performance.now();
    const deadlines = new Deadlines(signal, spec.timeouts);
    let sink: RowSink | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    try {
      progress.phase('downloading', { message: 'Connecting to Google and the product database' });
      const [connection, app] = await Promise.all([context.resources.connection('google', spec.connection || undefined), context.resources.appDb()]);
      const owned = await context.resources.state.get<string[]>(OWNED_TABLES) ?? [];
      await assertTargetIsOurs(app.db, app.mapping, spec.targetTable, owned);
      const clients = googleClients(connection, app, spec, deadlines, context.apiCalls);

      cleanup = () => dropStaging(app.db, spec.targetTable);
      const staging = await createStaging(app.db, spec.targetTable, spec.columns);
      const report = new PipelineProgress(progress);
      sink = openSink(app, staging, spec, (saved) => report.savedRows(saved));
      // A finding is unique per (engine, subject) while open, so a row error names its source: row 5 of one
      // sheet and row 5 of another are different subjects.
      const rowFindings: FindingSink = {
        add: (f: NewFinding) => context.findings.add({ ...f, subject: `source:${sourceId}/${f.subject}` }),
        flush: () => context.findings.flush(),
        get count() {
          return context.findings.count;
        },
      };
      const processor = new RowProcessor(spec.columns, rowFindings, sink, () => progress.count('rejected'), deadlines.signal);
      const { processed, tally } = await processSource(clients, { spec, deadlines, progress, report }, processor, 'writing the new cache table');
      const saved = await sink.finish();
      sink = undefined;
      // Last chance to stop: after the swap the new cache is live.
      deadlines.signal.throwIfAborted();
      await swapIn(app.db, spec.targetTable);
      cleanup = undefined;
      await context.resources.state.set(OWNED_TABLES, [...new Set([...owned, spec.targetTable])]);

      const stats = {
        sourceId,
        table: spec.targetTable,
        method: spec.method,
        bytes: tally.bytes,
        rowsRead: saved + processed.rowsRejected,
        rows: saved,
        rowsRejected: processed.rowsRejected,
        rejectedByReason: processed.rejectedByReason,
        rowErrorsListed: Math.min(processed.rowsRejected, MAX_ROW_FINDINGS),
        blankRows: processed.blankRows,
        durationMs: Math.round(performance.now() - started),
      };
      progress.update({ done: saved, message: `Import complete: ${formatCount(saved)} rows cached, ${formatCount(processed.rowsRejected)} rejected` });
      await audit(context, sourceId, spec, stats);
      return stats;
    } catch (error) {
      throw explainImportError(deadlines.explain(error), spec);
    } finally {
      deadlines.dispose();
      // The writer first (it holds its own connection to the database), then the staging table.
      if (sink) await sink.abort();
      if (cleanup) await cleanup();
    }
  },
};

/** A SQLite file gets the writer thread; PostgreSQL (and a database without a file) the in-process sink. */
function openSink(app: { db: AppDbAdapter; connection: ResolvedConnection }, staging: string, spec: SheetSourceSpec, onSaved: (saved: number) => void): RowSink {
  const path = app.connection.config.path;
  if (app.db.dialect === 'sqlite' && typeof path === 'string' && path !== '' && path !== ':memory:') {
    return new SqliteWorkerSink(path, staging, spec.columns, onSaved);
  }
  return new AdapterRowSink(app.db, staging, spec.columns, onSaved);
}

async function audit(context: EngineContext, sourceId: number, spec: SheetSourceSpec, stats: { rows: number; rowsRejected: number; bytes: number }): Promise<void> {
  await context.resources.audit({
    action: 'sheet-import.replace-cache',
    subject: `source:${sourceId} (${spec.name})`,
    before: { table: spec.targetTable },
    after: { table: spec.targetTable, spreadsheetId: spec.spreadsheetId, rows: stats.rows, rowsRejected: stats.rowsRejected, bytes: stats.bytes },
  });
}
