import { pathToFileURL } from 'node:url';

/**
 * Decides which URLs are our renderer: the built index.html loaded from disk,
 * or the electron-vite dev server in development. Everything else is foreign.
 */
export function createRendererUrlCheck(options: { indexHtmlPath: string; devServerUrl?: string | undefined }) {
  const fileUrl = pathToFileURL(options.indexHtmlPath);
  const devOrigin = options.devServerUrl ? new URL(options.devServerUrl).origin : undefined;
  return (url: string | undefined): boolean => {
    if (!url) return false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (devOrigin !== undefined) return parsed.origin === devOrigin;
    return parsed.protocol === 'file:' && parsed.pathname === fileUrl.pathname;
  };
}
