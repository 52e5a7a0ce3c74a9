import { parseRunScope } from '@core/api/run-scope';
import { useApiQuery } from './useApi';

/** A run scope that names a Sheets source (`source:<id>`, a preview `source:<id>:check`), split into its id and whether it is a check; null for any other scope. */
export function parseSourceScope(scope: string): { sourceId: number; check: boolean } | null {
  const target = parseRunScope(scope);
  return target.kind === 'source' ? { sourceId: target.sourceId, check: target.preview } : null;
}

/**
 * The Sheets source's name for a schedule or run that points at one ("Pricing
 * plans", not "Source #1"): an admin knows the sheet by its name. Until the list
 * answers, or for a source since removed, the id as before.
 */
export function useSourceName(sourceId: number | null): string {
  const sources = useApiQuery('sheets.sources.list', {}, { enabled: sourceId !== null });
  if (sourceId === null) return '';
  return sources.data?.find((source) => source.id === sourceId)?.spec.name ?? `Source #${sourceId}`;
}
