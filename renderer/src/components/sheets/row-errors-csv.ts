import type { Finding } from '@core/api';

/** Row errors as CSV (row, problem, values), RFC 4180 quoting, for the admin to fix the sheet. */
export function rowErrorsCsv(findings: readonly Finding[]): string {
  const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = [['row', 'problem'].join(',')];
  for (const finding of findings) {
    const row = (finding.details as { row?: number } | null)?.row ?? finding.subject.replace(/^(source:\d+\/)?row:/, '');
    lines.push([String(row), cell(finding.reason)].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Saves text as a file through a temporary link (works in Electron and in the browser). */
export function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
