import { startEmulator, type EmulatorRequest, type EmulatorResponse, type RouteDefinition, type RunningEmulator } from '../shared/emulator';
import {
  addResource,
  createCloudState,
  folderOf,
  present,
  rateLimitHeaders,
  resourceKey,
  spend,
  type CloudinarySeed,
  type CloudState,
  type SeedAsset,
} from './cloudinary-store';
import { placeholderSvg, publicIdOfDeliveryPath } from './placeholder-image';
import { compareBy, compileExpression, ExpressionError } from './search-expression';

/**
 * Cloudinary Admin + Search API emulator (api-facts §6, §9; README.md here):
 * HTTP Basic auth per cloud, an hourly request budget reported in
 * `X-FeatureRateLimit-*` and answered with 420 once spent, errors as
 * `{error: {message}}`, and success always 200 (the SDK rejects 201/204).
 */
export interface CloudinaryEmulator extends RunningEmulator {
  addAsset(cloudName: string, asset: SeedAsset): { publicId: string; assetId: string };
  deleteAsset(cloudName: string, publicId: string, resourceType?: 'image' | 'video' | 'raw'): boolean;
  setRemainingBudget(cloudName: string, remaining: number): void;
  remainingBudget(cloudName: string): number;
}

export interface CloudinaryEmulatorOptions {
  /** Clock for the hourly budget window (tests move it to see the refill). */
  now?: () => number;
}

const MAX_RESULTS = 500;
const DEFAULT_RESULTS = 50;

export async function startCloudinaryEmulator(seed: CloudinarySeed, options: CloudinaryEmulatorOptions = {}): Promise<CloudinaryEmulator> {
  const now = options.now ?? Date.now;
  const clouds = new Map(seed.clouds.map((cloud) => [cloud.cloudName, createCloudState(cloud, now())]));
  const cloudOf = (name: string): CloudState => {
    const state = clouds.get(name);
    if (!state) throw new Error(`emulator has no cloud ${name}`);
    return state;
  };

  /** Auth, then budget, then the handler; every answer from a known cloud carries the budget headers. */
  const admin =
    (handle: (state: CloudState, request: EmulatorRequest) => EmulatorResponse) =>
    (request: EmulatorRequest): EmulatorResponse => {
      const state = clouds.get(request.params.cloud ?? '');
      if (!state) return fail(401, `Invalid cloud_name ${request.params.cloud ?? ''}`);
      const refused = checkAuth(state, request.headers.authorization);
      if (refused) return refused;
      if (!spend(state, now())) return { ...fail(420, 'Rate Limit Exceeded'), headers: rateLimitHeaders(state) };
      const response = handle(state, request);
      return { ...response, headers: { ...rateLimitHeaders(state), ...response.headers } };
    };

  const routes: RouteDefinition[] = [
    { name: 'cloudinary.ping', method: 'GET', path: '/v1_1/:cloud/ping', handle: admin(() => ({ status: 200, body: { status: 'ok' } })) },
    { name: 'cloudinary.search', method: 'POST', path: '/v1_1/:cloud/resources/search', handle: admin(search) },
    { name: 'cloudinary.by_asset_folder', method: 'GET', path: '/v1_1/:cloud/resources/by_asset_folder', handle: admin(byAssetFolder) },
    {
      name: 'cloudinary.resource',
      method: 'GET',
      path: /^\/v1_1\/(?<cloud>[^/]+)\/resources\/(?<resourceType>image|video|raw)\/(?<type>[a-z_]+)\/(?<publicId>.+)$/,
      handle: admin((state, request) => {
        const { resourceType = '', type = '', publicId = '' } = request.params;
        const resource = state.resources.get(resourceKey(resourceType, type, publicId));
        if (!resource) return fail(404, `Resource not found - ${publicId}`);
        return { status: 200, body: present(resource, { context: true, tags: true, contextShape: 'custom' }) };
      }),
    },
    {
      // Delivery (res.cloudinary.com's side): no auth and no budget, as on the CDN; a placeholder for any public id of a known cloud.
      name: 'cloudinary.delivery',
      method: 'GET',
      path: /^\/(?<cloud>[^/]+)\/(?<resourceType>image|video)\/upload\/(?<rest>.+)$/,
      handle: (request) => {
        if (!clouds.has(request.params.cloud ?? '')) return fail(404, `Invalid cloud_name ${request.params.cloud ?? ''}`);
        const publicId = publicIdOfDeliveryPath(request.params.rest ?? '');
        return { status: 200, body: placeholderSvg(publicId), headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=3600' } };
      },
    },
  ];

  const emulator = await startEmulator({
    name: 'cloudinary',
    routes,
    // The SDK sends `resources%2Fsearch` and public ids with `%2F`; the route regexes expect real slashes.
    normalizePath: (path) => path.replace(/%2F/gi, '/'),
  });

  return {
    ...emulator,
    addAsset(cloudName, asset) {
      const stored = addResource(cloudOf(cloudName), asset);
      return { publicId: String(stored.fields.public_id), assetId: String(stored.fields.asset_id) };
    },
    deleteAsset: (cloudName, publicId, resourceType = 'video') => cloudOf(cloudName).resources.delete(resourceKey(resourceType, 'upload', publicId)),
    setRemainingBudget(cloudName, remaining) {
      cloudOf(cloudName).budget.remaining = remaining;
    },
    remainingBudget: (cloudName) => cloudOf(cloudName).budget.remaining,
  };
}

function search(state: CloudState, request: EmulatorRequest): EmulatorResponse {
  const body = request.json<{ expression?: string; max_results?: number; next_cursor?: string; sort_by?: Array<Record<string, string>>; with_field?: string[] }>() ?? {};
  let matches;
  try {
    matches = compileExpression(body.expression);
  } catch (error) {
    if (error instanceof ExpressionError) return fail(400, error.message);
    throw error;
  }
  const all = [...state.resources.values()].filter(matches).sort(compareBy(body.sort_by ?? []));
  const page = paginate(all, body.max_results, body.next_cursor);
  if ('error' in page) return page.error;
  const include = { context: body.with_field?.includes('context') ?? false, tags: body.with_field?.includes('tags') ?? false };
  return {
    status: 200,
    body: {
      total_count: all.length,
      time: 5,
      ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
      resources: page.items.map((r) => present(r, { ...include, contextShape: 'flat' })),
    },
  };
}

function byAssetFolder(state: CloudState, request: EmulatorRequest): EmulatorResponse {
  const folder = request.query.get('asset_folder');
  if (folder === null) return fail(400, 'Missing required parameter - asset_folder');
  const all = [...state.resources.values()].filter((r) => folderOf(r) === folder).sort(compareBy([]));
  const maxResults = request.query.has('max_results') ? Number(request.query.get('max_results')) : undefined;
  const page = paginate(all, maxResults, request.query.get('next_cursor') ?? undefined);
  if ('error' in page) return page.error;
  const include = { context: request.query.get('context') === 'true', tags: request.query.get('tags') === 'true' };
  return {
    status: 200,
    body: { resources: page.items.map((r) => present(r, { ...include, contextShape: 'custom' })), ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}) },
  };
}

/** Opaque cursors (base64url of an offset); the page size is clamped to 500 like the real API's ceiling. */
type Page<T> = { items: T[]; nextCursor: string | undefined } | { error: EmulatorResponse };

function paginate<T>(all: T[], maxResults: number | undefined, cursor: string | undefined): Page<T> {
  const size = Math.min(Math.max(1, Math.floor(maxResults ?? DEFAULT_RESULTS)), MAX_RESULTS);
  let offset = 0;
  if (cursor) {
    offset = Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(offset) || offset < 0) return { error: fail(400, `Invalid next_cursor ${cursor}`) };
  }
  const items = all.slice(offset, offset + size);
  const next = offset + size < all.length ? Buffer.from(`offset:${offset + size}`).toString('base64url') : undefined;
  return { items, nextCursor: next };
}

/** Wordings seen from the real API: unknown key, wrong secret (3rd-party captures; api-facts §10). */
function checkAuth(state: CloudState, header: string | undefined): EmulatorResponse | undefined {
  const match = /^Basic (.+)$/.exec(header ?? '');
  if (!match?.[1]) return fail(401, 'Must supply api_key');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? decoded : decoded.slice(0, colon);
  const secret = colon < 0 ? '' : decoded.slice(colon + 1);
  if (key !== state.seed.apiKey) return fail(401, `Unknown API key ${key}`);
  if (secret !== state.seed.apiSecret) return fail(401, 'api_secret mismatch');
  return undefined;
}

const fail = (status: number, message: string): EmulatorResponse => ({ status, body: { error: { message } } });
