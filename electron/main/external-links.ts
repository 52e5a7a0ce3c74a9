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
  return allowedHref(url) !== undefined;
}

/** The URL as parsed and checked (WHATWG serialisation), or undefined when it is not allowed. */
function allowedHref(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const allowed = parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.port === '' && EXTERNAL_HOSTS.includes(parsed.hostname);
  return allowed ? parsed.href : undefined;
}

/**
 * Opens an allowlisted URL in the system browser; resolves false (and opens
 * nothing) for any other. The one door to `shell.openExternal` in the app.
 * The OS gets the serialisation of what was checked, not the given text: a
 * lenient spelling (`https:host`, `\` for `/`, a tab in the host, `host\@evil`)
 * reads as the allowlisted host here but may read otherwise to the OS's or a
 * handler's own URL parser.
 */
export async function openExternalAllowed(url: string): Promise<boolean> {
  const href = allowedHref(url);
  if (href === undefined) return false;
  await shell.openExternal(href);
  return true;
}
