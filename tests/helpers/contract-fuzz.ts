import { methods } from '../../core/api/contract';
import { API_ERROR_CODES, type CallResult } from '../../core/api/errors';
import type { MethodName } from '../../core/api/names';
import type { Store } from '../../core/store/store';
import type { Prng } from './prng';
import { largestValue } from './schema-walk';
import { rawSqlite } from './sqlite-store';

/**
 * Inputs for fuzzing the contract: boundary values built from each method's
 * schema (the largest valid input, and it pushed one step past a bound),
 * mutations of it (a field dropped, retyped, replaced by junk, an extra key)
 * and plain junk. Everything here is JSON; `nonJsonInputs` adds what only
 * structured clone (IPC) can carry.
 */
export const READ_ONLY_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'app.info',
  'runs.list',
  'runs.get',
  'runs.stats',
  'runs.log',
  'findings.list',
  'audit.list',
  'settings.get',
  'connections.list',
  'sheets.sources.list',
  'sheets.cache.preview',
  'media.overview',
  'media.imported',
  'identity.users',
  'identity.summary',
  'identity.plan',
  'storage.accounts',
  'storage.summary',
  'schedules.list',
  'schedules.describe',
  'mail.settings',
  'app.updates.check',
  'users.lookup',
  'users.search',
]);

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202e',
  '💥'.repeat(50),
  '__proto__',
  'constructor',
  "'; DROP TABLE runs; --",
  '../../../../etc/passwd',
  '%s%s%n',
  'x'.repeat(5000),
  '{"type":"call"}',
  'all',
  'user:*',
];
const HOSTILE_NUMBERS = [0, -0, -1, 1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, Number.MIN_VALUE, 7 * 24 * 60 + 1, 500, 501, 10_001];

export function junk(prng: Prng, depth = 0): unknown {
  const kind = prng.int(0, depth > 2 ? 3 : 5);
  switch (kind) {
    case 0:
      return prng.pick(HOSTILE_STRINGS);
    case 1:
      return prng.pick(HOSTILE_NUMBERS);
    case 2:
      return prng.pick([true, false, null]);
    case 3:
      return prng.pick(['', 'demo', 'identity', 'storage-orphans', 'sheet-import']);
    case 4:
      return Array.from({ length: prng.int(0, 4) }, () => junk(prng, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = prng.int(0, 4); i > 0; i--) object[prng.pick([...HOSTILE_STRINGS.slice(0, 10), 'id', 'engine', 'params', 'limit', 'mode'])] = junk(prng, depth + 1);
      return object;
    }
  }
}

type Path = (string | number)[];

function containers(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (value !== null && typeof value === 'object') {
    out.push(path);
    const entries = Array.isArray(value) ? value.slice(0, 3).map((v, i) => [i, v] as const) : Object.entries(value);
    for (const [key, child] of entries) containers(child, [...path, key], out);
  }
  return out;
}

function at(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

/** One random change to a copy of `base`. */
export function mutate(base: unknown, prng: Prng): unknown {
  const copy = structuredClone(base);
  const targets = containers(copy);
  if (targets.length === 0) return junk(prng);
  const node = at(copy, prng.pick(targets)) as Record<string | number, unknown>;
  const keys = Object.keys(node);
  const key = keys.length ? prng.pick(keys) : 'extra';
  const current = node[key];
  switch (prng.int(0, 5)) {
    case 0:
      if (Array.isArray(node)) node.splice(Number(key), 1);
      else delete node[key];
      break;
    case 1:
      node[key] = junk(prng);
      break;
    case 2:
      // One step past a bound: a longer string, a bigger number, a longer list.
      if (typeof current === 'string') node[key] = `${current}x`;
      else if (typeof current === 'number') node[key] = current + 1;
      else if (Array.isArray(current)) current.push(current[0] ?? null);
      else node[key] = null;
      break;
    case 3:
      if (Array.isArray(node)) node.push(junk(prng));
      else node[`extra-${prng.int(0, 9)}`] = junk(prng);
      break;
    case 4:
      node[key] = typeof current === 'string' ? prng.pick(HOSTILE_NUMBERS) : prng.pick(HOSTILE_STRINGS);
      break;
    default:
      node[key] = Array.isArray(current) ? {} : [current];
  }
  return copy;
}

const ID_KEYS = new Set(['id', 'runId', 'findingId', 'sourceId']);

/** A copy whose id fields name rows that exist (1..3), so calls get past "not found" into the handlers. */
export function withSmallIds(value: unknown, prng: Prng): unknown {
  if (Array.isArray(value)) return value.map((item) => withSmallIds(item, prng));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, ID_KEYS.has(key) && typeof child === 'number' ? prng.int(1, 3) : withSmallIds(child, prng)]),
  );
}

/**
 * `count` inputs for one method, boundaries first. `bases` are more valid
 * starting points to mutate (runs.start with each engine's largest params).
 */
export function fuzzInputs(method: MethodName, prng: Prng, count: number, bases: unknown[] = []): unknown[] {
  const largest = largestValue(methods[method].input);
  const starts = [largest, withSmallIds(largest, prng), ...bases];
  const inputs: unknown[] = [...starts, {}, undefined, null, prng.pick(HOSTILE_STRINGS), [largest]];
  while (inputs.length < count) inputs.push(prng.chance(0.85) ? mutate(prng.pick(starts), prng) : junk(prng));
  return inputs.slice(0, Math.max(count, starts.length));
}

/** What only structured clone can carry: IPC must refuse it cleanly too. */
export function nonJsonInputs(): unknown[] {
  const cyclic: Record<string, unknown> = { id: 1 };
  cyclic.self = cyclic;
  return [cyclic, { id: 10n }, new Map([['id', 1]]), new Date(0), { limit: new Uint8Array(4) }, { search: 'x'.repeat(2 * 1024 * 1024) }, 'y'.repeat(2 * 1024 * 1024)];
}

/** A typed error, or a result that satisfies the method's declared output. Returns a problem, or undefined. */
export function checkResponse(method: MethodName, response: CallResult<unknown>): string | undefined {
  if (typeof response !== 'object' || response === null) return 'not a CallResult';
  if (!response.ok) {
    if (!(API_ERROR_CODES as readonly string[]).includes(response.error.code)) return `untyped error ${JSON.stringify(response.error)}`;
    if (response.error.code === 'internal') return `internal error: ${response.error.message}`;
    return undefined;
  }
  const parsed = methods[method].output.safeParse(response.result);
  return parsed.success ? undefined : `result does not match the output schema: ${JSON.stringify(parsed.error.issues.slice(0, 2))}`;
}

/** Every table of the console store, as text: equal snapshots mean nothing was written. */
export function snapshotStore(store: Store): string {
  const tables = rawSqlite(store).prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
  return JSON.stringify(tables.map(({ name }) => [name, rawSqlite(store).prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).raw().all()]), (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('base64') : v,
  );
}
