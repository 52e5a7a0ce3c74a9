import { describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { findUser } from '../../core/appdb/find-user';
import { resolveMapping } from '../../core/appdb/mapping';
import { lookupPeople, searchPeople } from '../../core/appdb/people';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';

/**
 * A schedule saved for "élodie@example.com" or "Ada@Example.com" is accepted
 * (findUser folds beyond ASCII and trims, as the identity engine does), and a
 * CLI run names its user the same way; the label beside it must then find the
 * same person instead of saying "No user … in the product database".
 */
describe('attack: users.lookup agrees with the schedule save on a SQLite users table', () => {
  it('finds by email whatever findUser finds: non-ASCII capitals, stray spaces', async () => {
    const db = openSqliteAppDb({ path: ':memory:', create: true });
    try {
      await initCanonicalSchema(db);
      await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
        ['u-elodie', 'ÉLODIE@example.com', 'Élodie', 1, 'user'],
        ['u-ada', ' ada@example.com ', 'Ada', 1, 'user'],
        ['u-zoe', 'zoe@example.com', 'Zoé', 1, 'user'],
        ['u-x', 'ÀÉ@x.example', 'A', 1, 'user'],
        ['u-y', 'àé@x.example', 'B', 1, 'user'],
      ]);
      const mapping = resolveMapping({});
      const keys = ['élodie@example.com', 'Ada@Example.com', 'ZOE@example.com', 'àÉ@x.example', 'àé@x.example', 'nobody@example.com'];
      const found = new Map((await lookupPeople(db, mapping, keys)).map((entry) => [entry.key, entry.user.id]));
      for (const key of keys) {
        const saved = await findUser(db, mapping, key);
        expect(found.get(key), key).toBe(typeof saved === 'object' ? saved.id : undefined);
      }
      expect(found.get('élodie@example.com')).toBe('u-elodie');
      expect(found.get('Ada@Example.com')).toBe('u-ada');
    } finally {
      await db.close();
    }
  });
});

describe('attack: users.search (the schedule form picker) on a SQLite users table', () => {
  it('finds a name or email by any case beyond ASCII, as on PostgreSQL ("élodie" finds Élodie)', async () => {
    const db = openSqliteAppDb({ path: ':memory:', create: true });
    try {
      await initCanonicalSchema(db);
      await db.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
        ['u-elodie', 'ÉLODIE@example.com', 'Élodie Ñúñez', 1, 'user'],
        ['u-ada', 'ada@example.com', 'Ada', 1, 'user'],
      ]);
      const mapping = resolveMapping({});
      const ids = async (query: string) => (await searchPeople(db, mapping, query, 20)).map((p) => p.id);
      expect(await ids('élodie')).toEqual(['u-elodie']);
      expect(await ids('ÉLO')).toEqual(['u-elodie']);
      expect(await ids('ÑÚÑ')).toEqual(['u-elodie']);
      expect(await ids('ADA')).toEqual(['u-ada']);
      expect(await ids('%')).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
