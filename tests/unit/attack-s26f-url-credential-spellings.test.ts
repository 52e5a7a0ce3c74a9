import { describe, expect, it } from 'vitest';
import { methods } from '../../core/api/contract';

/**
 * s26f (outside reviewer), minor: url-credentials.ts refuses a credential query parameter when its name,
 * lower case without separators, IS `signature`/`sig`/`auth`/... or ENDS in password/secret/token/credential/key.
 * Spellings that carry the same credential pass, and the URL is then stored in clear and listed to the renderer:
 * - a prefixed signature (`X-Amz-Signature`, S3/GCS presigned URLs: the signature grants the access);
 * - the bracketed array form of a refused name (`secret[]=`, `token[0]=`: read as `secret`/`token` by most servers);
 * - an OAuth implicit-flow token in the fragment (`#access_token=...`: a URL copied from a browser after a login).
 */
const supabase = (url: string) => methods['connections.create'].input.safeParse({ kind: 'supabase', name: 'S', config: { url }, secrets: { serviceRoleKey: 'k' } });

describe('s26f: credential spellings in an http(s) URL field', () => {
  for (const url of [
    'https://project.supabase.co/?X-Amz-Signature=0123456789abcdef',
    'https://project.supabase.co/?secret[]=s3cr3t',
    'https://project.supabase.co/?token[0]=t0k3n',
    'https://project.supabase.co/#access_token=eyJhbGciOi.eyJzdWIi.sig',
  ]) {
    it(`refuses ${url}`, () => {
      const parsed = supabase(url);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/leave the password out of the URL/);
    });
  }
});
