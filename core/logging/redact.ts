/**
 * The one redaction rule for everything Syncwarden writes out (logs, error
 * details, crash reports): keys that name a secret lose their value, and
 * secret-looking substrings inside any string are masked.
 */
export const REDACTED = '[redacted]';

const SECRET_KEY =
  /(pass(word|wd)?|secret|token|authorization|auth[-_]?header|api[-_]?key|apikey|cookie|credential|private[-_]?key|access[-_]?key|service[-_]?role|client[-_]?secret|session)/i;

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // Authorization header values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // Credentials inside URLs: postgres://user:pass@host, cloudinary://key:secret@cloud.
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // Secret query parameters.
  [/([?&](?:access_token|refresh_token|id_token|token|api_key|apikey|key|secret|client_secret|code|password)=)[^&\s#"']+/gi, `$1${REDACTED}`],
  // JWTs (Supabase service-role keys, id tokens).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, REDACTED],
  // Google access and refresh tokens.
  [/\bya29\.[A-Za-z0-9._-]{10,}/g, REDACTED],
  [/\b1\/\/[A-Za-z0-9._-]{10,}/g, REDACTED],
  // Dropbox short-lived tokens.
  [/\bsl\.[A-Za-z0-9._-]{20,}/g, REDACTED],
  // Syncwarden's own browser-mode token in printed URLs or headers.
  [/(syncwarden[-_]token[=:]\s*)[A-Za-z0-9_-]+/gi, `$1${REDACTED}`],
];

function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactString(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** Returns a redacted deep copy; never mutates its input. Cycles and depth are bounded. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth > 8) return '[truncated]';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as NodeJS.ErrnoException).code;
    return {
      type: value.name,
      message: redactString(value.message),
      ...(code === undefined ? {} : { code }),
      ...(value.stack === undefined ? {} : { stack: redactString(value.stack) }),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretKey(key) && inner !== null && inner !== undefined && inner !== '' ? REDACTED : redact(inner, depth + 1, seen);
  }
  return out;
}
