import { createHash, randomBytes } from 'node:crypto';
import type { EmulatorResponse } from './emulator';

/**
 * The authorization-code half of an OAuth provider, shared by the Google and
 * Dropbox emulators: the consent page a person sees in the browser (Allow /
 * Deny), the one-time codes it issues, and the PKCE check the token endpoint
 * makes (RFC 7636 §4.6). Each emulator supplies its own URLs, error bodies
 * and what a code is exchanged for.
 */
export interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  state: string | null;
  scope: string;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  accountId: string;
}

export interface IssuedCode extends PendingAuthorization {
  used: boolean;
  expiresAt: number;
}

/** Codes live ten minutes, as Google documents; a code is good once. */
const CODE_LIFETIME_MS = 10 * 60_000;

export class ConsentBook {
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly codes = new Map<string, IssuedCode>();
  /** Which account is signed in to the emulated browser session (the consent page acts as it). */
  signedIn: string | undefined;

  open(request: PendingAuthorization): string {
    const id = randomBytes(12).toString('base64url');
    this.pending.set(id, request);
    return id;
  }

  /** The person's answer on the consent page: a redirect carrying a code, or `error=access_denied`. */
  decide(id: string, allow: boolean, options: { echoScope?: boolean } = {}): EmulatorResponse {
    const request = this.pending.get(id);
    if (!request) return htmlPage(400, 'Error 400: invalid_request', 'This authorization request has expired or was already answered.');
    this.pending.delete(id);
    const target = new URL(request.redirectUri);
    if (allow) {
      const code = `4/emu-${randomBytes(18).toString('base64url')}`;
      this.codes.set(code, { ...request, used: false, expiresAt: Date.now() + CODE_LIFETIME_MS });
      target.searchParams.set('code', code);
      // Google echoes the granted scopes on the redirect; Dropbox does not.
      if (options.echoScope) target.searchParams.set('scope', request.scope);
    } else {
      target.searchParams.set('error', 'access_denied');
    }
    if (request.state !== null) target.searchParams.set('state', request.state);
    return { status: 302, headers: { Location: target.toString() }, body: '' };
  }

  /**
   * The token endpoint's check of a code: it must exist, be unused, belong to
   * the client and redirect URI it was issued for, and match its PKCE
   * challenge. A code presented twice is burnt (RFC 6749 §4.1.2).
   */
  redeem(code: string, clientId: string, redirectUri: string | null, verifier: string | null): { ok: IssuedCode } | { refused: 'bad-code' | 'missing-verifier' | 'bad-verifier' | 'verifier-not-needed' } {
    const issued = this.codes.get(code);
    if (!issued || issued.used || issued.expiresAt <= Date.now() || issued.clientId !== clientId || issued.redirectUri !== redirectUri) {
      if (issued) issued.used = true;
      return { refused: 'bad-code' };
    }
    issued.used = true;
    if (issued.codeChallenge === null) return verifier ? { refused: 'verifier-not-needed' } : { ok: issued };
    if (!verifier) return { refused: 'missing-verifier' };
    const computed = issued.codeChallengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
    return computed === issued.codeChallenge ? { ok: issued } : { refused: 'bad-verifier' };
  }
}

/** The consent page: what the person is asked and two buttons posting the answer back. */
export function consentPage(options: { service: string; action: string; requestId: string; appName: string; email: string; scopes: string[] }): EmulatorResponse {
  const scopes = options.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in - ${escapeHtml(options.service)}</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
<h1>${escapeHtml(options.appName)} wants to access your ${escapeHtml(options.service)} account</h1>
<p>Signed in as <strong data-testid="consent-email">${escapeHtml(options.email)}</strong></p>
<p>This will allow ${escapeHtml(options.appName)} to:</p><ul>${scopes}</ul>
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="request" value="${escapeHtml(options.requestId)}">
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
</form></body></html>`;
  return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body };
}

/** A provider's own HTML error page (an authorize request it will not even show consent for). */
export function htmlPage(status: number, title: string, text: string): EmulatorResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
  };
}

/** RFC 8252 §7.3: a loopback redirect is http on 127.0.0.1 or [::1], any port. */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]');
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
