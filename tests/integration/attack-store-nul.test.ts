import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { createTestApp, TEST_STORE_PG_ENV, type TestApp } from '../helpers/test-app';
import { usePostgres } from '../helpers/postgres';

/**
 * NUL (U+0000) in text inputs. PostgreSQL text cannot hold it (SQLite can), so the same call would be stored on
 * a desktop console and fail on a team store with a driver error: the contract refuses it on both, by path,
 * before any handler (and so any statement) runs.
 */
const server = usePostgres();
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.dispose();
});
afterAll(() => {
  delete process.env[TEST_STORE_PG_ENV];
});

const calls: [string, Record<string, unknown>, string[]][] = [
  ['audit.list', { subject: 'row:\u00001' }, ['subject']],
  ['audit.list', { user: 'ada\u0000@example.com' }, ['user']],
  ['findings.list', { search: 'a\u0000b' }, ['search']],
  ['users.search', { query: '\u0000' }, ['query']],
];

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`NUL in text inputs (${dialect})`, () => {
    async function app(): Promise<TestApp> {
      if (dialect === 'postgres') process.env[TEST_STORE_PG_ENV] = server().url();
      else delete process.env[TEST_STORE_PG_ENV];
      const made = await createTestApp();
      apps.push(made);
      return made;
    }

    it.each(calls)('%s %j is refused as invalid input, naming the field', async (method, input, path) => {
      const made = await app();
      const answer = await dispatch(made.handlers, method, input, { actor: 'manual' });
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(JSON.stringify(answer)).toContain(JSON.stringify(path));
    });

    it('a NUL in a key is refused too, and a 4-byte emoji next to it is not the reason', async () => {
      const made = await app();
      const answer = await dispatch(made.handlers, 'findings.list', { search: '\u{1F600}', ['x\u0000']: 1 }, { actor: 'manual' });
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      const fine = await dispatch(made.handlers, 'findings.list', { search: '\u{1F600}\uD800' }, { actor: 'manual' });
      expect(fine).toMatchObject({ ok: true });
    });
  });
}
