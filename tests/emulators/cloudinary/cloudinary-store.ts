import { createHash } from 'node:crypto';

/** Seed format (see README.md): clouds with credentials, an hourly Admin API budget, and assets. */
export interface CloudinarySeed {
  clouds: CloudSeed[];
}

export interface CloudSeed {
  cloudName: string;
  apiKey: string;
  apiSecret: string;
  /** Admin + Search requests per hour (Free plan: 500). Default 500. */
  hourlyBudget?: number;
  /** dynamic (accounts since 2024-06): folder is `asset_folder`; fixed: folder is the public id's prefix. */
  folderMode?: 'dynamic' | 'fixed';
  assets?: SeedAsset[];
}

export interface SeedAsset {
  folder: string;
  filename: string;
  resourceType?: 'image' | 'video' | 'raw';
  /** Default: `<filename>` (dynamic mode) or `<folder>/<filename>` (fixed mode). */
  publicId?: string;
  format?: string;
  createdAt?: string;
  bytes?: number;
  width?: number;
  height?: number;
  duration?: number;
  displayName?: string;
  context?: Record<string, string>;
  tags?: string[];
}

/** A resource as the Admin API returns it, with context/tags kept aside (they are returned only on request). */
export interface StoredResource {
  fields: Record<string, string | number>;
  context: Record<string, string>;
  tags: string[];
}

export interface CloudState {
  seed: CloudSeed;
  resources: Map<string, StoredResource>;
  budget: { limit: number; remaining: number; resetAt: number };
}

export const resourceKey = (resourceType: string, type: string, publicId: string) => `${resourceType}/${type}/${publicId}`;

export function createCloudState(seed: CloudSeed, now: number): CloudState {
  const limit = seed.hourlyBudget ?? 500;
  const state: CloudState = { seed, resources: new Map(), budget: { limit, remaining: limit, resetAt: nextHour(now) } };
  for (const asset of seed.assets ?? []) addResource(state, asset);
  return state;
}

export function addResource(state: CloudState, asset: SeedAsset): StoredResource {
  const cloud = state.seed.cloudName;
  const fixed = state.seed.folderMode === 'fixed';
  const resourceType = asset.resourceType ?? 'video';
  const format = asset.format ?? (resourceType === 'video' ? 'mp4' : resourceType === 'image' ? 'jpg' : 'bin');
  const publicId = asset.publicId ?? (fixed ? `${asset.folder}/${asset.filename}` : asset.filename);
  const createdAt = asset.createdAt ?? new Date(Date.UTC(2025, 0, 1) + state.resources.size * 60_000).toISOString();
  const version = Math.floor(Date.parse(createdAt) / 1000);
  const path = `${cloud}/${resourceType}/upload/v${version}/${publicId}${resourceType === 'raw' ? '' : `.${format}`}`;
  const fields: Record<string, string | number> = {
    asset_id: createHash('md5').update(`${cloud}/${resourceType}/${publicId}`).digest('hex'),
    public_id: publicId,
    ...(fixed ? { folder: asset.folder } : { asset_folder: asset.folder }),
    filename: asset.filename,
    display_name: asset.displayName ?? asset.filename,
    format,
    version,
    resource_type: resourceType,
    type: 'upload',
    created_at: createdAt.replace(/\.\d{3}Z$/, 'Z'),
    bytes: asset.bytes ?? 1_048_576,
    width: asset.width ?? 1920,
    height: asset.height ?? 1080,
    ...(resourceType === 'video' ? { duration: asset.duration ?? 30.5 } : {}),
    url: `http://res.cloudinary.com/${path}`,
    secure_url: `https://res.cloudinary.com/${path}`,
  };
  const stored: StoredResource = { fields, context: { ...asset.context }, tags: [...(asset.tags ?? [])] };
  state.resources.set(resourceKey(resourceType, 'upload', publicId), stored);
  return stored;
}

/** The folder an expression's `folder`/`asset_folder` compares with, whatever the mode. */
export const folderOf = (resource: StoredResource) => String(resource.fields.asset_folder ?? resource.fields.folder ?? '');

/**
 * Spends one request of the hourly budget. The window refills at the top of
 * the next hour, like Cloudinary's `X-FeatureRateLimit-Reset`.
 */
export function spend(state: CloudState, now: number): boolean {
  if (now >= state.budget.resetAt) state.budget = { ...state.budget, remaining: state.budget.limit, resetAt: nextHour(now) };
  if (state.budget.remaining <= 0) return false;
  state.budget.remaining--;
  return true;
}

export function rateLimitHeaders(state: CloudState): Record<string, string> {
  return {
    'X-FeatureRateLimit-Limit': String(state.budget.limit),
    'X-FeatureRateLimit-Remaining': String(state.budget.remaining),
    'X-FeatureRateLimit-Reset': new Date(state.budget.resetAt).toUTCString(),
  };
}

/** The resource as an answer shows it; context in search is flat, in the Admin API under `custom`. */
export function present(resource: StoredResource, include: { context: boolean; tags: boolean; contextShape: 'flat' | 'custom' }) {
  const out: Record<string, unknown> = { ...resource.fields };
  if (include.tags) out.tags = [...resource.tags];
  if (include.context && Object.keys(resource.context).length > 0) {
    out.context = include.contextShape === 'flat' ? { ...resource.context } : { custom: { ...resource.context } };
  }
  return out;
}

const nextHour = (now: number) => Math.floor(now / 3_600_000) * 3_600_000 + 3_600_000;
