import { isSecretKey, maskSecretText as maskSecretTextWith } from '@core/api/secret-text';

/**
 * A field-level diff of an audit entry's before- and after-image, for a person to read: nested objects
 * become dotted paths ("remote.user_metadata.name"), arrays of objects indexed paths ("[0].id"), and a
 * value under a secret-looking key is never shown, only whether it changed.
 */
export type FieldChangeKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface FieldChange {
  path: string;
  kind: FieldChangeKind;
  /** The value as text; undefined where the side has no such field. */
  before?: string;
  after?: string;
  /** Under a secret-looking key: the values are replaced by a mask. */
  secret: boolean;
}

export const SECRET_MASK = '•••• (hidden)';

/** Secret-looking text inside any string, whatever its key: the patterns the log redaction masks too; only the secret part is hidden. */
export const maskSecretText = (text: string): string => maskSecretTextWith(text, SECRET_MASK);

/** Flattening stops at this depth and shows the rest as compact JSON (an image is a few levels deep). */
const MAX_DEPTH = 6;

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A value a person reads: strings as they are, null as "null", small structures as compact JSON. */
export function readable(value: unknown): string {
  if (typeof value === 'string') return maskSecretText(value);
  if (value === null) return 'null';
  if (value === undefined) return '';
  return JSON.stringify(redact(value));
}

/** A copy with every secret-looking key's value masked (for any raw view of an image). */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return maskSecretText(value);
  if (Array.isArray(value)) return value.map(redact);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? SECRET_MASK : redact(v)]));
  return value;
}

/** Leaf values by path; an array of scalars stays one leaf ("[a, b]"), an array of objects is indexed. */
function flatten(value: unknown, prefix: string, depth: number, out: Map<string, { value: unknown; secret: boolean }>, secret: boolean): void {
  const nested = isPlainObject(value) || (Array.isArray(value) && value.some((v) => isPlainObject(v) || Array.isArray(v)));
  if (!nested || depth >= MAX_DEPTH || secret) {
    out.set(prefix || '(value)', { value, secret });
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix || '(value)', { value, secret });
    value.forEach((item, i) => flatten(item, `${prefix}[${i}]`, depth + 1, out, secret));
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) out.set(prefix || '(value)', { value, secret });
  for (const [key, item] of entries) flatten(item, prefix ? `${prefix}.${key}` : key, depth + 1, out, isSecretKey(key));
}

function leaves(image: unknown): Map<string, { value: unknown; secret: boolean }> {
  const out = new Map<string, { value: unknown; secret: boolean }>();
  if (image !== null && image !== undefined) flatten(image, '', 0, out, false);
  return out;
}

/** Every field of either image with what happened to it, in the order the images list them (before's first). */
export function diffImages(before: unknown, after: unknown): FieldChange[] {
  const b = leaves(before);
  const a = leaves(after);
  const paths = [...new Set([...b.keys(), ...a.keys()])];
  return paths.map((path) => {
    const was = b.get(path);
    const now = a.get(path);
    const secret = !!(was?.secret || now?.secret);
    const show = (side: { value: unknown } | undefined) => (side === undefined ? undefined : secret ? SECRET_MASK : readable(side.value));
    const kind: FieldChangeKind = !was ? 'added' : !now ? 'removed' : JSON.stringify(was.value) === JSON.stringify(now.value) ? 'unchanged' : 'changed';
    return { path, kind, before: show(was), after: show(now), secret };
  });
}

/** How many fields were added, removed and changed (the row's one-line summary). */
export function diffSummary(changes: readonly FieldChange[]): Record<Exclude<FieldChangeKind, 'unchanged'>, number> {
  const count = (kind: FieldChangeKind) => changes.filter((c) => c.kind === kind).length;
  return { added: count('added'), removed: count('removed'), changed: count('changed') };
}
