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

/** How an engine reads a batch of table rows in an audit image (app.info `ui.auditRows`). */
export interface AuditRowSpec {
  table: string;
  /** What happened to a row that is in the before-image only ("quarantined"). */
  done: string;
  noun: string;
  /** The column (or kept field) naming the row for a person. */
  nameKey: string;
}

/** One row of a batch: a line a person reads, the columns that changed (before → after), and the whole row on request. */
export interface RowChange {
  id: string;
  kind: Exclude<FieldChangeKind, 'unchanged'> | 'unchanged';
  /** "row 77 of files: quarantined; file “Q3 report.pdf”" */
  title: string;
  /** The columns that differ (rows on both sides only). */
  changes: FieldChange[];
  /** Every column of the row as it was (or is, for an added row), for "show the row". */
  columns: FieldChange[];
}

/** An audit entry as a person reads it: rows of a batch one line each, then the entry's other fields. */
export interface AuditDiffView {
  rows: RowChange[];
  fields: FieldChange[];
}

const isRowImage = (value: unknown): value is { format: string; columns: Record<string, unknown> } =>
  isPlainObject(value) && value.format === 'row-image/1' && isPlainObject(value.columns);

/** A typed cell of a row image as its value: binary as its size, the rest as the text or number it holds. */
function cellValue(cell: unknown): unknown {
  if (!isPlainObject(cell)) return cell;
  if (cell.encoding === 'base64' && typeof cell.value === 'string') return `(binary, ${Math.floor((cell.value.length * 3) / 4) - (cell.value.match(/=+$/)?.[0].length ?? 0)} bytes)`;
  return cell.value ?? null;
}

/**
 * An image with every whole-row image (core/appdb/row-image.ts: `{ format, dialect, columns: { c: { type, value } } }`)
 * read as the row it is (`{ c: value }`), and a row kept with its image (`{ id, name, …, image }`) read as that image.
 */
export function plainImage(value: unknown): unknown {
  if (isRowImage(value)) return Object.fromEntries(Object.entries(value.columns).map(([k, cell]) => [k, cellValue(cell)]));
  if (Array.isArray(value)) return value.map(plainImage);
  if (isPlainObject(value)) {
    if (isRowImage(value.image)) return plainImage(value.image);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainImage(v)]));
  }
  return value;
}

/** A side that is a batch of rows: a non-empty array of objects that each have an id. */
function rowsOf(side: unknown): Map<string, Record<string, unknown>> | null {
  if (!Array.isArray(side) || side.length === 0 || !side.every((r) => isPlainObject(r) && (typeof r.id === 'string' || typeof r.id === 'number'))) return null;
  return new Map(side.map((r: Record<string, unknown>) => [String(r.id), r]));
}

const NAME_GUESSES = ['name', 'title', 'email'];

function rowName(raw: Record<string, unknown> | undefined, spec: AuditRowSpec | undefined): string | null {
  if (!raw) return null;
  const plain = plainImage(raw) as Record<string, unknown>;
  for (const key of spec ? [spec.nameKey, ...NAME_GUESSES] : NAME_GUESSES) {
    for (const source of [raw, plain]) {
      const value = source[key];
      if (typeof value === 'string' && value && !isSecretKey(key)) return maskSecretText(value);
    }
  }
  return null;
}

const VERB: Record<RowChange['kind'], string> = { added: 'added', removed: 'removed', changed: 'changed', unchanged: 'unchanged' };

/**
 * The audit entry's images as a person reads them. A batch of rows (an array of rows with ids on either
 * side) becomes one line per row ("row 77 of files: quarantined; file “Q3 report.pdf”") with only the
 * columns that changed, before → after; whole-row images read as plain columns. Secrets stay masked.
 */
export function diffAudit(before: unknown, after: unknown, spec?: AuditRowSpec): AuditDiffView {
  const rowsBefore = rowsOf(before);
  const rowsAfter = rowsOf(after);
  if (!rowsBefore && !rowsAfter) return { rows: [], fields: diffImages(plainImage(before), plainImage(after)) };
  const ids = [...new Set([...(rowsBefore?.keys() ?? []), ...(rowsAfter?.keys() ?? [])])];
  const rows = ids.map((id): RowChange => {
    const was = rowsBefore?.get(id);
    const now = rowsAfter?.get(id);
    const cells = diffImages(was ? plainImage(was) : null, now ? plainImage(now) : null);
    const changes = was && now ? cells.filter((c) => c.kind !== 'unchanged') : [];
    const kind: RowChange['kind'] = !was ? 'added' : !now ? 'removed' : changes.length > 0 ? 'changed' : 'unchanged';
    const verb = kind === 'removed' && spec ? spec.done : VERB[kind];
    const name = rowName(now ?? was, spec);
    const title = `row ${maskSecretText(id)}${spec ? ` of ${spec.table}` : ''}: ${verb}${name ? `; ${spec ? `${spec.noun} ` : ''}“${name}”` : ''}`;
    const columns = cells.map((c) => ({ ...c, kind: 'unchanged' as const }));
    return { id, kind, title, changes, columns };
  });
  // What is not a row batch (a quarantine's destination, say) reads as fields.
  const fields = diffImages(rowsBefore ? null : plainImage(before), rowsAfter ? null : plainImage(after));
  return { rows, fields };
}
