import type { SheetCheckResult } from '@core/api/sheets';
import { formatCount } from '../../lib/format';

/**
 * What a check's counts mean, in words: the sentence the preview leads with.
 * Pure, so the wording of each case (never imported, empty sheet, nothing to
 * do) is one place. Counts are the check's own; nothing is estimated here.
 */
export function describeCheck(result: SheetCheckResult): string {
  const { counts, tableExists, rowsRead, before } = result;
  const rows = (n: number) => `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;
  const rejected = counts.rejected > 0 ? `; ${rows(counts.rejected)} would be rejected` : '';

  if (rowsRead === 0) {
    if (!tableExists) return 'The sheet has no data rows: an import would create an empty cache table.';
    return before === 0
      ? 'The sheet has no data rows and the cache table is empty: an import would change nothing.'
      : `The sheet has no data rows: an import would empty the cache table, removing all ${rows(before)}.`;
  }
  if (!tableExists) return `Never imported: an import would create the cache table with ${rows(counts.added)}${rejected}.`;
  if (counts.added + counts.removed + counts.changed === 0) {
    return `An import would change nothing: ${rows(counts.unchanged)} unchanged${rejected}.`;
  }
  return `An import would add ${rows(counts.added)}, remove ${formatCount(counts.removed)}, change ${formatCount(counts.changed)}${rejected}; ${formatCount(counts.unchanged)} unchanged.`;
}

/** "5, 102, 103 and 2 more": a sample's row numbers, with what the sample left out. */
export function rowList(sample: readonly { row: number }[], total: number): string {
  const listed = sample.map((s) => formatCount(s.row)).join(', ');
  return total > sample.length ? `${listed} and ${formatCount(total - sample.length)} more` : listed;
}

/** A reject reason without the "Row 22: " the engine starts it with: the preview names the row already. */
export function reasonText(reason: string): string {
  return reason.replace(/^Row [\d,]+:\s*/, '');
}

/**
 * Changed rows grouped by the columns that change, in order of first row: a
 * remapped column changes every row the same way, and twenty lines saying so
 * hide the one row that differs.
 */
export function groupChanged(sample: readonly { row: number; columns: readonly string[] }[]): { columns: string; rows: string; count: number }[] {
  const groups = new Map<string, number[]>();
  for (const { row, columns } of sample) {
    const key = columns.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups].map(([columns, rows]) => ({ columns, rows: rows.map(formatCount).join(', '), count: rows.length }));
}
