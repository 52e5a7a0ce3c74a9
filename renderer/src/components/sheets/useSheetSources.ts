import type { Run, SheetSource } from '@core/api';
import { useApiQuery } from '../../hooks/useApi';
import { useActiveRuns } from '../../hooks/useActiveRuns';

export const SHEET_ENGINE = 'sheet-import';

/**
 * The sources with their live import merged in: while an import runs, its
 * freshest progress snapshot replaces the stored one. LiveEventsProvider
 * invalidates the sources and cache previews on every `run.finished`, so a
 * finished import refreshes whichever page shows them.
 */
export function useSheetSources(): { sources: SheetSource[]; isLoading: boolean } {
  const query = useApiQuery('sheets.sources.list', {});
  const active = useActiveRuns();
  const sources = (query.data ?? []).map((source) => {
    const live = active.runs.find((run) => run.engine === SHEET_ENGINE && run.scope === `source:${source.id}`);
    return live ? { ...source, lastRun: live } : source;
  });
  return { sources, isLoading: query.isLoading };
}

export function isImporting(run: Run | null): boolean {
  return run?.state === 'queued' || run?.state === 'running';
}
