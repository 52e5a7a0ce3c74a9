import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDbAdapter } from '../../core/appdb/adapter';
import { CANONICAL_ENTITIES, ENTITY_NAMES } from '../../core/appdb/canonical-schema';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { quoteIdent, quoteTable } from '../../core/appdb/identifiers';
import { streamKeyset, streamStored } from '../../core/appdb/keyset';
import { findMappingProblems, resolveMapping } from '../../core/appdb/mapping';

/**
 * One behavioural suite for every app-DB adapter: SQLite and PostgreSQL must
 * pass the same tests, so engines can rely on either.
 */
export function describeAppDbAdapter(name: string, open: () => Promise<{ db: AppDbAdapter; cleanup(): Promise<void> }>): void {
  describe(`app database adapter: ${name}`, () => {
    let db: AppDbAdapter;
    let cleanup: () => Promise<void>;
    const users = quoteTable('users');

    beforeAll(async () => {
      ({ db, cleanup } = await open());
    });
    afterAll(async () => {
      await db?.close();
      await cleanup?.();
    });

    it('creates the canonical schema, idempotently, and the default mapping validates against it', async () => {
      const tables = await initCanonicalSchema(db);
      expect(tables).toEqual(ENTITY_NAMES.map((e) => CANONICAL_ENTITIES[e].table));
      await initCanonicalSchema(db);
      expect(await findMappingProblems(db, resolveMapping())).toEqual([]);
      expect(await db.check()).toMatchObject({ ok: true, status: 'ok' });
    });

    it('reports each missing table and column of a mapping by name', async () => {
      const mapping = resolveMapping({ users: { columns: { emailVerified: 'is_verified' } }, emails: { table: 'gmail_messages' } });
      expect(await findMappingProblems(db, mapping)).toEqual([
        'column "users.is_verified" (users.emailVerified) is missing',
        'table "gmail_messages" (entity emails) is missing',
      ]);
    });

    it('batched writes in one transaction with one prepared statement', async () => {
      const rows = Array.from({ length: 10_001 }, (_, i) => [`u${String(i).padStart(6, '0')}`, `user${i}@example.com`, i % 2 === 0]);
      await db.transaction((tx) => tx.executeMany(`INSERT INTO ${users} ("id", "email", "email_verified") VALUES (?, ?, ?)`, rows));
      const [count] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${users}`);
      expect(Number(count?.n)).toBe(10_001);
      const [verified] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${users} WHERE "email_verified" = ?`, [true]);
      expect(Number(verified?.n)).toBe(5001);
    });

    it('a failure inside a transaction leaves the previous state', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(`UPDATE ${users} SET "name" = ? WHERE "id" = ?`, ['changed', 'u000001']);
          await tx.execute(`INSERT INTO ${users} ("id", "email") VALUES (?, ?)`, ['u000001', 'duplicate@example.com']);
        }),
      ).rejects.toThrow();
      const [row] = await db.query<{ name: string | null }>(`SELECT "name" FROM ${users} WHERE "id" = ?`, ['u000001']);
      expect(row?.name).toBeNull();
    });

    it('imports keyed on a unique column are idempotent (ON CONFLICT DO NOTHING)', async () => {
      const insert = `INSERT INTO ${quoteTable('videos')} ("id", "user_id", "public_id") VALUES (?, ?, ?) ON CONFLICT (${quoteIdent('public_id')}) DO NOTHING`;
      const batch = [
        ['v1', 'u000001', 'root/users/a@example.com/videos/one'],
        ['v2', 'u000001', 'root/users/a@example.com/videos/two'],
      ];
      expect((await db.executeMany(insert, batch)).changes).toBe(2);
      expect((await db.executeMany(insert, [['v3', 'u000001', 'root/users/a@example.com/videos/one']])).changes).toBe(0);
    });

    it('streams a table in keyset-paged chunks, every row once, in key order', async () => {
      const seen: string[] = [];
      let chunks = 0;
      for await (const chunk of streamKeyset<{ id: string; email: string }>(db, { table: 'users', key: 'id', columns: ['email'], chunkSize: 1000 })) {
        chunks++;
        seen.push(...chunk.map((r) => r.id));
      }
      expect(chunks).toBe(11);
      expect(seen).toHaveLength(10_001);
      expect(new Set(seen).size).toBe(10_001);
      expect([...seen].sort()).toEqual(seen);
    });

    it('keyset streaming honours an extra filter', async () => {
      let total = 0;
      for await (const chunk of streamKeyset(db, { table: 'users', key: 'id', columns: ['email'], chunkSize: 700, where: { sql: '"email_verified" = ?', params: [false] } })) {
        total += chunk.length;
      }
      expect(total).toBe(5000);
    });

    it('streams a table in storage order, every row once with only the columns asked for, and honours a filter', async () => {
      const seen: string[] = [];
      for await (const chunk of streamStored<{ id: string; email: string }>(db, { table: 'users', key: 'id', columns: ['email'], chunkSize: 1000 })) {
        for (const row of chunk) expect(Object.keys(row).sort()).toEqual(['email', 'id']);
        seen.push(...chunk.map((r) => r.id));
      }
      expect(seen).toHaveLength(10_001);
      expect(new Set(seen).size).toBe(10_001);
      let unverified = 0;
      for await (const chunk of streamStored(db, { table: 'users', key: 'id', columns: ['email'], chunkSize: 700, where: { sql: '"email_verified" = ?', params: [false] } })) {
        unverified += chunk.length;
      }
      expect(unverified).toBe(5000);
    });

    it('concurrent callers never interleave with an open transaction', async () => {
      const order: string[] = [];
      await Promise.all([
        db.transaction(async (tx) => {
          await tx.execute(`UPDATE ${users} SET "role" = ? WHERE "id" = ?`, ['admin', 'u000002']);
          order.push('tx-write');
          await new Promise((resolve) => setTimeout(resolve, 30));
          order.push('tx-commit');
        }),
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          const [row] = await db.query<{ role: string }>(`SELECT "role" FROM ${users} WHERE "id" = ?`, ['u000002']);
          order.push(`read-${row?.role}`);
        })(),
      ]);
      // The reader sees either the state before or after the transaction, never half of it.
      expect(['read-user', 'read-admin']).toContain(order.find((o) => o.startsWith('read-')));
    });
  });
}
