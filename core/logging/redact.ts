/**
 * The one redaction rule for everything Syncwarden writes out (logs, error
 * details, crash reports): keys that name a secret lose their value, and
 * secret-looking substrings inside any string are masked.
 */
import { isSecretKey, maskSecretText } from '../api/secret-text';

export const REDACTED = '[redacted]';

/** Masks the secret-looking parts of a string (core/api/secret-text.ts: the patterns the audit diff uses too). */
export function redactString(text: string): string {
  return maskSecretText(text, REDACTED);
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
