import { describe, expect, it } from 'vitest';
import { openPostgresAppDb } from '../../core/appdb/postgres.adapter';
import { resolveMapping } from '../../core/appdb/mapping';
import { findUser } from '../../core/appdb/find-user';
import { usePostgres } from '../helpers/postgres';

/** Outside review (issue 17): `--user` on PostgreSQL, whose ids may be uuids or integers and whose lower() is Unicode-aware. */
const server = usePostgres();

describe('attack: --user against a PostgreSQL users table', () => {
  it('finds users by uuid, by integer id and by email in any case', async () => {
    await server().createDatabase('users_uuid');
    const db = openPostgresAppDb({ connectionString: server().url('users_uuid') });
    try {
      await db.execute('CREATE TABLE users (id uuid PRIMARY KEY, email text)');
      await db.execute(`INSERT INTO users VALUES ('7f3c2a10-0000-4000-8000-000000000001', 'Ada@Example.com'), ('7f3c2a10-0000-4000-8000-000000000002', 'ÉLODIE@example.com')`);
      const mapping = resolveMapping({});
      expect(await findUser(db, mapping, '7f3c2a10-0000-4000-8000-000000000001')).toEqual({ id: '7f3c2a10-0000-4000-8000-000000000001', email: 'Ada@Example.com' });
      expect(await findUser(db, mapping, 'ada@EXAMPLE.com')).toMatchObject({ id: '7f3c2a10-0000-4000-8000-000000000001' });
      expect(await findUser(db, mapping, 'élodie@example.com')).toMatchObject({ id: '7f3c2a10-0000-4000-8000-000000000002' });
      expect(await findUser(db, mapping, 'not-a-uuid')).toBeUndefined();
      await db.execute('CREATE TABLE users2 (id bigint PRIMARY KEY, email text)');
      await db.execute(`INSERT INTO users2 VALUES (42, 'grace@example.com')`);
      const m2 = resolveMapping({ users: { table: 'users2' } });
      expect(await findUser(db, m2, '42')).toEqual({ id: '42', email: 'grace@example.com' });
    } finally {
      await db.close();
    }
  });
});
