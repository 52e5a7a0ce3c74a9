import type Database from 'better-sqlite3';
import { registerAuditSearchFunctions } from './audit-search';

/**
 * The store functions that portable SQL (store-db.ts) calls where SQLite and PostgreSQL differ, registered
 * on every SQLite store connection; the PostgreSQL store defines the same names in SQL.
 * - sw_lower(text): Unicode lower case, as PostgreSQL's lower() (SQLite's folds ASCII only).
 * - sw_json_patch(target, patch): JSON merge patch (RFC 7396), SQLite's json_patch under a portable name.
 */
export function registerStoreFunctions(db: Database.Database): void {
  db.function('sw_lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  db.function('sw_json_patch', { deterministic: true }, (target: unknown, patch: unknown) => {
    if (typeof target !== 'string' || typeof patch !== 'string') return null;
    return JSON.stringify(mergePatch(JSON.parse(target), JSON.parse(patch)));
  });
  registerAuditSearchFunctions(db);
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7396: an object patch merges key by key (null removes the key); anything else replaces the target. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  // A null prototype: a "__proto__" key in stored JSON is a plain key, never the object's prototype.
  const result: JsonObject = Object.create(null) as JsonObject;
  if (isObject(target)) for (const [key, value] of Object.entries(target)) result[key] = value;
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
