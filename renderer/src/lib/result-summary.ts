import type { EngineUi } from '@core/api';
import { formatCount, summarize } from './format';

/** The value at a dotted path ("counts.added"); undefined where the result has no such field. */
export function valueAt(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * A run's result in words, as its engine declares them (app.info `ui.resultSummary`): "6 users · 83 % in sync".
 * An engine that declares nothing, or a result none of whose declared keys it has, reads as its raw fields.
 */
export function summarizeResult(result: Record<string, unknown> | null, entries: EngineUi['resultSummary'] | undefined, limit = 3): string {
  if (!result) return '';
  const parts: string[] = [];
  for (const entry of entries ?? []) {
    if (parts.length >= limit) break;
    const value = valueAt(result, entry.key);
    const shown =
      typeof value === 'number' ? (value !== 0 || entry.always ? formatCount(value) : null) : typeof value === 'string' && value ? value : value === true ? '' : null;
    if (shown !== null) parts.push(entry.text.replace('{n}', shown).replace('{s}', value === 1 ? '' : 's'));
  }
  return parts.length > 0 ? parts.join(' · ') : summarize(result, limit);
}

/** "Checking Google Drive" → "checking Google Drive": only the first letter, so product names keep their capitals. */
export const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

/** A finding's subject for a person: the name its engine points at in the details (app.info `ui.findingName`), else the subject as written. */
export function findingSubjectName(subject: string, details: Record<string, unknown> | null, paths: readonly string[] | undefined): string {
  for (const path of paths ?? []) {
    const value = valueAt(details, path);
    if (typeof value === 'string' && value.trim()) return value;
  }
  return subject;
}
