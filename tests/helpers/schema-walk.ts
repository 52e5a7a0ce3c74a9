import type { z } from 'zod';
import { JSON_WORST_BYTES_PER_UNIT, jsonBounds } from '../../core/api/limits';

/**
 * Reads zod 4 schemas (their public `_zod.def`) to answer two questions about
 * a contract input: how many JSON bytes can its largest valid value take
 * (worst escaping), and what is such a value. Used by the limits test and the
 * fuzz test; anything it cannot bound is reported with its path, so a new
 * field without a max fails the limits test instead of passing silently.
 */
type Def = {
  type: string;
  checks?: { _zod: { def: Record<string, unknown> } }[];
  format?: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  getter?: () => z.ZodType;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checks = (def: Def) => (def.checks ?? []).map((c) => c._zod.def);
const maxLength = (def: Def) => checks(def).find((c) => c.check === 'max_length')?.maximum as number | undefined;
const minLength = (def: Def) => (checks(def).find((c) => c.check === 'min_length')?.minimum as number | undefined) ?? 0;
const jsonLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
/** The longest JSON text of any finite double, e.g. "-1.2345678901234567e-308". */
const NUMBER_BYTES = 24;
/** "-9007199254740991". */
const SAFE_INT_BYTES = 17;

export interface WorstCase {
  bytes: number;
  /** Paths whose size has no bound (no max length, free JSON, non-strict object). */
  unbounded: string[];
}

export function worstCaseBytes(schema: z.ZodType, path = '$'): WorstCase {
  const bound = jsonBounds.get(schema);
  if (bound) return { bytes: bound.maxBytes, unbounded: [] };
  const def = defOf(schema);
  const unbounded = (): WorstCase => ({ bytes: 0, unbounded: [path] });
  switch (def.type) {
    case 'string': {
      const max = maxLength(def);
      return max === undefined ? unbounded() : { bytes: 2 + JSON_WORST_BYTES_PER_UNIT * max, unbounded: [] };
    }
    case 'number':
    case 'int':
      return { bytes: checks(def).some((c) => c.format === 'safeint') ? SAFE_INT_BYTES : NUMBER_BYTES, unbounded: [] };
    case 'boolean':
      return { bytes: 5, unbounded: [] };
    case 'null':
      return { bytes: 4, unbounded: [] };
    case 'enum':
      return { bytes: Math.max(...Object.values(def.entries ?? {}).map(jsonLength)), unbounded: [] };
    case 'literal':
      return { bytes: Math.max(...(def.values ?? []).map(jsonLength)), unbounded: [] };
    case 'optional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return worstCaseBytes(def.innerType as z.ZodType, path);
    case 'nullable': {
      const inner = worstCaseBytes(def.innerType as z.ZodType, path);
      return { bytes: Math.max(4, inner.bytes), unbounded: inner.unbounded };
    }
    case 'pipe':
      return worstCaseBytes(def.in as z.ZodType, path);
    case 'lazy':
      return worstCaseBytes((def.getter as () => z.ZodType)(), path);
    case 'object': {
      const strict = def.catchall !== undefined && defOf(def.catchall).type === 'never';
      const parts = Object.entries(def.shape ?? {}).map(([key, value]) => {
        const inner = worstCaseBytes(value, `${path}.${key}`);
        return { bytes: jsonLength(key) + 2 + inner.bytes, unbounded: inner.unbounded };
      });
      return {
        bytes: 2 + parts.reduce((sum, part) => sum + part.bytes, 0),
        unbounded: [...(strict ? [] : [`${path} (not strict: unknown keys pass)`]), ...parts.flatMap((p) => p.unbounded)],
      };
    }
    case 'array': {
      const max = maxLength(def);
      const item = worstCaseBytes(def.element as z.ZodType, `${path}[]`);
      if (max === undefined) return { bytes: 0, unbounded: [path, ...item.unbounded] };
      return { bytes: 2 + max * (item.bytes + 1), unbounded: item.unbounded };
    }
    case 'record': {
      const keys = defOf(def.keyType as z.ZodType);
      if (keys.type !== 'enum') return unbounded();
      const value = worstCaseBytes(def.valueType as z.ZodType, `${path}{}`);
      const names = Object.values(keys.entries ?? {});
      return { bytes: 2 + names.reduce<number>((sum, key) => sum + jsonLength(String(key)) + 2 + value.bytes, 0), unbounded: value.unbounded };
    }
    case 'union': {
      const options = (def.options ?? []).map((option) => worstCaseBytes(option, path));
      return { bytes: Math.max(...options.map((o) => o.bytes)), unbounded: options.flatMap((o) => o.unbounded) };
    }
    default:
      return { bytes: 0, unbounded: [`${path} (${def.type})`] };
  }
}

/** Fillers tried for a string, the worst-escaping first. */
const FILLERS = ['\u0001', '\n', 'a', 'A', '0'];
/** Strings no filler can satisfy, keyed by a regex's source. */
const PATTERN_HINTS: { test: (source: string) => boolean; make: (length: number, salt: string) => string }[] = [
  { test: (s) => s.includes('A-Z]{1,3})'), make: (n) => `AAA${'9'.repeat(Math.floor((n - 7) / 2))}:AAA${'9'.repeat(Math.floor((n - 7) / 2))}` },
  { test: (s) => s.startsWith('^postgres'), make: (n, salt) => `postgresql://127.0.0.1:1/${'a'.repeat(Math.max(0, n - 25 - salt.length))}${salt}` },
];

function largestString(schema: z.ZodType, def: Def, salt: string): string {
  const max = maxLength(def) ?? Math.max(minLength(def), 64);
  if (def.format === 'email') return `${'a'.repeat(Math.max(1, max - 12 - salt.length))}${salt}@example.com`;
  // An ISO instant has one shape: its longest valid form (milliseconds and an offset).
  if (def.format === 'datetime') return '2026-01-01T00:00:00.000+00:00';
  if (def.format === 'url') return `http://127.0.0.1:1/${'a'.repeat(Math.max(0, max - 19 - salt.length))}${salt}`;
  for (const filler of FILLERS) {
    const candidate = filler.repeat(Math.max(0, max - salt.length)) + salt;
    if (schema.safeParse(candidate).success) return candidate;
  }
  const pattern = checks(def).find((c) => c.format === 'regex')?.pattern as RegExp | undefined;
  const hint = pattern && PATTERN_HINTS.find((h) => h.test(pattern.source));
  if (hint) return hint.make(max, salt);
  throw new Error(`no largest value for a string with ${JSON.stringify(checks(def).map((c) => c.check))}`);
}

/**
 * A valid value of the schema as large as its bounds allow. `salt` makes
 * sibling array items differ (some schemas refuse duplicates).
 */
export function largestValue(schema: z.ZodType, salt = ''): unknown {
  const bound = jsonBounds.get(schema);
  if (bound && defOf(schema).type === 'string') return largestString(schema, defOf(schema), salt);
  if (bound) return { [`k${salt}`]: '\u0001'.repeat(Math.floor((bound.maxBytes - 16) / JSON_WORST_BYTES_PER_UNIT)) };
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return largestString(schema, def, salt);
    case 'number':
    case 'int': {
      const upper = checks(def).find((c) => c.check === 'less_than');
      const isInt = checks(def).some((c) => c.format === 'safeint');
      if (upper) return Number(upper.value) - (upper.inclusive ? 0 : isInt ? 1 : 1e-9);
      return isInt ? Number.MAX_SAFE_INTEGER - (parseInt(salt, 36) || 0) : -1.234567890123456e-300;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'enum':
      return Object.values(def.entries ?? {}).sort((a, b) => jsonLength(b) - jsonLength(a))[0];
    case 'literal':
      return def.values?.[0];
    case 'optional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
    case 'nullable':
      return largestValue(def.innerType as z.ZodType, salt);
    case 'pipe':
      return largestValue(def.in as z.ZodType, salt);
    case 'lazy':
      return largestValue((def.getter as () => z.ZodType)(), salt);
    case 'object':
      return Object.fromEntries(Object.entries(def.shape ?? {}).map(([key, value]) => [key, largestValue(value, salt)]));
    case 'array': {
      const max = maxLength(def) ?? minLength(def);
      return Array.from({ length: max }, (_, i) => largestValue(def.element as z.ZodType, `${salt}${i.toString(36)}`));
    }
    case 'record': {
      const keys = defOf(def.keyType as z.ZodType);
      const names = keys.type === 'enum' ? Object.values(keys.entries ?? {}).map(String) : [`k${salt}`];
      return Object.fromEntries(names.map((key) => [key, largestValue(def.valueType as z.ZodType, salt)]));
    }
    case 'union': {
      const options = [...(def.options ?? [])].sort((a, b) => worstCaseBytes(b).bytes - worstCaseBytes(a).bytes);
      for (const option of options) {
        try {
          const value = largestValue(option, salt);
          if (option.safeParse(value).success) return value;
        } catch {
          // try the next option
        }
      }
      return largestValue(options[0] as z.ZodType, salt);
    }
    default:
      return null;
  }
}
