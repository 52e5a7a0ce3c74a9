import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudinarySeed, SeedAsset } from './cloudinary-store';

/** The demo seed (seed.json): two clouds, one in dynamic and one in fixed folder mode. A fresh copy per call. */
export function loadCloudinarySeed(): CloudinarySeed {
  return JSON.parse(readFileSync(join(__dirname, 'seed.json'), 'utf8')) as CloudinarySeed;
}

/** `count` videos in `<root>/users/<email>/videos`, one minute apart, for paging tests. */
export function bulkVideos(count: number, email: string, root = 'media'): SeedAsset[] {
  const start = Date.UTC(2025, 5, 1);
  return Array.from({ length: count }, (_, i) => ({
    folder: `${root}/users/${email}/videos`,
    filename: `video-${String(i).padStart(5, '0')}`,
    createdAt: new Date(start + i * 60_000).toISOString(),
    duration: 10 + (i % 50),
  }));
}
