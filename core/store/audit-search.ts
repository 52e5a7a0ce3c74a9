import { isSecretKey, maskSecretText } from '../api/secret-text';
import type Database from 'better-sqlite3';

/**
 * The audit log's search text, computed in JS and stored with each entry
 * (migration 12), because SQLite's lower() folds ASCII only: "ÉMILE" never
 * matched "Émile". Folding is Unicode lower case with accents removed, so
 * "emile", "Émile" and "ÉMILE" find one another.
 */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Separates the values in the search text: a user search matches a whole value between two of them. */
export const SEARCH_SEPARATOR = '\u0001';
/** A stored search text is bounded: a quarantined row's whole image must not make the log heavy. */
const MAX_SEARCH_CHARS = 4000;
/** `user:`, `row:`, `source:`: what kind of thing a subject is, which is not what an admin searches for. */
const KIND = /^[a-z][a-z-]*:/i;

/**
 * The values an entry is about, one per line: its subject without the kind
 * words ("user:ada@x" gives "ada@x"; "source:3 (Customers)/row:12" gives
 * "3 (Customers)", "12" and the parts again split on ':'), then every text
 * or number inside its before and after images (names, emails, file names),
 * never their keys nor what a secret-looking key holds nor secret-looking text
 * (core/api/secret-text.ts). A bare word then finds what it names ("user" is no
 * longer in every identity entry; "Émile" finds her rename).
 */
export function auditSearchText(subject: string, before: unknown, after: unknown): string {
  const values = new Set<string>();
  const add = (value: string) => {
    const trimmed = value.trim();
    if (trimmed) values.add(trimmed);
  };
  const parts = subject.split('/').map((part) => part.replace(KIND, ''));
  add(parts.join('/'));
  for (const value of parts) {
    add(value);
    for (const piece of value.split(':')) add(piece);
  }
  collectLeaves(before, add);
  collectLeaves(after, add);
  let text = SEARCH_SEPARATOR;
  for (const value of values) {
    const next = `${foldText(value)}${SEARCH_SEPARATOR}`;
    if (text.length + next.length > MAX_SEARCH_CHARS) break;
    text += next;
  }
  return text;
}

function collectLeaves(value: unknown, add: (text: string) => void, depth = 0): void {
  if (depth > 6 || value === null || value === undefined) return;
  // Secret text under a harmless key (a password in a URL, a bearer token, ?code=): the audit diff masks it on
  // screen, so the search must not find it either, else typing a guess into the search box confirms it.
  if (typeof value === 'string') add(maskSecretText(value, ' '));
  else if (typeof value === 'number' || typeof value === 'bigint') add(String(value));
  else if (Array.isArray(value)) for (const item of value.slice(0, 200)) collectLeaves(item, add, depth + 1);
  else if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value).slice(0, 200)) if (!isSecretKey(key)) collectLeaves(item, add, depth + 1);
  }
}

/** SQL functions migration 12 fills the new columns of existing entries with (the same JS as new entries use). */
export function registerAuditSearchFunctions(db: Database.Database): void {
  db.function('sw_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? foldText(text) : null));
  db.function('sw_audit_search', { deterministic: true }, (subject: unknown, before: unknown, after: unknown) =>
    auditSearchText(typeof subject === 'string' ? subject : '', parseJson(before), parseJson(after)),
  );
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
