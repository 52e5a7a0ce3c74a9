/**
 * Search expressions for a folder, so callers never hand-quote paths (user
 * folders contain `@` and `.`, which are special in the search syntax).
 * Dynamic folder mode searches `asset_folder`, fixed mode `folder` (api-facts §6).
 * Exact-match vs wildcard rules are unconfirmed against the real API
 * (api-facts §10): `=` with a quoted path is used for one folder, `:` with a
 * quoted `path/*` for a folder and everything below it.
 */
export type CloudinaryFolderMode = 'dynamic' | 'fixed';

export function folderExpression(path: string, options: { mode?: CloudinaryFolderMode; includeSubfolders?: boolean } = {}): string {
  const field = options.mode === 'fixed' ? 'folder' : 'asset_folder';
  return options.includeSubfolders ? `${field}:${quote(`${path}/*`)}` : `${field}=${quote(path)}`;
}

/** A double-quoted search value with `"` and `\` escaped. */
const quote = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;
