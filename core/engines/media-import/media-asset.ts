import { parentByNamingRule } from './media-folders';
import type { ListedAsset, MediaAsset, MediaKind } from './media-model';
import type { MediaRow } from './media-db';

/** Context keys the product may set on uploads (Cloudinary custom context). */
export const TITLE_KEYS = ['title', 'caption'] as const;
export const PARENT_CONTEXT_KEY = 'parent_video';

/**
 * The facts an import needs, taken from one listed asset. The title comes
 * from context metadata when the product set one, else the display name or
 * filename; the thumbnail URL is built offline by the SDK (a JPEG frame).
 */
export function toMediaAsset(asset: ListedAsset, owner: { email: string; kind: MediaKind }, thumbnailUrl: string): MediaAsset {
  const lastSegment = asset.publicId.slice(asset.publicId.lastIndexOf('/') + 1);
  const name = asset.filename ?? asset.displayName ?? lastSegment;
  const title = TITLE_KEYS.map((k) => asset.context[k]).find((v) => v !== undefined && v.trim() !== '') ?? asset.displayName ?? name;
  let parentPublicId: string | null = null;
  let parentRule: MediaAsset['parentRule'] = null;
  if (owner.kind === 'clip') {
    const fromContext = asset.context[PARENT_CONTEXT_KEY]?.trim();
    const fromName = fromContext ? undefined : parentByNamingRule(name);
    parentPublicId = fromContext || fromName || null;
    parentRule = fromContext ? 'context' : fromName ? 'naming' : null;
  }
  return {
    publicId: asset.publicId,
    kind: owner.kind,
    email: owner.email,
    folder: asset.folderPath,
    title,
    secureUrl: asset.secureUrl ?? null,
    thumbnailUrl,
    durationSeconds: asset.duration ?? null,
    bytes: asset.bytes,
    createdAt: asset.createdAt,
    version: asset.version,
    parentPublicId,
    parentRule,
  };
}

export interface FieldDifference {
  field: 'secureUrl' | 'durationSeconds' | 'bytes';
  db: string | number;
  cloudinary: string | number;
}

/**
 * Where a row and its asset disagree. An empty column is "not recorded",
 * not a disagreement; durations are floats, so a hundredth of a second of
 * rounding is not drift either.
 */
export function differences(row: MediaRow, asset: ListedAsset): FieldDifference[] {
  const out: FieldDifference[] = [];
  if (row.secureUrl !== null && asset.secureUrl !== undefined && row.secureUrl !== asset.secureUrl) {
    out.push({ field: 'secureUrl', db: row.secureUrl, cloudinary: asset.secureUrl });
  }
  if (row.durationSeconds !== null && asset.duration !== undefined && Math.abs(row.durationSeconds - asset.duration) > 0.01) {
    out.push({ field: 'durationSeconds', db: row.durationSeconds, cloudinary: asset.duration });
  }
  if (row.bytes !== null && row.bytes !== asset.bytes) out.push({ field: 'bytes', db: row.bytes, cloudinary: asset.bytes });
  return out;
}
