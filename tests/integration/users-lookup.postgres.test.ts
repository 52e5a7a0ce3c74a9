import { describe, expect, it } from 'vitest';
import { resolveMapping } from '../../core/appdb/mapping';
import { lookupPeople, searchPeople } from '../../core/appdb/people';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { usePostgres } from '../helpers/postgres';

/** People, not ids, on PostgreSQL: uuid and integer ids compared as text, Unicode-aware lower(), LIKE wildcards typed literally. */
const server = usePostgres();

describe('users.lookup and users.search against a PostgreSQL users table', () => {
  it('resolves uuid ids and emails in any case, and searches by part of a name, email or id', async () => {
    await server().createDatabase('people_uuid');
    const db = openPostgresAppDb({ connectionString: server().url('people_uuid') });
    try {
      await db.execute('CREATE TABLE users (id uuid PRIMARY KEY, email text, name text)');
      await db.execute(
        `INSERT INTO users VALUES ('7f3c2a10-0000-4000-8000-000000000001', 'Ada@Example.com', 'Ada Lovelace'), ('7f3c2a10-0000-4000-8000-000000000002', 'ÉLODIE@example.com', 'Élodie 100%_'), ('7f3c2a10-0000-4000-8000-000000000003', 'grace@example.com', NULL)`,
      );
      const mapping = resolveMapping({});
      expect(await lookupPeople(db, mapping, ['7f3c2a10-0000-4000-8000-000000000001', 'élodie@example.com', 'not-a-uuid', 'nobody@example.com'])).toEqual([
        { key: '7f3c2a10-0000-4000-8000-000000000001', user: { id: '7f3c2a10-0000-4000-8000-000000000001', email: 'Ada@Example.com', name: 'Ada Lovelace' } },
        { key: 'élodie@example.com', user: { id: '7f3c2a10-0000-4000-8000-000000000002', email: 'ÉLODIE@example.com', name: 'Élodie 100%_' } },
      ]);
      const ids = async (query: string) => (await searchPeople(db, mapping, query, 20)).map((p) => p.email);
      expect(await ids('LOVE')).toEqual(['Ada@Example.com']);
      expect(await ids('élodie')).toEqual(['ÉLODIE@example.com']);
      expect(await ids('%_')).toEqual(['ÉLODIE@example.com']);
      expect(await ids('000000000003')).toEqual(['grace@example.com']);
      // By email in the database's own collation (where "é" sorts is the server's business).
      expect(new Set(await ids(''))).toEqual(new Set(['Ada@Example.com', 'ÉLODIE@example.com', 'grace@example.com']));
      expect((await searchPeople(db, mapping, '', 2)).map((p) => p.email)[0]).toBe('Ada@Example.com');

      await db.execute('CREATE TABLE users2 (id bigint PRIMARY KEY, email text, name text)');
      await db.execute(`INSERT INTO users2 VALUES (42, 'grace@example.com', 'Grace Hopper')`);
      const m2 = resolveMapping({ users: { table: 'users2' } });
      expect(await lookupPeople(db, m2, ['42', 'GRACE@example.com'])).toEqual([
        { key: '42', user: { id: '42', email: 'grace@example.com', name: 'Grace Hopper' } },
        { key: 'GRACE@example.com', user: { id: '42', email: 'grace@example.com', name: 'Grace Hopper' } },
      ]);
    } finally {
      await db.close();
    }
  });
});
