import type { SheetSourceSpec } from '../../api/sheets';
import type { NewFinding } from '../../store/findings.repo';
import type { EngineContext, EngineControls, FindingSink } from '../engine';
import { CacheDiff } from './cache-diff';
import { assertTargetIsOurs, cacheIdentity, OWNED_TABLES, ROW_COLUMN, schemaVersion } from './cache-table';
import { Deadlines } from './deadlines';
import { explainImportError } from './explain-error';
import { googleClients } from './google-clients';
import { PipelineProgress } from './pipeline-progress';
import { RowProcessor } from './process-rows';
import { SHEET_CHECK_SAMPLE, type SheetCheckResult } from './sheet-check-result';
import { processSource } from './source-windows';
import { formatCount } from '../../base/format-count';

/**
 * sheet-import's `check`: what an import of the sheet as it is now would do
 * to the cache table, and nothing else. It downloads and validates exactly as
 * an import does (the same windows, the same RowProcessor), but its sink
 * compares the valid rows with the live cache (cache-diff.ts) instead of
 * writing a staging table. It writes nothing to the product database but
 * what any Google read writes (refreshed OAuth tokens of the storage
 * account), records no findings (rejected rows are a sample in the result:
 * the Sheets page's row errors stay those of the last import) and changes no
 * engine state; the phase called "Saving" is the comparison's tail.
 */
export async function runCheck(sourceId: number, spec: SheetSourceSpec, context: EngineContext, { signal, progress }: EngineControls): Promise<SheetCheckResult> {
  const started = performance.now();
  const deadlines = new Deadlines(signal, spec.timeouts);
  try {
    progress.phase('downloading', { message: 'Connecting to Google and the product database' });
    const [connection, app] = await Promise.all([context.resources.connection('google', spec.connection || undefined), context.resources.appDb()]);
    // An import would refuse this target: so does its check.
    await assertTargetIsOurs(app.db, app.mapping, spec.targetTable, await context.resources.state.get<string[]>(OWNED_TABLES) ?? []);
    const clients = googleClients(connection, app, spec, deadlines, context.apiCalls);

    const identity = await cacheIdentity(app.db, spec.targetTable);
    const version = await schemaVersion(app.db);
    const present = identity === undefined ? undefined : (await app.db.describeTables([spec.targetTable])).get(spec.targetTable);
    const report = new PipelineProgress(progress);
    const diff = new CacheDiff(app.db, spec.targetTable, spec.columns, present, (rows) => report.savedRows(rows), deadlines.signal);
    const rejected = new RejectedSample();
    const processor = new RowProcessor(spec.columns, rejected, diff, () => progress.count('rejected'), deadlines.signal);
    const { processed, tally } = await processSource(clients, { spec, deadlines, progress, report }, processor, 'comparing with the cache table');
    await diff.finish();
    deadlines.signal.throwIfAborted();
    // An import of this source runs in another scope: if it swapped the cache meanwhile, the comparison mixed two caches.
    if ((await cacheIdentity(app.db, spec.targetTable)) !== identity) {
      throw new Error(`An import replaced the cache table “${spec.targetTable}” during this check, so its comparison is not reliable: run the check again.`);
    }
    // SQLite: the same root page can hold a swapped-in table (auto_vacuum, a reused page); any schema change may be one.
    if (version !== undefined && (await schemaVersion(app.db)) !== version) {
      throw new Error(`The product database's tables changed during this check (an import may have replaced the cache table “${spec.targetTable}”), so its comparison is not reliable: run the check again.`);
    }

    const { counts, samples } = diff;
    const result: SheetCheckResult = {
      mode: 'check',
      sourceId,
      table: spec.targetTable,
      method: spec.method,
      tableExists: present !== undefined,
      columnsAdded: present ? spec.columns.map((c) => c.column).filter((c) => !present.has(c)) : [],
      columnsRemoved: present ? [...present].filter((c) => c !== ROW_COLUMN && !spec.columns.some((s) => s.column === c)) : [],
      bytes: tally.bytes,
      rowsRead: processed.rowsValid + processed.rowsRejected,
      rowsValid: processed.rowsValid,
      blankRows: processed.blankRows,
      before: counts.removed + counts.changed + counts.unchanged,
      counts: { ...counts, rejected: processed.rowsRejected },
      rejectedByReason: processed.rejectedByReason,
      sampleLimit: SHEET_CHECK_SAMPLE,
      samples: { ...samples, rejected: rejected.sample },
      durationMs: Math.round(performance.now() - started),
    };
    progress.update({ done: processed.rowsValid, message: `Check complete: ${describeCounts(result)}` });
    return result;
  } catch (error) {
    throw explainImportError(deadlines.explain(error), spec);
  } finally {
    deadlines.dispose();
  }
}

function describeCounts({ counts }: SheetCheckResult): string {
  const n = formatCount;
  return `an import would add ${n(counts.added)}, remove ${n(counts.removed)} and change ${n(counts.changed)} rows (${n(counts.unchanged)} unchanged, ${n(counts.rejected)} rejected)`;
}

/** The rejected rows' first findings, kept in the result instead of the findings store. */
class RejectedSample implements FindingSink {
  readonly sample: SheetCheckResult['samples']['rejected'] = [];
  private added = 0;

  async add(finding: NewFinding): Promise<void> {
    this.added++;
    if (this.sample.length >= SHEET_CHECK_SAMPLE) return;
    const row = (finding.details as { row?: unknown } | undefined)?.row;
    if (typeof row !== 'number') return;
    this.sample.push({ row, reason: finding.reason.length > 300 ? `${finding.reason.slice(0, 299)}…` : finding.reason });
  }

  async flush(): Promise<void> {}

  get count(): number {
    return this.added;
  }
}
