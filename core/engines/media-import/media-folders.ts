import { folderExpression } from '../../connectors/cloudinary/cloudinary-expression';
import type { MediaKind } from './media-model';

/**
 * Where the product keeps media: `<root>/users/<email>/videos` and
 * `<root>/users/<email>/clips`. Everything else under the root is ignored.
 */
export function usersBase(rootFolder: string): string {
  const root = rootFolder.replace(/^\/+|\/+$/g, '');
  return root ? `${root}/users` : 'users';
}

/** The owner's email and the kind, read from an asset's folder; undefined for any other folder. */
export function parseMediaFolder(folder: string, base: string): { email: string; kind: MediaKind } | undefined {
  if (!folder.startsWith(`${base}/`)) return undefined;
  const parts = folder.slice(base.length + 1).split('/');
  if (parts.length !== 2 || !parts[0]) return undefined;
  const kind = parts[1] === 'videos' ? 'video' : parts[1] === 'clips' ? 'clip' : undefined;
  return kind ? { email: parts[0], kind } : undefined;
}

/**
 * One listing per run: every user's folders at once (`<base>/*`), or one
 * user's (`<base>/<email>/*`). A single prefix listing costs exactly
 * ceil(assets / 500) search calls, the floor, instead of one listing per folder.
 *
 * Case: a folder path is case-sensitive in Cloudinary (it is a path, and the
 * product names it after the email as it wrote it), while emails match users
 * case-insensitively. An all-users listing sees every spelling and maps each
 * to its user; a one-user listing asks for each spelling it can know (the
 * email as given, its lower-case form, the users row's, and those earlier
 * listings saw), OR-ed in one search. A spelling none of these knows is
 * listed by the next all-users check.
 */
export function scanExpression(base: string, spellings: readonly string[] | undefined): string {
  const folders = spellings?.length ? [...new Set(spellings)].map((email) => folderExpression(`${base}/${email}`, { includeSubfolders: true })) : [folderExpression(base, { includeSubfolders: true })];
  const where = folders.length === 1 ? folders[0] : `(${folders.join(' OR ')})`;
  return `${where} AND resource_type:video`;
}

/**
 * The naming rule for clips without a `parent_video` context value: a clip
 * named `<parent>--<anything>` belongs to the video whose public id is
 * `<parent>` (dynamic folders) or `<base>/<email>/videos/<parent>` (fixed
 * folders, where the folder is part of the public id). The last `--` wins,
 * so parents may contain `--` themselves.
 */
export function parentByNamingRule(clipName: string): string | undefined {
  const at = clipName.lastIndexOf('--');
  return at > 0 ? clipName.slice(0, at) : undefined;
}

export function parentCandidates(parent: string, base: string, email: string): string[] {
  return parent.includes('/') ? [parent] : [parent, `${base}/${email}/videos/${parent}`];
}
