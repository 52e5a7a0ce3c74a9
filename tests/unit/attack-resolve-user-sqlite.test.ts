import { describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { resolveMapping } from '../../core/appdb/mapping';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { findUser } from '../../core/appdb/find-user';

/**
 * Outside review (issue 17): `--user` by email is case-insensitive (DESIGN
 * §4.8), but SQLite's lower() folds ASCII only, so on a SQLite product
 * database a user whose email has a non-ASCII capital (or the stray spaces
 * the identity engine already trims) was "no user": the same value worked on
 * PostgreSQL. The identity engine's own lookup (identity-local.ts) handles both.
 */
describe('attack: --user by email on a SQLite users table', () => {
  it('matches emails case-insensitively beyond ASCII and ignores surrounding spaces, as the identity engine does', async () => {
    const db = openSqliteAppDb({ path: ':memory:', create: true });
    try {
      await initCanonicalSchema(db);
      await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
        ['u-elodie', 'ÉLODIE@example.com', 'Élodie', 1, 'user'],
        ['u-ada', ' ada@example.com ', 'Ada', 1, 'user'],
        ['u-zoe', 'zoe@example.com', 'Zoé', 1, 'user'],
      ]);
      const mapping = resolveMapping({});
      expect(await findUser(db, mapping, 'élodie@example.com')).toEqual({ id: 'u-elodie', email: 'ÉLODIE@example.com' });
      expect(await findUser(db, mapping, 'Ada@Example.com')).toMatchObject({ id: 'u-ada' });
      expect(await findUser(db, mapping, 'ZOE@example.com')).toMatchObject({ id: 'u-zoe' });
      expect(await findUser(db, mapping, 'nobody@example.com')).toBeUndefined();
    } finally {
      await db.close();
    }
  });

  it('an email-shaped id is found by id, and a value that is one user\'s id and another\'s email names neither', async () => {
    const db = openSqliteAppDb({ path: ':memory:', create: true });
    try {
      await initCanonicalSchema(db);
      await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
        ['legacy@old.example', 'new@example.com', 'Legacy', 1, 'user'],
        ['u-clash', 'legacy@old.example', 'Clash', 1, 'user'],
        ['only-id@old.example', 'only@example.com', 'Only', 1, 'user'],
      ]);
      const mapping = resolveMapping({});
      expect(await findUser(db, mapping, 'legacy@old.example')).toBe('id-and-email');
      expect(await findUser(db, mapping, 'only-id@old.example')).toEqual({ id: 'only-id@old.example', email: 'only@example.com' });
      expect(await findUser(db, mapping, 'new@example.com')).toEqual({ id: 'legacy@old.example', email: 'new@example.com' });
    } finally {
      await db.close();
    }
  });
});
