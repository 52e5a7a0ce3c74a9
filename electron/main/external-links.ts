import { shell } from 'electron';

/**
 * The only hosts the desktop app opens in the system browser: the OAuth
 * consent pages (Google, Dropbox) and our documentation. Anything else a
 * renderer asks for (a link in imported data, an injected script's URL) stays
 * closed: `shell.openExternal` hands the URL to the OS, which would also run
 * `file:`, `smb:` or custom-scheme handlers.
 */
const EXTERNAL_HOSTS: readonly string[] = ['accounts.google.com', 'www.dropbox.com', 'docs.syncwarden.app'];

/** True for an https URL on an allowlisted host, without credentials or an explicit port. */
export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.port === '' && EXTERNAL_HOSTS.includes(parsed.hostname);
}

/**
 * Opens an allowlisted URL in the system browser; resolves false (and opens
 * nothing) for any other. The one door to `shell.openExternal` in the app.
 */
export async function openExternalAllowed(url: string): Promise<boolean> {
  if (!isAllowedExternalUrl(url)) return false;
  await shell.openExternal(url);
  return true;
}
