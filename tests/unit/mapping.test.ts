import { describe, expect, it } from 'vitest';
import { canonicalDdl } from '../../core/appdb/ddl';
import { InvalidIdentifierError, quoteIdent, quoteTable } from '../../core/appdb/identifiers';
import { resolveMapping } from '../../core/appdb/mapping';
import { toPgPlaceholders } from '../../core/appdb/placeholders';

describe('schema mapping', () => {
  it('defaults to the canonical names and applies overrides per entity and column', () => {
    const mapping = resolveMapping({ users: { table: 'public.profiles', columns: { name: 'full_name' } } });
    expect(mapping.users).toMatchObject({ table: 'public.profiles', key: 'id', columns: { name: 'full_name', email: 'email', emailVerified: 'email_verified' } });
    expect(mapping.files.table).toBe('files');
    expect(mapping.mailSettings.key).toBe('user_id');
  });

  it('rejects injection attempts and unknown names with a message naming the value', () => {
    expect(() => resolveMapping({ users: { table: 'users; drop table x' } })).toThrow(/"users; drop table x" is not a valid table name/);
    expect(() => resolveMapping({ users: { columns: { email: 'email" --' } } })).toThrow(/is not a valid column name/);
    expect(() => resolveMapping({ users: { columns: { password: 'pw' } } })).toThrow();
    expect(() => resolveMapping({ accounts: {} })).toThrow();
  });

  it('quotes every identifier and refuses anything that is not one', () => {
    expect(quoteIdent('email_verified')).toBe('"email_verified"');
    expect(quoteTable('public.users')).toBe('"public"."users"');
    expect(() => quoteIdent('a"b')).toThrow(InvalidIdentifierError);
    expect(() => quoteTable('a.b.c')).toThrow(InvalidIdentifierError);
  });

  it('translates ? placeholders for PostgreSQL, but not inside literals or quoted names', () => {
    expect(toPgPlaceholders(`SELECT "a?" FROM t WHERE x = ? AND y = '?' AND z = ?`)).toBe(`SELECT "a?" FROM t WHERE x = $1 AND y = '?' AND z = $2`);
  });

  it('generates the canonical DDL for both dialects with unique keys for idempotent imports', () => {
    const sqlite = canonicalDdl('sqlite').join('\n');
    const postgres = canonicalDdl('postgres').join('\n');
    expect(sqlite).toContain('CREATE TABLE IF NOT EXISTS "videos"');
    expect(sqlite).toContain('UNIQUE ("public_id")');
    expect(postgres).toContain('"email_verified" boolean NOT NULL DEFAULT false');
    expect(sqlite).toContain('"email_verified" INTEGER NOT NULL DEFAULT 0');
  });
});

describe('docs/canonical-schema.md', () => {
  it('documents every canonical table and column', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { CANONICAL_ENTITIES, ENTITY_NAMES } = await import('../../core/appdb/canonical-schema');
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'canonical-schema.md'), 'utf8');
    for (const entity of ENTITY_NAMES) {
      const spec = CANONICAL_ENTITIES[entity];
      expect(doc).toContain(`## \`${spec.table}\` (entity \`${entity}\`)`);
      for (const [logical, column] of Object.entries(spec.columns)) expect(doc).toContain(`| \`${logical}\` | \`${column.name}\` |`);
    }
  });
});
