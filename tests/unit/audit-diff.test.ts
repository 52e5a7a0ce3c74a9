import { describe, expect, it } from 'vitest';
import { diffImages, diffSummary, redact, SECRET_MASK } from '../../renderer/src/lib/audit-diff';

const byPath = (changes: ReturnType<typeof diffImages>) => Object.fromEntries(changes.map((c) => [c.path, c]));

describe('audit diff', () => {
  it('names added, removed, changed and unchanged fields, nested ones by dotted path', () => {
    const before = { local: { id: 'u1', email: 'ada@x', name: 'Ada', meta: { plan: 'free' } }, remote: null };
    const after = { local: { id: 'u1', email: 'ada@x', name: 'Ada Lovelace', meta: { plan: 'pro', seats: 3 } }, remote: { id: 'r1' }, unverified: true };
    const d = byPath(diffImages(before, after));
    expect(d['local.name']).toMatchObject({ kind: 'changed', before: 'Ada', after: 'Ada Lovelace' });
    expect(d['local.meta.plan']).toMatchObject({ kind: 'changed', before: 'free', after: 'pro' });
    expect(d['local.meta.seats']).toMatchObject({ kind: 'added', before: undefined, after: '3' });
    expect(d['local.email']).toMatchObject({ kind: 'unchanged' });
    // null was a whole value; an object now stands there: the old leaf is removed, the new fields added.
    expect(d.remote).toMatchObject({ kind: 'removed', before: 'null' });
    expect(d['remote.id']).toMatchObject({ kind: 'added', after: 'r1' });
    expect(d.unverified).toMatchObject({ kind: 'added', after: 'true' });
    expect(diffSummary(diffImages(before, after))).toEqual({ changed: 2, added: 3, removed: 1 });
  });

  it('a created entry (no before) is all added; a removed one (no after) all removed; arrays of objects are indexed, of scalars one value', () => {
    expect(diffImages(null, { inserted: 2, publicIds: ['a', 'b'] }).map((c) => [c.path, c.kind, c.after])).toEqual([
      ['inserted', 'added', '2'],
      ['publicIds', 'added', '["a","b"]'],
    ]);
    const removed = diffImages([{ id: 42, user_id: 'u-cy' }], null);
    expect(removed.map((c) => [c.path, c.kind, c.before])).toEqual([
      ['[0].id', 'removed', '42'],
      ['[0].user_id', 'removed', 'u-cy'],
    ]);
    expect(diffImages(null, null)).toEqual([]);
  });

  it('never shows a secret: a secret-looking key is masked on both sides, and nested secrets too, but still says it changed', () => {
    const before = { email: 'ada@x', encrypted_password: '$2a$10$abc', app: { api_key: 'k-1', token: { refresh: 'r-1' } } };
    const after = { email: 'ada@x', encrypted_password: '$2a$10$xyz', app: { api_key: 'k-1', token: { refresh: 'r-2' } } };
    const changes = diffImages(before, after);
    const d = byPath(changes);
    expect(d.encrypted_password).toMatchObject({ kind: 'changed', before: SECRET_MASK, after: SECRET_MASK, secret: true });
    expect(d['app.api_key']).toMatchObject({ kind: 'unchanged', before: SECRET_MASK, secret: true });
    expect(d['app.token']).toMatchObject({ kind: 'changed', after: SECRET_MASK });
    expect(JSON.stringify(changes)).not.toMatch(/abc|xyz|k-1|r-1|r-2/);
    expect(JSON.stringify(redact(before))).not.toMatch(/abc|k-1|r-1/);
    // Not every key that contains a secret-ish word is one: a file's "hashtag" or "keyword" is shown.
    expect(byPath(diffImages({ hashtag: 'x', keyword: 'y' }, null)).hashtag).toMatchObject({ before: 'x', secret: false });
  });
});

describe('audit diff (attack): secrets the one redaction rule knows', () => {
  it('masks keys the logs mask (service role, access key, session) and secret-looking values under innocent keys', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXNlY3JldA';
    const before = {
      serviceRoleKey: 'srk-111',
      aws: { access_key_id: 'AKIA-222' },
      session_id: 'sess-333',
      download_url: 'https://files.example/f/1?access_token=tok-444&dl=1',
      db: 'postgres://admin:pw-555@db.example/app',
      note: `Bearer ${jwt}`,
      tags: ['ok', jwt],
    };
    const changes = diffImages(before, { ...before, note: 'done' });
    expect(JSON.stringify(changes)).not.toMatch(/srk-111|AKIA-222|sess-333|tok-444|pw-555|eyJhbGci/);
    const d = byPath(changes);
    // A value with a secret inside is masked in part: the rest stays readable.
    expect(d.download_url?.before).toContain('https://files.example/f/1?access_token=');
    expect(d.note).toMatchObject({ kind: 'changed', after: 'done' });
    expect(JSON.stringify(redact(before))).not.toMatch(/srk-111|AKIA-222|sess-333|tok-444|pw-555|eyJhbGci/);
  });
});
