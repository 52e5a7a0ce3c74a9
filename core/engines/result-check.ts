import type { z } from 'zod';
import type { EngineModes } from './engine-policies';
import { EngineResultBase, type EngineResult } from './engine-result';

/** The part of a descriptor a result is checked against. */
export interface ResultSchemas {
  title: string;
  modes?: EngineModes | undefined;
}

export type ResultCheck =
  | { ok: true; mode: string | undefined; result: EngineResult }
  | { ok: false; mode: string | undefined; message: string; problems: string[] };

/** Problems named in a failed check's message; the rest are counted. */
const MAX_NAMED = 5;

/** The mode a run of these params runs: its `mode`, else the engine's first (only) mode. */
export function modeOf(engine: ResultSchemas, params: Record<string, unknown>): string | undefined {
  if (typeof params.mode === 'string') return params.mode;
  return engine.modes ? Object.keys(engine.modes)[0] : undefined;
}

/**
 * Why a schedule may not run these params: their mode is one only a person starts (EngineMode.byHand: it
 * undoes what was done); undefined when a schedule may. One wording for the schedule form and the run start.
 */
export function scheduleRefusal(engine: ResultSchemas, params: Record<string, unknown>): string | undefined {
  const mode = modeOf(engine, params);
  if (mode === undefined || engine.modes?.[mode]?.byHand !== true) return undefined;
  return `${engine.title} runs "${mode}" only when a person starts it (it undoes what was done, and a schedule has nobody to confirm it)`;
}

/**
 * Checks what an engine returned against the shared base and the result
 * schema of the mode that ran. Never throws. An engine that declares modes
 * must declare the one that ran; one that declares none (a test's toy
 * engine) is held to the base alone. The result itself is not rewritten.
 */
export function checkResult(engine: ResultSchemas, params: Record<string, unknown>, raw: unknown): ResultCheck {
  const mode = modeOf(engine, params);
  const fail = (problems: string[]): ResultCheck => ({ ok: false, mode, problems, message: describe(engine, mode, problems) });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail([`(result): expected an object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`]);
  const base = EngineResultBase.safeParse(raw);
  if (!base.success) return fail(problemsOf(base.error));
  if (engine.modes) {
    const schema = mode === undefined ? undefined : engine.modes[mode]?.result;
    if (!schema) return fail([`(mode): ${engine.title} declares no result schema for mode "${mode ?? '(none)'}"`]);
    const own = schema.safeParse(raw);
    if (!own.success) return fail(problemsOf(own.error));
  }
  if (mode !== undefined && base.data.mode !== undefined && base.data.mode !== mode) return fail([`mode: the result says "${base.data.mode}" but the run's mode was "${mode}"`]);
  // The engine's own object, not the parse's copy: nested objects a schema declares strictly (a failed item) keep
  // any field it does not know. It passed the base, so it has the base's type.
  return { ok: true, mode, result: raw as EngineResult };
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(result)'}: ${issue.message}`);
}

function describe(engine: ResultSchemas, mode: string | undefined, problems: string[]): string {
  const named = problems.slice(0, MAX_NAMED).join('; ');
  const more = problems.length > MAX_NAMED ? ` (and ${problems.length - MAX_NAMED} more)` : '';
  return `${engine.title} returned a result that does not match its ${mode ?? ''} result schema, so its summary cannot be trusted: ${named}${more}.`.replace('  ', ' ');
}
