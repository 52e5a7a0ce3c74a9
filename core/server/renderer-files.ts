import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';

/** The built renderer as browser mode serves it: its index.html (the page template) and a static handler for the rest. */
export interface RendererFiles {
  /** The current index.html, or null while it is missing (a rebuild in progress). */
  indexHtml(): string | null;
  serveStatic(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * A rebuild (`npx electron-vite build`) replaces out/renderer under a running `syncwarden serve`: a page
 * read once at start would point at chunks that are gone (a blank page until restart), and sirv (dev: false)
 * lists the files once, so it would not know the new chunks. Both are re-read when index.html's mtime or
 * size changes; the check is one stat per page load, not per asset.
 */
export function rendererFiles(rendererDir: string): RendererFiles {
  const indexPath = join(rendererDir, 'index.html');
  let stamp = '';
  let html: string | null = null;
  let handler = sirv(rendererDir, { etag: true, dev: false, single: true });
  return {
    indexHtml() {
      let current: string;
      try {
        const stats = statSync(indexPath);
        current = `${stats.mtimeMs}:${stats.size}`;
      } catch {
        return null;
      }
      if (current !== stamp || html === null) {
        try {
          html = readFileSync(indexPath, 'utf8');
        } catch {
          return null;
        }
        if (stamp !== '') handler = sirv(rendererDir, { etag: true, dev: false, single: true });
        stamp = current;
      }
      return html;
    },
    serveStatic(req, res) {
      handler(req, res);
    },
  };
}
