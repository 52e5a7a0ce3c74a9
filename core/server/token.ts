import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh random token for one browser-mode session (printed in the URL, never stored). */
export function createSessionToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokensMatch(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
