/**
 * Credentials never travel inside a connection's URL: every URL is stored in clear in the console store,
 * shown in the console and sent to the renderer by connections.list, while secrets belong in the
 * connection's secret fields (kept in the SecretStore). One rule for every URL field, two shapes:
 *
 * Every URL: no password in the userinfo (`scheme://user:pw@host`), and no query parameter that names a
 * credential (`password`, `passwd`, `pwd`, `secret`, `api_secret`, `client_secret`, `token`,
 * `access_token`, `key`, `api_key`, `service_role_key` (any name ending in password, secret, token, credential
 * or key), `signature`, `auth`, … in any case, with or without `_`
 * or `-`, percent-encoded or not, even empty).
 *
 * PostgreSQL URLs (node-postgres turns EVERY query parameter into a client option, so `?password=` would
 * be used as the password) also refuse:
 * - `sslpassword` (the client key's passphrase) and `sslkey` (a client private key: Syncwarden has no
 *   secret field for it, and a path in a URL would make the driver read a key file behind the keychain's back);
 * - `sslcert` / `sslrootcert` when they hold inline PEM content instead of a path;
 * - `passfile` (a password file: node-postgres ignores it, so it would not even work).
 * A user name is a PostgreSQL URL's ordinary part; in an http(s) URL any userinfo is a credential
 * (`https://TOKEN@host`), so it is refused whole.
 */
const POSTGRES_ALWAYS_REFUSED = new Set(['sslpassword', 'sslkey', 'passfile']);
const POSTGRES_REFUSED_IF_INLINE = new Set(['sslcert', 'sslrootcert']);

/** A parameter name, lower case without separators, that names a credential. */
const CREDENTIAL_PARAM = /^(?:.*(?:password|passwd|secret|token|credential|key)s?|pwd|pass|sig|signature|auth|authorization)$/;

/** The one message of this rule; `where` names the field the secret belongs in. */
export function urlCredentialMessage(where: string): string {
  return `leave the password out of the URL: put it in ${where}, which is kept in the OS keychain`;
}
export const POSTGRES_URL_CREDENTIAL_MESSAGE = urlCredentialMessage('the Password field');
export const HTTP_URL_CREDENTIAL_MESSAGE = urlCredentialMessage("the connection's secret fields");

/** The credential-bearing part of this PostgreSQL URL (for the message), or undefined when there is none. Throws on an unparsable URL. */
export function credentialInPostgresUrl(value: string): string | undefined {
  const url = new URL(value);
  if (url.password !== '') return 'user:password@';
  return credentialParam(url, (key, param) => POSTGRES_ALWAYS_REFUSED.has(key) || (POSTGRES_REFUSED_IF_INLINE.has(key) && /-----BEGIN|[\r\n]/.test(param)));
}

/** The credential-bearing part of this http(s) URL, or undefined when there is none. Throws on an unparsable URL. */
export function credentialInHttpUrl(value: string): string | undefined {
  const url = new URL(value);
  if (url.password !== '') return 'user:password@';
  if (url.username !== '') return 'user@';
  return credentialParam(url, () => false);
}

function credentialParam(url: URL, alsoRefused: (key: string, param: string) => boolean): string | undefined {
  for (const [rawKey, param] of url.searchParams) {
    const key = rawKey.trim().toLowerCase();
    if (CREDENTIAL_PARAM.test(key.replace(/[-_.\s]/g, ''))) return `?${key}=`;
    if (alsoRefused(key, param)) return /^ssl(root)?cert$/.test(key) ? `?${key}= with inline content` : `?${key}=`;
  }
  return undefined;
}
