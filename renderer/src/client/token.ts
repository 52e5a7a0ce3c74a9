const STORAGE_KEY = 'syncwarden.token';

/**
 * Browser mode's access token arrives once in the page URL (`?token=…`, printed
 * by `syncwarden serve`). Keep it for this tab only (sessionStorage survives a
 * reload, not a new tab) and take it out of the address bar so it does not end
 * up in history, bookmarks or screenshots.
 */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    safeStorage(() => window.sessionStorage.setItem(STORAGE_KEY, fromUrl));
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return safeStorage(() => window.sessionStorage.getItem(STORAGE_KEY)) ?? null;
}

export function forgetToken(): void {
  safeStorage(() => window.sessionStorage.removeItem(STORAGE_KEY));
}

/** Storage can throw (disabled, sandboxed); the token then lives only in memory. */
function safeStorage<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}
