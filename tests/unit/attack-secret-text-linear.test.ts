import { describe, expect, it } from 'vitest';
import { maskSecretText } from '../../core/api/secret-text';

/**
 * maskSecretText runs on every log line (core/logging/redact.ts), on every
 * audit value (the search text, migration 12) and in the renderer's audit
 * diff. Its URL-credential pattern tried a scheme at every letter of a long
 * word, and the JWT one scanned the rest of a run at every "eyJ": quadratic,
 * 50 kB took 7 s (an HTML error page, a base64 blob in a log line would
 * block the host's event loop; migration 12 on 100k entries took 31 s).
 */
describe('attack: secret masking is linear in the text', () => {
  const shapes: Record<string, string> = {
    letters: 'a'.repeat(100_000),
    dotted: 'a.'.repeat(50_000),
    jwtish: 'eyJ-'.repeat(25_000),
    tokens: 'ya29.sl.'.repeat(12_500),
  };
  for (const [name, text] of Object.entries(shapes)) {
    it(`${name}: 100 kB in well under a second`, () => {
      const started = performance.now();
      maskSecretText(text, '*');
      expect(performance.now() - started).toBeLessThan(1_000);
    });
  }

  it('still masks what it masked', () => {
    expect(maskSecretText('see postgres://app:hunter2@db/app and x9+s3://k:s@b', '*')).toBe('see postgres://app:*@db/app and x9+s3://k:*@b');
    expect(maskSecretText('id eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl end', '*')).toBe('id * end');
    expect(maskSecretText('a word,postgres://u:p@h', '*')).toBe('a word,postgres://u:*@h');
  });
});
