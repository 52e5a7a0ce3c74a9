import { z } from 'zod';
import type { CloudinaryAsset, CloudinaryRateLimit } from './cloudinary-types';

/**
 * Parses what the SDK resolves with. Only the fields the engines rely on are
 * required; the rest stays optional so an extra or missing field in a real
 * answer never breaks an import.
 */
const contextSchema = z.record(z.string(), z.unknown());

const resourceSchema = z.object({
  asset_id: z.string(),
  public_id: z.string(),
  asset_folder: z.string().optional(),
  folder: z.string().optional(),
  filename: z.string().optional(),
  display_name: z.string().optional(),
  format: z.string().optional(),
  version: z.number(),
  resource_type: z.enum(['image', 'video', 'raw']),
  type: z.string(),
  created_at: z.string(),
  bytes: z.number(),
  width: z.number().optional(),
  height: z.number().optional(),
  duration: z.number().optional(),
  url: z.string().optional(),
  secure_url: z.string().optional(),
  // Shape differs between search (flat) and resource() (`{custom: {...}}`): api-facts §10; both are accepted.
  context: contextSchema.optional(),
  tags: z.array(z.string()).optional(),
});

/**
 * The envelope of a search answer, its resources left for `resourceSchema`
 * one at a time: a page of 500 parsed in one call held the event loop for
 * tens of milliseconds (the first call also compiles the schema), so the
 * connector parses them in time slices.
 */
export const searchEnvelopeSchema = z.object({
  total_count: z.number().optional(),
  next_cursor: z.string().optional(),
  resources: z.array(z.unknown()),
});

/** One listed resource, or the reason it is not one. */
export const safeParseResource = (value: unknown) => resourceSchema.safeParse(value);

const rateLimitFieldsSchema = z.object({
  rate_limit_allowed: z.number().optional(),
  rate_limit_remaining: z.number().optional(),
  rate_limit_reset_at: z.date().optional(),
});

export type RawResource = z.infer<typeof resourceSchema>;
export const parseResource = (value: unknown): CloudinaryAsset => toAsset(resourceSchema.parse(value));

export function toAsset(raw: RawResource): CloudinaryAsset {
  const lastSlash = raw.public_id.lastIndexOf('/');
  return {
    assetId: raw.asset_id,
    publicId: raw.public_id,
    assetFolder: raw.asset_folder,
    folder: raw.folder,
    folderPath: raw.asset_folder ?? raw.folder ?? (lastSlash < 0 ? '' : raw.public_id.slice(0, lastSlash)),
    filename: raw.filename,
    displayName: raw.display_name,
    format: raw.format,
    version: raw.version,
    resourceType: raw.resource_type,
    type: raw.type,
    createdAt: raw.created_at,
    bytes: raw.bytes,
    width: raw.width,
    height: raw.height,
    duration: raw.duration,
    url: raw.url,
    secureUrl: raw.secure_url,
    context: flattenContext(raw.context),
    tags: raw.tags ?? [],
  };
}

function flattenContext(context: Record<string, unknown> | undefined): Record<string, string> {
  if (!context) return {};
  const custom = context.custom;
  const source = custom !== null && typeof custom === 'object' ? (custom as Record<string, unknown>) : context;
  return Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The SDK copies `X-FeatureRateLimit-*` onto successful results (api-facts §6). */
export function readRateLimit(result: unknown): CloudinaryRateLimit | undefined {
  const parsed = rateLimitFieldsSchema.safeParse(result);
  if (!parsed.success) return undefined;
  const { rate_limit_allowed: limit, rate_limit_remaining: remaining, rate_limit_reset_at: resetAt } = parsed.data;
  if (limit === undefined || remaining === undefined || resetAt === undefined || Number.isNaN(resetAt.getTime())) return undefined;
  return { limit, remaining, resetAt };
}
