import { describe, expect, it, vi } from 'vitest';

/**
 * Connect on the desktop hands the provider's authorize URL to
 * openExternalAllowed (desktop.ts); a URL off its allowlist is never opened.
 * The emulator runs (baseUrl set) rewrite the origin, so only the real
 * providers' URLs show whether the system browser opens at all.
 */
const fake = vi.hoisted(() => ({ openExternal: vi.fn(async (_url: string) => {}) }));
vi.mock('electron', () => ({ shell: { openExternal: fake.openExternal } }));

const { isAllowedExternalUrl, openExternalAllowed } = await import('../../electron/main/external-links');
const { dropboxOAuth } = await import('../../core/connections/oauth/dropbox.oauth');
const { googleOAuth } = await import('../../core/connections/oauth/google.oauth');

const REDIRECT = 'http://127.0.0.1:53682/oauth/callback';

describe('the real providers’ authorize URLs pass the desktop’s external-link allowlist', () => {
  it('Dropbox (the SDK says https://dropbox.com/…, the allowlist and the docs www.dropbox.com), properly encoded', async () => {
    const { authUrl } = await dropboxOAuth({ appKey: 'app-key' }, {}).begin(REDIRECT, 'state-1');
    expect(isAllowedExternalUrl(authUrl), authUrl).toBe(true);
    const url = new URL(authUrl);
    expect(url.origin + url.pathname).toBe('https://www.dropbox.com/oauth2/authorize');
    expect(authUrl).not.toMatch(/\s/);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(url.searchParams.get('state')).toBe('state-1');
    expect(url.searchParams.get('scope')).toBe('account_info.read files.metadata.read');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_verifier')).toBeNull();
  });

  it('Google', async () => {
    const { authUrl } = await googleOAuth({ clientId: 'client-id' }, { clientSecret: 'client-secret' }).begin(REDIRECT, 'state-1');
    expect(isAllowedExternalUrl(authUrl), authUrl).toBe(true);
    expect(authUrl).not.toContain('client-secret');
    expect(new URL(authUrl).searchParams.get('code_verifier')).toBeNull();
  });
});

describe('openExternalAllowed hands the OS the URL it checked', () => {
  it.each([
    ['a backslash before @ (WHATWG: a path; an RFC 3986 parser: userinfo, host evil.example)', 'https://accounts.google.com\\@evil.example/', 'https://accounts.google.com/@evil.example/'],
    ['a tab inside the host (WHATWG drops it)', 'https://accounts.goo\tgle.com/x', 'https://accounts.google.com/x'],
    ['no slashes after the scheme', 'https:accounts.google.com/x', 'https://accounts.google.com/x'],
    ['a backslash for a slash', 'https:/\\accounts.google.com/x', 'https://accounts.google.com/x'],
    ['upper case', 'HTTPS://ACCOUNTS.GOOGLE.COM/x', 'https://accounts.google.com/x'],
  ])('%s', async (_name, given, opened) => {
    fake.openExternal.mockClear();
    expect(isAllowedExternalUrl(given)).toBe(true);
    expect(await openExternalAllowed(given)).toBe(true);
    expect(fake.openExternal).toHaveBeenCalledWith(opened);
  });
});
