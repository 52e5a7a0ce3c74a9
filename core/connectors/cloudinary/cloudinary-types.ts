import { z } from 'zod';
import type { ServicePolicyOptions } from '../shared/service-policy';

export const CLOUDINARY_SERVICE = 'cloudinary';
/** Search API page ceiling (api-facts §6, §8); the "API calls per run" floor is ceil(items / 500). */
export const CLOUDINARY_MAX_RESULTS = 500;

/** Validated at creation, so a missing key fails here and not as the SDK's "Must supply api_key" mid-run. */
export const cloudinaryConnectorOptionsSchema = z.object({
  cloudName: z.string().min(1),
  apiKey: z.string().min(1),
  apiSecret: z.string().min(1),
  /** API origin, e.g. `http://127.0.0.1:PORT` for an emulator. Default: the real API. */
  uploadPrefix: z.url().default('https://api.cloudinary.com'),
  /** Where thumbnails are delivered from instead of https://res.cloudinary.com (the emulator's placeholder images in the demo). */
  deliveryBase: z.url().optional(),
  /** A request with no traffic for this long fails as `unavailable` (the SDK alone would wait forever). */
  timeoutMs: z.number().int().positive().default(60_000),
});

export type CloudinaryConnectorOptions = z.input<typeof cloudinaryConnectorOptionsSchema> & {
  /** Retry and concurrency settings for the shared policy (service name is fixed). */
  policy?: Partial<Omit<ServicePolicyOptions, 'service'>>;
};

/** The Admin API budget as of the latest answer that carried `X-FeatureRateLimit-*`. */
export interface CloudinaryRateLimit {
  limit: number;
  remaining: number;
  resetAt: Date;
}

export type CloudinaryResourceType = 'image' | 'video' | 'raw';

export interface CloudinaryAsset {
  assetId: string;
  publicId: string;
  /** Dynamic folder mode: the folder, independent of the public id. */
  assetFolder: string | undefined;
  /** Fixed folder mode: the folder, which is the public id's prefix. */
  folder: string | undefined;
  /** One folder path whatever the account's mode: asset_folder, else folder, else the public id's prefix. */
  folderPath: string;
  filename: string | undefined;
  displayName: string | undefined;
  format: string | undefined;
  version: number;
  resourceType: CloudinaryResourceType;
  type: string;
  createdAt: string;
  bytes: number;
  width: number | undefined;
  height: number | undefined;
  /** Seconds (videos only). */
  duration: number | undefined;
  url: string | undefined;
  secureUrl: string | undefined;
  /** Custom context (e.g. a clip's parent video id); empty unless requested with `withFields: ['context']`. */
  context: Record<string, string>;
  /** Empty unless requested with `withFields: ['tags']`. */
  tags: string[];
}

type CloudinarySearchField = 'context' | 'tags' | 'metadata' | 'image_metadata';

export interface CloudinarySearchRequest {
  /** Search expression, e.g. `asset_folder="media/users/a@b.com/videos" AND resource_type:video`. */
  expression: string;
  /** Page size, at most 500 (larger values are clamped). */
  maxResults?: number;
  nextCursor?: string;
  withFields?: CloudinarySearchField[];
  /** Default: created_at desc, which the search API applies anyway. */
  sortBy?: { field: string; direction: 'asc' | 'desc' };
}

export interface CloudinarySearchPage {
  assets: CloudinaryAsset[];
  totalCount: number;
  /** Absent on the last page. */
  nextCursor: string | undefined;
  rateLimit: CloudinaryRateLimit | undefined;
}
