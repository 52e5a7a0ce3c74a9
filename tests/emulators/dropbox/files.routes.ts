import type { RouteDefinition } from '../shared/emulator';
import type { AccountFiles, AnyMeta } from './account-files';
import { answering, authed, Reply, rpcArgs, type DropboxWorld } from './context';
import { decodeCursor, encodeCursor, type CursorState } from './cursor';
import { badInput, cursorReset, pathNotFolder, pathNotFound } from './errors';

/** list_folder's documented ceiling (`UInt32(max_value=2000, min_value=1)`, files.stone). */
export const MAX_LIST_LIMIT = 2000;

/** files/list_folder, list_folder/continue, list_folder/get_latest_cursor and get_metadata. */
export function fileRoutes(world: DropboxWorld): RouteDefinition[] {
  const listArgs = (route: string, args: Record<string, unknown>, files: AccountFiles, account: string): CursorState => {
    const limit = args.limit ?? world.seed.defaultLimit ?? 500;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new Reply(badInput(route, `request body: limit: ${String(limit)} is not within range [1, ${MAX_LIST_LIMIT}]`));
    }
    return {
      account,
      epoch: files.epoch,
      path: resolveFolder(route, files, args.path),
      recursive: args.recursive === true,
      includeDeleted: args.include_deleted === true,
      limit,
      pos: files.position,
    };
  };

  return [
    {
      name: 'dropbox.files.list_folder',
      method: 'POST',
      path: '/2/files/list_folder',
      handle: answering((request) => {
        const route = 'files/list_folder';
        const { account, files } = authed(world, route, request);
        const cursor = listArgs(route, rpcArgs(route, request), files, account.accountId);
        return { status: 200, body: fullPage(files, { ...cursor, off: 0 }) };
      }),
    },
    {
      name: 'dropbox.files.list_folder.continue',
      method: 'POST',
      path: '/2/files/list_folder/continue',
      handle: answering((request) => {
        const route = 'files/list_folder/continue';
        const { account, files } = authed(world, route, request);
        const cursor = decodeCursor(rpcArgs(route, request).cursor);
        if (!cursor || cursor.account !== account.accountId) throw new Reply(badInput(route, 'request body: cursor: Invalid cursor'));
        if (cursor.epoch !== files.epoch) throw new Reply(cursorReset());
        return { status: 200, body: cursor.off === undefined ? deltaPage(files, cursor) : fullPage(files, cursor) };
      }),
    },
    {
      name: 'dropbox.files.list_folder.get_latest_cursor',
      method: 'POST',
      path: '/2/files/list_folder/get_latest_cursor',
      handle: answering((request) => {
        const route = 'files/list_folder/get_latest_cursor';
        const { account, files } = authed(world, route, request);
        return { status: 200, body: { cursor: encodeCursor(listArgs(route, rpcArgs(route, request), files, account.accountId)) } };
      }),
    },
    {
      name: 'dropbox.files.get_metadata',
      method: 'POST',
      path: '/2/files/get_metadata',
      handle: answering((request) => {
        const route = 'files/get_metadata';
        const { files } = authed(world, route, request);
        const args = rpcArgs(route, request);
        const path = args.path;
        if (path === '') throw new Reply(badInput(route, 'request body: path: The root folder is unsupported.'));
        if (typeof path !== 'string' || !/^(\/|id:)/.test(path)) throw new Reply(badInput(route, `request body: path: '${String(path)}' did not match pattern '(/(.|[\\r\\n])*|id:.*)'`));
        const meta = path.startsWith('id:') ? files.getById(path) : files.get(path.toLowerCase());
        if (meta) return { status: 200, body: meta };
        const gone = args.include_deleted === true && !path.startsWith('id:') ? files.tombstone(path.toLowerCase()) : undefined;
        return gone ? { status: 200, body: gone } : pathNotFound();
      }),
    },
  ];
}

/** The listed folder as a lower-case path ("" for the root); 409/400 answers as Dropbox gives them. */
function resolveFolder(route: string, files: AccountFiles, path: unknown): string {
  if (path === '') return '';
  if (path === '/') throw new Reply(badInput(route, 'request body: path: Specify the root folder as an empty string rather than as "/".'));
  if (typeof path !== 'string' || !/^(\/|id:)/.test(path)) throw new Reply(badInput(route, `request body: path: '${String(path)}' did not match pattern '(/(.|[\\r\\n])*)?|id:.*'`));
  const meta = path.startsWith('id:') ? files.getById(path) : files.get(path.toLowerCase().replace(/\/$/, ''));
  if (!meta) throw new Reply(pathNotFound());
  if (meta['.tag'] !== 'folder') throw new Reply(pathNotFolder());
  return meta.path_lower;
}

/** Whether an entry belongs to a listing; a recursive listing of a sub-folder includes the folder itself. */
function inScope(pathLower: string, root: string, recursive: boolean): boolean {
  if (root === '') return recursive || pathLower.lastIndexOf('/') === 0;
  if (pathLower === root) return recursive;
  if (!pathLower.startsWith(`${root}/`)) return false;
  return recursive || pathLower.lastIndexOf('/') === root.length;
}

const scoped = new WeakMap<AccountFiles, { key: string; entries: AnyMeta[] }>();

/** One page of a full pass over the state as of `cursor.pos`; the last page hands out a delta cursor. */
function fullPage(files: AccountFiles, cursor: CursorState) {
  const key = `${cursor.pos}|${cursor.path}|${cursor.recursive}|${cursor.includeDeleted}`;
  let memo = scoped.get(files);
  if (memo?.key !== key) {
    const entries = files.stateAt(cursor.pos).filter((m) => inScope(m.path_lower, cursor.path, cursor.recursive) && (cursor.includeDeleted || m['.tag'] !== 'deleted'));
    memo = { key, entries };
    scoped.set(files, memo);
  }
  const start = cursor.off ?? 0;
  const end = start + cursor.limit;
  const hasMore = end < memo.entries.length;
  const next: CursorState = hasMore ? { ...cursor, off: end } : { ...cursor, off: undefined };
  return { entries: memo.entries.slice(start, end), cursor: encodeCursor(next), has_more: hasMore };
}

/** Changes after `cursor.pos` in scope, up to `limit`; deletions come back as `deleted` entries. */
function deltaPage(files: AccountFiles, cursor: CursorState) {
  const entries: AnyMeta[] = [];
  let index = cursor.pos;
  for (; index < files.log.length && entries.length < cursor.limit; index++) {
    const change = files.log[index];
    if (change && inScope(change.pathLower, cursor.path, cursor.recursive)) entries.push(change.meta);
  }
  const hasMore = files.log.slice(index).some((change) => inScope(change.pathLower, cursor.path, cursor.recursive));
  return { entries, cursor: encodeCursor({ ...cursor, pos: index }), has_more: hasMore };
}
