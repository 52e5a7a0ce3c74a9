import type { RunState, RunTrigger } from '@core/api';
import { RUN_STATES, RUN_TRIGGERS } from '../../lib/run-states';

/** The Runs page's history filters, as they live in the URL (so a filtered view can be linked). */
export interface RunFilters {
  engine: string | null;
  states: RunState[];
  triggers: RunTrigger[];
  /** Exact scopes, comma-separated: "all", "user:ada@example.com", "user:ada@example.com,user:<id>" (a user's history). */
  scope: string;
  /** A person picked by email or id (`user=` in the URL): their runs under every scope that names them. */
  user: string;
  scheduleId: number | null;
  /** Calendar days (yyyy-mm-dd) in the viewer's time zone, both inclusive. */
  from: string;
  to: string;
}

export const NO_RUN_FILTERS: RunFilters = { engine: null, states: [], triggers: [], scope: '', user: '', scheduleId: null, from: '', to: '' };

/** At most the contract's 10 scopes a list asks for. */
const MAX_SCOPES = 10;
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
    user: (params.get('user') ?? '').trim().slice(0, 320),
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
  if (filters.user) params.set('user', filters.user);
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
  return [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))].slice(0, MAX_SCOPES);
}

/**
 * Every scope a person's runs are keyed by: engines key runs by user id or by
 * email (core/api/run-scope.ts), per provider, and repair or check modes
 * prefix them. Keys are the picked value and, once looked up, the person's id
 * and email; the most common shapes come first so the cap drops rare ones.
 */
export function userScopesOf(user: string, person: { id: string; email: string | null } | null): string[] {
  const keys = [...new Set([user.trim(), person?.id, person?.email].filter((k): k is string => Boolean(k)))];
  const shapes = [(k: string) => `user:${k}`, (k: string) => `user:${k}:google`, (k: string) => `user:${k}:dropbox`, (k: string) => `repair:user:${k}`, (k: string) => `check:user:${k}`];
  return shapes.flatMap((shape) => keys.map(shape)).slice(0, MAX_SCOPES);
}

/**
 * The `runs.list` input for these filters: days become instants at the viewer's local midnights.
 * A picked user stands for their scopes (`person` is who that key names, when known); it wins over typed scopes.
 */
export function listInputOf(filters: RunFilters, person: { id: string; email: string | null } | null = null) {
  const scopes = filters.user ? userScopesOf(filters.user, person) : scopesOf(filters.scope);
  const midnight = (day: string, plusDays = 0) => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, d + plusDays).toISOString();
  };
  return {
    ...(filters.engine ? { engine: filters.engine } : {}),
    ...(filters.states.length ? { states: filters.states } : {}),
    ...(filters.triggers.length ? { triggers: filters.triggers } : {}),
    ...(scopes.length ? { scopes } : {}),
    ...(filters.scheduleId !== null ? { scheduleId: filters.scheduleId } : {}),
    ...(filters.from ? { from: midnight(filters.from) } : {}),
    // `to` is inclusive for a person: runs of that whole day.
    ...(filters.to ? { to: midnight(filters.to, 1) } : {}),
  };
}
