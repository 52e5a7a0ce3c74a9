import { z } from 'zod';
import type { CloudinaryAsset } from '../../connectors/cloudinary/cloudinary-types';

/**
 * The media-import engine's vocabulary: the two media kinds, the finding
 * kinds it reports, and the asset facts a missing-in-DB finding carries so a
 * repair can insert the row without asking Cloudinary again (repairs spend
 * none of the hourly Admin API budget).
 */
export const ENGINE_ID = 'media-import';

export const MEDIA_KINDS = ['video', 'clip'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const FINDING_KINDS = {
  /** The asset exists in the user's folder, no row has its public id: repair inserts one. */
  missingInDb: 'missing-in-db',
  /** A row's public id is not in Cloudinary (complete listings only): reported, never deleted. */
  missingInCloudinary: 'missing-in-cloudinary',
  /** Row and asset disagree on URL, duration or bytes: reported for a person to judge. */
  mismatch: 'mismatch',
  /** The folder's email matches no user: reported, never guessed. */
  unknownOwner: 'unknown-owner',
  /** A clip was imported but its parent video could not be found (repair runs only). */
  unlinkedClip: 'unlinked-clip',
} as const;

export const MediaAssetSchema = z.object({
  publicId: z.string().min(1),
  kind: z.enum(MEDIA_KINDS),
  email: z.string().min(1),
  folder: z.string(),
  title: z.string(),
  secureUrl: z.string().nullable(),
  thumbnailUrl: z.string(),
  durationSeconds: z.number().nullable(),
  bytes: z.number(),
  createdAt: z.string(),
  version: z.number(),
  parentPublicId: z.string().nullable(),
  parentRule: z.enum(['context', 'naming']).nullable(),
});
/** One asset as the engine keeps it: JSON-safe (it lives in findings and in the resume state). */
export type MediaAsset = z.infer<typeof MediaAssetSchema>;

/**
 * What a comparison needs of one listed asset, and no more: a budget stop
 * saves these (JSON-safe), and the resumed check compares them again.
 */
export type ListedAsset = Pick<CloudinaryAsset, 'publicId' | 'folderPath' | 'filename' | 'displayName' | 'version' | 'createdAt' | 'bytes' | 'duration' | 'secureUrl' | 'context'>;

/** Per user folder: assets seen in the latest complete listing. */
export interface FolderCounts {
  videos: number;
  clips: number;
}

export const tableOf = (kind: MediaKind) => (kind === 'video' ? 'videos' : 'clips') as 'videos' | 'clips';
export const subjectOf = (publicId: string) => `asset:${publicId}`;
