/**
 * Credentials never travel inside a PostgreSQL URL: the URL is stored in
 * clear in the console store and sent to the renderer by connections.list,
 * while the password belongs in the connection's password field (kept in the
 * SecretStore). node-postgres turns EVERY query parameter into a client
 * option, so `?password=` would be used as the password; hence the refusals:
 * - the userinfo password (`postgres://user:pw@host`);
 * - `password`, `sslpassword` (the client key's passphrase);
 * - `sslkey` (a client private key: Syncwarden has no secret field for it, and a
 *   path in a URL would make the driver read a key file behind the keychain's back);
 * - `sslcert` / `sslrootcert` when they hold inline PEM content instead of a path;
 * - `passfile` (a password file: node-postgres ignores it, so it would not even work).
 * Parameter names are compared case-insensitively and after percent-decoding.
 */
const ALWAYS_REFUSED = new Set(['password', 'sslpassword', 'sslkey', 'passfile']);
const REFUSED_IF_INLINE = new Set(['sslcert', 'sslrootcert']);

export const POSTGRES_URL_CREDENTIAL_MESSAGE = 'leave the password out of the URL: put it in the Password field, which is kept in the OS keychain';

/** The credential-bearing part of this URL (for the message), or undefined when there is none. Throws on an unparsable URL. */
export function credentialInPostgresUrl(value: string): string | undefined {
  const url = new URL(value);
  if (url.password !== '') return 'user:password@';
  for (const [rawKey, param] of url.searchParams) {
    const key = rawKey.trim().toLowerCase();
    if (ALWAYS_REFUSED.has(key)) return `?${key}=`;
    if (REFUSED_IF_INLINE.has(key) && /-----BEGIN|[\r\n]/.test(param)) return `?${key}= with inline content`;
  }
  return undefined;
}
