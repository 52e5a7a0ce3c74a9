import type { AuditEntry, Run, RunDetail } from '../api/models';
import { parseRunScope, runScopeText } from '../api/run-scope';
import { formatDuration } from './output';

/**
 * Human text for runs and audit entries: nested values become indented `key: value` lines, never an
 * inline JSON blob (`--json` is there for machines). Bounded: long lists say how many were left out.
 */
const MAX_LIST = 10;
const MAX_DEPTH = 4;

/** `value` as lines under `key`, indented by `indent` spaces. */
function fieldLines(key: string, value: unknown, indent = 2, depth = 0): string[] {
  const pad = ' '.repeat(indent);
  if (value === null || value === undefined) return [`${pad}${key}: -`];
  if (typeof value !== 'object') return [`${pad}${key}: ${String(value)}`];
  if (depth >= MAX_DEPTH) return [`${pad}${key}: …`];
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((item, i) => [String(i + 1), item]) : Object.entries(value);
  if (entries.length === 0) return [`${pad}${key}: ${Array.isArray(value) ? 'none' : '-'}`];
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
    const shown = value.slice(0, MAX_LIST).map(String).join(', ');
    return [`${pad}${key}: ${shown}${value.length > MAX_LIST ? `, … (${value.length - MAX_LIST} more)` : ''}`];
  }
  const lines = entries.slice(0, MAX_LIST).flatMap(([k, v]) => fieldLines(k, v, indent + 2, depth + 1));
  if (entries.length > MAX_LIST) lines.push(`${pad}  … (${entries.length - MAX_LIST} more)`);
  return [`${pad}${key}:`, ...lines];
}

/**
 * One finished (or running) run: what an engine command prints after waiting for it. `describeResult`
 * is the engine's own wording of its result (its CLI part), when it has one for this result.
 */
export function describeRun(run: Run, describeResult?: (result: Readonly<Record<string, unknown>>) => string[] | null): string {
  const head = `${run.engine} ${String(run.params.mode ?? 'check')} (run ${run.id}): ${run.state}`;
  if (run.error) return `${head}\n  ${run.error.message}`;
  const own = run.result && describeResult ? describeResult(run.result) : null;
  const lines = own ? own.map((line) => `  ${line}`) : Object.entries(run.result ?? {}).flatMap(([key, value]) => fieldLines(key, value));
  const calls = Object.entries(run.apiCalls).map(([service, n]) => `${service} ${n}`).join(', ');
  return [head, ...lines, ...(calls ? [`  API calls: ${calls}`] : [])].join('\n');
}

/**
 * `runs get ID`: the run's facts, its result, and its event log, one event a line. The scope in words
 * (run-scope.ts), its user by email when `person` knows it (the id beside it), the mode on its own line.
 */
export function describeRunDetail({ run, events }: RunDetail, person: (key: string) => string | undefined = () => undefined): string {
  const params = Object.entries(run.params);
  const target = parseRunScope(run.scope);
  const userId = target.kind === 'user' && person(target.key) ? ` (user ${target.key})` : '';
  const lines = [
    `Run ${run.id}: ${run.engine}, ${run.state}`,
    ...(typeof run.params.mode === 'string' ? [`  mode: ${run.params.mode}`] : []),
    `  scope: ${runScopeText(run.scope, person)}${userId}`,
    `  trigger: ${run.trigger}`,
    `  created: ${run.createdAt}`,
    `  started: ${run.startedAt ?? '-'}`,
    `  finished: ${run.finishedAt ?? '-'}`,
    ...(run.startedAt ? [`  duration: ${formatDuration(run.startedAt, run.finishedAt)}`] : []),
    ...(run.progress ? [`  progress: ${run.progress.percent}%`] : []),
    ...(params.length ? fieldLines('params', run.params) : []),
    ...(run.error ? [`  error (${run.error.code}): ${run.error.message}`] : []),
    ...(run.result ? fieldLines('result', run.result) : []),
    ...(Object.keys(run.apiCalls).length ? [`  API calls: ${Object.entries(run.apiCalls).map(([service, n]) => `${service} ${n}`).join(', ')}`] : []),
    '',
    events.length ? `Events (${events.length}):` : 'No events.',
    ...events.map((event) => `  ${event.at}  ${event.kind.padEnd(7)}  ${event.message}`),
  ];
  return lines.join('\n');
}

/** The fields an audit entry changed, by name ("name, email"), or what it created or removed. */
export function auditChange(entry: AuditEntry): string {
  const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`;
  // A change of many rows at once (a quarantine) keeps the rows as a list: say how many, and where they went.
  if (Array.isArray(entry.before)) {
    const table = asRecord(entry.after)?.table;
    if (Array.isArray(entry.after)) return `${rows(entry.before.length)} → ${rows(entry.after.length)}`;
    return `${rows(entry.before.length)} ${typeof table === 'string' ? `moved to ${table}` : 'removed'}`;
  }
  if (Array.isArray(entry.after)) return `${rows(entry.after.length)} added`;
  const before = asRecord(entry.before);
  const after = asRecord(entry.after);
  if (!before && !after) return '';
  if (!before) return 'created';
  if (!after) return 'removed';
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return changed.length ? changed.join(', ') : 'no field changed';
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
