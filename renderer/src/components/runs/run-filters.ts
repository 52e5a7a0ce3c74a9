import type { RunState, RunTrigger } from '@core/api';
import { RUN_STATES, RUN_TRIGGERS } from '../../lib/run-states';

/** The Runs page's history filters, as they live in the URL (so a filtered view can be linked). */
export interface RunFilters {
  engine: string | null;
  states: RunState[];
  triggers: RunTrigger[];
  /** Exact scopes, comma-separated: "all", "user:ada@example.com", "user:ada@example.com,user:<id>" (a user's history). */
  scope: string;
  scheduleId: number | null;
  /** Calendar days (yyyy-mm-dd) in the viewer's time zone, both inclusive. */
  from: string;
  to: string;
}

export const NO_RUN_FILTERS: RunFilters = { engine: null, states: [], triggers: [], scope: '', scheduleId: null, from: '', to: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const listOf = <T extends string>(raw: string | null, allowed: readonly T[]): T[] =>
  (raw ?? '').split(',').filter((value): value is T => (allowed as readonly string[]).includes(value));

/** Reads filters from a query string; unknown or malformed values are dropped, not guessed. */
export function filtersFromSearch(search: string): RunFilters {
  const params = new URLSearchParams(search);
  const day = (key: string) => {
    const value = params.get(key) ?? '';
    return DAY.test(value) ? value : '';
  };
  const schedule = Number(params.get('schedule'));
  return {
    engine: params.get('engine') || null,
    states: listOf(params.get('state'), RUN_STATES),
    triggers: listOf(params.get('trigger'), RUN_TRIGGERS),
    scope: (params.get('scope') ?? '').slice(0, 400),
    scheduleId: Number.isInteger(schedule) && schedule > 0 ? schedule : null,
    from: day('from'),
    to: day('to'),
  };
}

/** The query string of these filters (empty ones left out), keeping any other parameter such as `run`. */
export function searchOf(filters: RunFilters, keep: Record<string, string> = {}): string {
  const params = new URLSearchParams(keep);
  if (filters.engine) params.set('engine', filters.engine);
  if (filters.states.length) params.set('state', filters.states.join(','));
  if (filters.triggers.length) params.set('trigger', filters.triggers.join(','));
  if (filters.scope) params.set('scope', filters.scope);
  if (filters.scheduleId !== null) params.set('schedule', String(filters.scheduleId));
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  return params.toString();
}

export function hasFilters(filters: RunFilters): boolean {
  return searchOf(filters) !== '';
}

/** The scopes typed or linked: comma-separated, at most the contract's 10. */
function scopesOf(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))].slice(0, 10);
}

/** The `runs.list` input for these filters: days become instants at the viewer's local midnights. */
export function listInputOf(filters: RunFilters) {
  const midnight = (day: string, plusDays = 0) => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, d + plusDays).toISOString();
  };
  return {
    ...(filters.engine ? { engine: filters.engine } : {}),
    ...(filters.states.length ? { states: filters.states } : {}),
    ...(filters.triggers.length ? { triggers: filters.triggers } : {}),
    ...(scopesOf(filters.scope).length ? { scopes: scopesOf(filters.scope) } : {}),
    ...(filters.scheduleId !== null ? { scheduleId: filters.scheduleId } : {}),
    ...(filters.from ? { from: midnight(filters.from) } : {}),
    // `to` is inclusive for a person: runs of that whole day.
    ...(filters.to ? { to: midnight(filters.to, 1) } : {}),
  };
}
