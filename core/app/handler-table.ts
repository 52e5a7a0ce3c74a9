import { ApiError } from '../api/errors';
import { METHOD_NAMES, type MethodName } from '../api/names';
import type { AnyEngine, EngineHost } from '../engines/engine';
import type { HandlerTable } from '../engines/engine-policies';

export interface HandlerTableParts {
  /** The console's own methods (runs, findings, settings, connections, schedules…). */
  own: Partial<HandlerTable>;
  /** The registered engines: each answers its own methods through its descriptor's `handlers(host)`. */
  engines: readonly AnyEngine[];
  host: EngineHost;
  /**
   * Engines this build knows but may not have registered (a test registry, a trimmed build): a call to
   * one of their methods names the engine that is missing instead of failing obscurely.
   */
  known?: readonly AnyEngine[];
}

/**
 * The one handler table: every contract method has exactly one handler. Two
 * parts claiming the same method is a wiring mistake, refused at start-up
 * instead of letting the later one win silently.
 */
export function assembleHandlerTable({ own, engines, host, known = [] }: HandlerTableParts): HandlerTable {
  const table = new Map<MethodName, unknown>();
  const parts: [owner: string, part: Partial<HandlerTable>][] = [['the console', own], ...engines.map((e): [string, Partial<HandlerTable>] => [`the ${e.id} engine`, e.handlers?.(host) ?? {}])];
  for (const [method, owners] of claims(parts)) {
    if (owners.length > 1) throw new Error(`The contract method ${method} is claimed by ${owners.join(' and by ')}: each method has one handler.`);
  }
  for (const [, part] of parts) for (const [method, handler] of Object.entries(part)) table.set(method as MethodName, handler);

  const registered = new Set(engines.map((e) => e.id));
  const absent = known.filter((e) => !registered.has(e.id));
  for (const method of METHOD_NAMES) {
    if (!table.has(method)) table.set(method, unserved(method, absent, host));
  }
  // Every method of METHOD_NAMES has a handler now (the loop above), each typed by the part that declared it.
  return Object.fromEntries(table) as HandlerTable;
}

/** Who claims each method, in order: the console first, then the engines as registered. */
export function claims(parts: readonly (readonly [owner: string, part: Partial<HandlerTable>])[]): Map<MethodName, string[]> {
  const owners = new Map<MethodName, string[]>();
  for (const [owner, part] of parts) {
    for (const method of Object.keys(part) as MethodName[]) owners.set(method, [...(owners.get(method) ?? []), owner]);
  }
  return owners;
}

/** A method no registered engine answers: a clear error naming the engine that would, never a crash. */
function unserved(method: MethodName, absent: readonly AnyEngine[], host: EngineHost): () => never {
  return () => {
    // Asked only on this error path: which known but unregistered engine declares the method.
    const owner = absent.find((engine) => engine.handlers !== undefined && method in engine.handlers(host));
    const message = owner ? `${method} belongs to the ${owner.id} engine, which this console does not run.` : `No engine of this console answers ${method}.`;
    throw new ApiError('unknown-method', message, { method, engine: owner?.id ?? null });
  };
}
