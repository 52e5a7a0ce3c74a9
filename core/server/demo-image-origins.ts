import type { Connection } from '../api/connections';
import { isDemoDataDir } from '../secrets/demo-file.secret-store';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The extra image origins browser mode allows, for the demo only: a Cloudinary connection's thumbnail base
 * when it is the demo's local emulator (http on loopback, in a data dir marked as the demo's). Anywhere else
 * the console's images come from Cloudinary's CDN only, and the desktop window never asks (docs/security.md).
 */
export function demoImageOrigins(dataDir: string, connections: readonly Pick<Connection, 'kind' | 'config'>[]): string[] {
  if (!isDemoDataDir(dataDir)) return [];
  const origins = new Set<string>();
  for (const connection of connections) {
    const base = connection.kind === 'cloudinary' ? connection.config.deliveryBaseUrl : undefined;
    if (typeof base !== 'string') continue;
    try {
      const url = new URL(base);
      if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) origins.add(url.origin);
    } catch {
      // A malformed base allows nothing.
    }
  }
  return [...origins];
}
