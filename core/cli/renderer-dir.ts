import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the built renderer is: next to the bundled CLI (out/main → out/renderer),
 * or out/renderer of the checkout when running from source. Overridable for packaging.
 */
export function resolveRendererDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (process.env.SYNCWARDEN_RENDERER_DIR) return resolve(process.env.SYNCWARDEN_RENDERER_DIR);
  const candidates = [join(__dirname, '..', 'renderer'), join(__dirname, '..', '..', 'out', 'renderer'), join(process.cwd(), 'out', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? (candidates[0] as string);
}
