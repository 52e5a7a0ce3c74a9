/**
 * Credentials never travel inside a connection's URL: every URL is stored in clear in the console store,
 * shown in the console and sent to the renderer by connections.list, while secrets belong in the
 * connection's secret fields (kept in the SecretStore). One rule for every URL field, two shapes:
 *
 * Every URL: no password in the userinfo (`scheme://user:pw@host`), and no query parameter that names a
 * credential (`password`, `passwd`, `pwd`, `secret`, `api_secret`, `client_secret`, `token`,
 * `access_token`, `key`, `api_key`, `service_role_key` (any name ending in password, secret, token, credential
 * or key), `signature`, `auth`, … in any case, with or without `_`
 * or `-`, percent-encoded or not, even empty), nor one with such a word anywhere (`X-Amz-Signature`,
 * `auth_code`), nor its array or object form (`secret[]`, `token[0]`, `auth[token]`); the same in the
 * fragment (`#access_token=…`, `#/callback?token=…`).
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
/** Words that name a credential wherever they stand in a name (`X-Amz-Signature`, `auth_code`, `sig.v2`). */
const CREDENTIAL_WORD = /^(?:password|passwd|pwd|pass|secret|token|credentials?|sig|signature|auth|authorization|apikey)s?$/;
/** Spelt inside a longer word, still a credential (`xamzsignature`, `dbpasswordhash`, `clientsecretvalue`). */
const CREDENTIAL_INSIDE = /signature|password|passwd|secret|credential/;

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

/**
 * The first credential-bearing parameter of the query, or of the fragment: a browser's address bar after an
 * OAuth implicit-flow login holds `#access_token=…`, and a single-page app's route `#/cb?token=…`. A fragment
 * is never sent to a server, but the URL is stored and listed in clear all the same.
 */
function credentialParam(url: URL, alsoRefused: (key: string, param: string) => boolean): string | undefined {
  const inQuery = credentialIn(url.searchParams, '?', alsoRefused);
  if (inQuery) return inQuery;
  const fragment = url.hash.slice(1);
  if (!fragment.includes('=')) return undefined;
  const routeQuery = fragment.indexOf('?');
  return credentialIn(new URLSearchParams(fragment), '#', alsoRefused) ?? (routeQuery < 0 ? undefined : credentialIn(new URLSearchParams(fragment.slice(routeQuery + 1)), '#', alsoRefused));
}

function credentialIn(params: URLSearchParams, mark: '?' | '#', alsoRefused: (key: string, param: string) => boolean): string | undefined {
  for (const [rawKey, param] of params) {
    const key = rawKey.trim().toLowerCase();
    if (namesCredential(key)) return `${mark}${key}=`;
    if (alsoRefused(key, param)) return /^ssl(root)?cert$/.test(key) ? `${mark}${key}= with inline content` : `${mark}${key}=`;
  }
  return undefined;
}

/**
 * Whether a parameter name (lower case) names a credential, however it is spelt: each bracketed part of an
 * array or object form (`secret[]`, `token[0]`, `auth[token]`, read as `secret`, `token` by most servers) is
 * judged on its own, as a whole without separators (`api_secret`, `service-role-key`), word by word
 * (`x-amz-signature`, `auth_code`) and for a credential word inside it (`xamzsignature`).
 */
function namesCredential(key: string): boolean {
  return key.split(/[[\]]/).some((part) => {
    const words = part.split(/[-_.\s]+/).filter((word) => word !== '');
    const joined = words.join('');
    return joined !== '' && (CREDENTIAL_PARAM.test(joined) || CREDENTIAL_INSIDE.test(joined) || words.some((word) => CREDENTIAL_WORD.test(word)));
  });
}
