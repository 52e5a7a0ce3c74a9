import type { Run } from '@core/api';

/**
 * What the Mail page reads of mail-import results. The result schemas live
 * in the engine's folder (out of the renderer's reach), so the few fields the
 * page shows are read here, each checked for its type: an older or foreign
 * result simply shows less.
 */
export interface MailUserLine {
  userId: string;
  email: string | null;
  outcome: string;
  count: number;
  message: string | null;
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The per-user lines of an import (`imported`) or a check (`wouldImport`). */
export function userLines(run: Pick<Run, 'result'>): MailUserLine[] {
  const perUser = run.result?.perUser;
  if (!Array.isArray(perUser)) return [];
  const check = run.result?.mode === 'check';
  return perUser.flatMap((line: unknown): MailUserLine[] => {
    if (typeof line !== 'object' || line === null) return [];
    const l = line as Record<string, unknown>;
    const userId = str(l.userId);
    if (!userId) return [];
    return [{ userId, email: str(l.email), outcome: str(l.outcome) ?? 'unknown', count: num(check ? l.wouldImport : l.imported), message: str(l.message) }];
  });
}

export interface MailPreviewTotals {
  users: number;
  wouldImport: number;
  skipped: number;
  needsReconnect: number;
  failed: number;
}

export function previewTotals(run: Pick<Run, 'result'>): MailPreviewTotals {
  const r = run.result ?? {};
  const outcomes = (typeof r.outcomes === 'object' && r.outcomes !== null ? r.outcomes : {}) as Record<string, unknown>;
  return { users: num(r.users), wouldImport: num(r.wouldImport), skipped: num(r.skipped), needsReconnect: num(outcomes['needs-reconnect']), failed: num(outcomes.failed) };
}

/** Users a scheduled import skipped because their own import is off. */
export function disabledCount(run: Pick<Run, 'result'>): number {
  return num(run.result?.disabled);
}

/**
 * Each user's latest import outcome from the history (newest first): the
 * first import run that has a line for the user speaks for them.
 */
export function latestOutcomes(runs: readonly Run[]): Map<string, MailUserLine & { runId: number }> {
  const out = new Map<string, MailUserLine & { runId: number }>();
  for (const run of runs) {
    if (run.params.mode === 'check') continue;
    for (const line of userLines(run)) if (!out.has(line.userId)) out.set(line.userId, { ...line, runId: run.id });
  }
  return out;
}
