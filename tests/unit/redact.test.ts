import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileLogger } from '../../core/logging/logger';
import { REDACTED, redact, redactString } from '../../core/logging/redact';
import { makeTempDir } from '../helpers/temp-dir';

const SECRETS = {
  bearer: 'Bearer ya29.a0AfH6SMBx-very-secret-access-token',
  refresh: '1//0gLx3-refresh-token-abcdefghijkl',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXNlY3JldA',
  dropbox: 'sl.BcD3fghijklmnopqrstuvwxyz0123456789',
  pgUrl: 'postgres://admin:hunter2@db.example.com:5432/app',
  cloudinaryUrl: 'cloudinary://123456:abcdefSECRET@demo-cloud',
  query: 'https://127.0.0.1:4477/?token=abcDEF123_secret&tab=runs',
};

describe('redaction', () => {
  it('masks secret-looking substrings wherever they appear in a string', () => {
    expect(redactString(`Authorization: ${SECRETS.bearer}`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactString(`refresh ${SECRETS.refresh} done`)).toBe(`refresh ${REDACTED} done`);
    expect(redactString(SECRETS.jwt)).toBe(REDACTED);
    expect(redactString(`token ${SECRETS.dropbox}`)).not.toContain('sl.Bc');
    expect(redactString(SECRETS.pgUrl)).toBe(`postgres://admin:${REDACTED}@db.example.com:5432/app`);
    expect(redactString(SECRETS.cloudinaryUrl)).toBe(`cloudinary://123456:${REDACTED}@demo-cloud`);
    expect(redactString(SECRETS.query)).toBe(`https://127.0.0.1:4477/?token=${REDACTED}&tab=runs`);
  });

  it('drops the values of secret-named keys at any depth, keeps the rest, and never mutates the input', () => {
    const input = {
      user: 'ada@example.com',
      refresh_token: 'whatever',
      nested: { clientSecret: 'x', headers: { Authorization: 'y' }, list: [{ apiKey: 'z', count: 3 }] },
      serviceRoleKey: 'k',
      password: '',
    };
    const out = redact(input) as typeof input;
    expect(out).toEqual({
      user: 'ada@example.com',
      refresh_token: REDACTED,
      nested: { clientSecret: REDACTED, headers: { Authorization: REDACTED }, list: [{ apiKey: REDACTED, count: 3 }] },
      serviceRoleKey: REDACTED,
      password: '',
    });
    expect(input.refresh_token).toBe('whatever');
  });

  it('redacts error messages and stacks, and survives cycles', () => {
    const error = new Error(`request failed: ${SECRETS.bearer}`);
    const cyclic: Record<string, unknown> = { error };
    cyclic.self = cyclic;
    const out = redact(cyclic) as { error: { message: string; stack: string }; self: unknown };
    expect(out.error.message).toBe(`request failed: Bearer ${REDACTED}`);
    expect(out.error.stack).not.toContain('ya29');
    expect(out.self).toBe('[circular]');
  });

  it('nothing secret reaches the rotating log file', async () => {
    const dir = makeTempDir();
    try {
      const log = await createFileLogger({ dataDir: dir.path, level: 'debug' });
      log.info({ tokens: { access_token: 'plain-access', refresh_token: SECRETS.refresh }, url: SECRETS.query }, 'connected');
      log.warn(`retrying with ${SECRETS.bearer} against ${SECRETS.pgUrl}`);
      log.error({ err: new Error(`boom ${SECRETS.jwt}`) }, 'failed');
      await log.close();
      const files = readdirSync(join(dir.path, 'logs'));
      expect(files.length).toBeGreaterThan(0);
      const text = files.map((f) => readFileSync(join(dir.path, 'logs', f), 'utf8')).join('');
      const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((l) => l.msg)).toEqual(['connected', expect.stringContaining('retrying'), 'failed']);
      for (const fragment of ['ya29.a0AfH6SMBx', '0gLx3-refresh', 'eyJhbGciOiJIUzI1NiJ9', 'hunter2', 'abcdefSECRET', 'abcDEF123_secret', 'plain-access']) {
        expect(text).not.toContain(fragment);
      }
    } finally {
      dir.remove();
    }
  });
});
