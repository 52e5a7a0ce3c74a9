import { folderOf, type StoredResource } from './cloudinary-store';

/**
 * The subset of Cloudinary's search expression language the emulator
 * understands (README.md lists it). Anything else is refused with a 400, so a
 * connector never silently relies on a query the emulator cannot judge.
 *
 *   expression := clause (OR clause)*      clause := term (AND term)*
 *   term       := field op value | ( expression )      op := = | : | > | >= | < | <=
 *   value      := "quoted \"text\"" | bare-token ; a trailing * (or /*) is a prefix match
 */
export type Predicate = (resource: StoredResource) => boolean;

export class ExpressionError extends Error {}

const TERM = /^([a-z_]+(?:\.[A-Za-z0-9_-]+)?)\s*(>=|<=|=|:|>|<)\s*("(?:[^"\\]|\\.)*"|[^\s"()]+)/;
const STRING_FIELDS = new Set(['public_id', 'filename', 'display_name', 'format', 'resource_type', 'type', 'asset_id']);
const NUMBER_FIELDS = new Set(['bytes', 'width', 'height', 'duration', 'version']);

export function compileExpression(expression: string | undefined): Predicate {
  const text = (expression ?? '').trim();
  if (text === '') return () => true;
  const clauses = splitWord(text, 'OR').map((clause) => splitWord(clause, 'AND').map(compileGroupOrTerm));
  return (resource) => clauses.some((terms) => terms.every((term) => term(resource)));
}

/** A parenthesised sub-expression (the documented way to mix AND and OR), or one term. */
function compileGroupOrTerm(term: string): Predicate {
  if (term.startsWith('(') && term.endsWith(')')) return compileExpression(term.slice(1, -1));
  return compileTerm(term);
}

/** Splits on a keyword outside quotes and parentheses. */
function splitWord(text: string, word: 'AND' | 'OR'): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === '"') quoted = !quoted;
    else if (!quoted && char === '(') depth++;
    else if (!quoted && char === ')') depth--;
    else if (!quoted && depth === 0 && text.startsWith(` ${word} `, i)) {
      parts.push(text.slice(start, i));
      start = i + word.length + 2;
      i = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

function compileTerm(term: string): Predicate {
  const match = TERM.exec(term);
  if (!match || match[0].length !== term.length) throw new ExpressionError(`Unsupported search expression term: ${term}`);
  const [, field = '', op = '', rawValue = ''] = match;
  const value = rawValue.startsWith('"') ? rawValue.slice(1, -1).replace(/\\(.)/g, '$1') : rawValue;

  if (NUMBER_FIELDS.has(field)) {
    const limit = Number(value);
    if (!Number.isFinite(limit)) throw new ExpressionError(`Not a number in: ${term}`);
    return (r) => compareNumber(Number(r.fields[field]), op, limit);
  }
  if (op !== '=' && op !== ':') throw new ExpressionError(`Operator ${op} needs a numeric field in: ${term}`);
  const matches = textMatcher(value);
  if (field === 'folder' || field === 'asset_folder') return (r) => folderMatches(folderOf(r), value);
  if (field === 'tags') return (r) => r.tags.some(matches);
  if (field.startsWith('context.')) return (r) => matches(r.context[field.slice('context.'.length)] ?? '');
  if (STRING_FIELDS.has(field)) return (r) => matches(String(r.fields[field] ?? ''));
  throw new ExpressionError(`Unsupported search expression field: ${field}`);
}

/** `x/*`: folder x and everything below it; `x*`: any folder starting with x; else exact. */
function folderMatches(folder: string, value: string): boolean {
  if (value.endsWith('/*')) {
    const base = value.slice(0, -2);
    return folder === base || folder.startsWith(`${base}/`);
  }
  return textMatcher(value)(folder);
}

function textMatcher(value: string): (candidate: string) => boolean {
  if (value.endsWith('*')) {
    const prefix = value.slice(0, -1);
    return (candidate) => candidate.startsWith(prefix);
  }
  return (candidate) => candidate === value;
}

function compareNumber(actual: number, op: string, limit: number): boolean {
  if (op === '>') return actual > limit;
  if (op === '>=') return actual >= limit;
  if (op === '<') return actual < limit;
  if (op === '<=') return actual <= limit;
  return actual === limit;
}

/** Orders by the `sort_by` list, then public_id, so pages are stable between calls. */
export function compareBy(sortBy: Array<Record<string, string>>): (a: StoredResource, b: StoredResource) => number {
  const keys = sortBy.flatMap((entry) => Object.entries(entry));
  const order = keys.length > 0 ? keys : [['created_at', 'desc'] as [string, string]];
  return (a, b) => {
    for (const [field, direction] of order) {
      const left = a.fields[field] ?? '';
      const right = b.fields[field] ?? '';
      if (left !== right) return (left < right ? -1 : 1) * (direction === 'asc' ? 1 : -1);
    }
    return String(a.fields.public_id).localeCompare(String(b.fields.public_id));
  };
}
