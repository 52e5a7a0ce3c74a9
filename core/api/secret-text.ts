/**
 * What counts as a secret, in one place for everything Syncwarden shows or
 * writes out: the log redaction (core/logging/redact.ts) and the audit log's
 * diff in the renderer (renderer/src/lib/audit-diff.ts) both read it, so a
 * pattern added for one protects the other. Plain regular expressions: the
 * renderer may import this module (eslint.config.mjs RENDERER_RUNTIME_API).
 */

/** Keys whose values are credentials or their hashes. */
const SECRET_KEY =
  /(pass(word|wd)?|secret|token|authorization|auth[-_]?header|api[-_]?key|apikey|cookie|credential|private[-_]?key|access[-_]?key|service[-_]?role|client[-_]?secret|session|(^|[-_])(hash|salt)$)/i;

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);

/** Secret-looking text inside any string, whatever its key; only the secret part is replaced by the mask. */
const SECRET_TEXT: readonly [RegExp, (mask: string) => string][] = [
  // Authorization header values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, (mask) => `$1 ${mask}`],
  // Credentials inside URLs: postgres://user:pass@host, cloudinary://key:secret@cloud. The scheme starts only
  // where a run of scheme characters starts: trying every letter of a long word made this quadratic (a 50 kB
  // string took 7 s, in the log redaction and the audit search alike).
  [/(?<![a-z0-9+.-])([a-z0-9+.-]+:\/\/[^\s:/@]+:)[^\s@/]+@/gi, (mask) => `$1${mask}@`],
  // Secret query parameters (signed URLs included).
  [/([?&](?:access_token|refresh_token|id_token|token|api_key|apikey|key|secret|client_secret|code|password|signature|sig)=)[^&\s#"']+/gi, (mask) => `$1${mask}`],
  // JWTs (Supabase service-role keys, id tokens).
  // The header segment is short (base64 of {"alg":…,"typ":…}): bounded, so a long run of "eyJ-eyJ-…" without
  // a dot costs each start 512 steps, not the rest of the run (quadratic).
  [/\beyJ[A-Za-z0-9_-]{5,512}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, (mask) => mask],
  // Google access and refresh tokens.
  [/\bya29\.[A-Za-z0-9._-]{10,}/g, (mask) => mask],
  [/\b1\/\/[A-Za-z0-9._-]{10,}/g, (mask) => mask],
  // Dropbox short-lived tokens.
  [/\bsl\.[A-Za-z0-9._-]{20,}/g, (mask) => mask],
  // Syncwarden's own browser-mode token in printed URLs or headers.
  [/(syncwarden[-_]token[=:]\s*)[A-Za-z0-9_-]+/gi, (mask) => `$1${mask}`],
];

/** The text with every secret-looking part replaced by `mask`. */
export function maskSecretText(text: string, mask: string): string {
  return SECRET_TEXT.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement(mask)), text);
}
