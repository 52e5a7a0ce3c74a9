import type { Run, SheetSource } from '@core/api';
import { useApiQuery } from '../../hooks/useApi';
import { useActiveRuns } from '../../hooks/useActiveRuns';

export const SHEET_ENGINE = 'sheet-import';

/**
 * The sources with their live import and check merged in: while one runs, its
 * freshest progress snapshot replaces the stored one (a check runs in scope
 * `source:<id>:check`, apart from the imports). LiveEventsProvider
 * invalidates the sources and cache previews on every `run.finished`, so a
 * finished import refreshes whichever page shows them.
 */
export function useSheetSources(): { sources: SheetSource[]; isLoading: boolean } {
  const query = useApiQuery('sheets.sources.list', {});
  const active = useActiveRuns();
  const sources = (query.data ?? []).map((source) => {
    const live = (scope: string) => active.runs.find((run) => run.engine === SHEET_ENGINE && run.scope === scope);
    const importing = live(`source:${source.id}`);
    const checking = live(`source:${source.id}:check`);
    return { ...source, lastRun: importing ?? source.lastRun, lastCheck: checking ?? source.lastCheck };
  });
  return { sources, isLoading: query.isLoading };
}

export function isImporting(run: Run | null): boolean {
  return run?.state === 'queued' || run?.state === 'running';
}
