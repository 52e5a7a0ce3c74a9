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

/** Keys whose values are credentials or their hashes: shown as a mask, in the diff and anywhere else. */
const SECRET_KEY =
  /(secret|password|passwd|token|api[-_]?key|private[-_]?key|access[-_]?key|service[-_]?role|session|auth[-_]?header|credential|authorization|cookie|(^|[-_])(hash|salt)$)/i;
export const SECRET_MASK = '•••• (hidden)';

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);

/**
 * Secret-looking text inside any string, whatever its key (a signed URL's token, credentials in a
 * connection string, a bearer JWT): the same patterns core/logging/redact.ts masks in logs, which the
 * renderer may not import (it sees core/api only). Only the secret part is masked; the rest stays readable.
 */
const SECRET_TEXT: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${SECRET_MASK}`],
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${SECRET_MASK}@`],
  [/([?&](?:access_token|refresh_token|id_token|token|api_key|apikey|key|secret|client_secret|code|password|signature|sig)=)[^&\s#"']+/gi, `$1${SECRET_MASK}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, SECRET_MASK],
  [/\bya29\.[A-Za-z0-9._-]{10,}/g, SECRET_MASK],
  [/\b1\/\/[A-Za-z0-9._-]{10,}/g, SECRET_MASK],
  [/\bsl\.[A-Za-z0-9._-]{20,}/g, SECRET_MASK],
];

export const maskSecretText = (text: string): string => SECRET_TEXT.reduce((out, [pattern, mask]) => out.replace(pattern, mask), text);

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
