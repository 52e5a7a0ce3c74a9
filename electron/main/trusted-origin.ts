import { APP_HOST, APP_SCHEME } from './app-protocol';

/**
 * Decides which URLs are our renderer: the built UI's page on
 * app://syncwarden (app-protocol.ts), or the electron-vite dev server in
 * development. Everything else is foreign.
 */
export function createRendererUrlCheck(options: { devServerUrl?: string | undefined }) {
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
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && (parsed.pathname === '/index.html' || parsed.pathname === '/');
  };
}
