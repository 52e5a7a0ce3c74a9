import type { RunLogLine, RunLogPage } from '@core/api';

/**
 * A run's item log as JSON lines: one object per kept line, then one summary line with the
 * counts over every line the engine wrote and how many were not kept (the per-run bound).
 */
export function runLogJsonl(runId: number, lines: readonly RunLogLine[], last: Pick<RunLogPage, 'notKept' | 'counts'>): string {
  const rows = lines.map((line) => JSON.stringify({ runId, ...line }));
  rows.push(JSON.stringify({ runId, summary: true, kept: lines.length, notKept: last.notKept, counts: last.counts }));
  return `${rows.join('\n')}\n`;
}

/** Saves text as a file through a temporary link (works in Electron and in the browser). */
export function downloadJsonl(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
