import type { AppDbAdapter } from './adapter';
import { CANONICAL_ENTITIES, ENTITY_NAMES, type ColumnSpec, type ColumnType, type EntitySpec } from './canonical-schema';
import { quoteIdent, quoteTable } from './identifiers';

const TYPES: Record<AppDbAdapter['dialect'], Record<ColumnType, string>> = {
  sqlite: { text: 'TEXT', integer: 'INTEGER', bigint: 'INTEGER', boolean: 'INTEGER', real: 'REAL', timestamp: 'TEXT' },
  postgres: { text: 'text', integer: 'integer', bigint: 'bigint', boolean: 'boolean', real: 'double precision', timestamp: 'timestamptz' },
};

/** CREATE TABLE statements for the canonical schema in one dialect. */
export function canonicalDdl(dialect: AppDbAdapter['dialect']): string[] {
  const tables = ENTITY_NAMES.map((name) => createTable(CANONICAL_ENTITIES[name], dialect));
  return [...tables, ...ENTITY_NAMES.flatMap((name) => createIndexes(CANONICAL_ENTITIES[name]))];
}

function createIndexes(entity: EntitySpec): string[] {
  const bare = entity.table.split('.').pop() as string;
  const plain = (entity.indexes ?? []).map((keys) => {
    const columns = keys.map((k) => (entity.columns[k] as ColumnSpec).name);
    return `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${bare}_${columns.join('_')}_idx`)} ON ${quoteTable(entity.table)} (${columns.map(quoteIdent).join(', ')})`;
  });
  return [...plain, ...(entity.lowerIndexes ?? []).map((key) => lowerIndexDdl(entity.table, (entity.columns[key] as ColumnSpec).name))];
}

/**
 * `CREATE INDEX IF NOT EXISTS <table>_lower_<column>_idx ON <table> (lower(<column>))`:
 * idempotent, so `appdb init` on an existing product database adds it and keeps the rest.
 * Not UNIQUE: an existing database may hold two spellings of one email, and the
 * index must still be creatable there (lookups treat such a pair as ambiguous).
 */
function lowerIndexDdl(table: string, column: string): string {
  const bare = table.split('.').pop() as string;
  return `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${bare}_lower_${column}_idx`)} ON ${quoteTable(table)} (lower(${quoteIdent(column)}))`;
}

function createTable(entity: EntitySpec, dialect: AppDbAdapter['dialect']): string {
  const columns = Object.entries(entity.columns).map(([logical, spec]) =>
    [quoteIdent(spec.name), TYPES[dialect][spec.type], logical === entity.key ? 'PRIMARY KEY' : '', spec.notNull ? 'NOT NULL' : '', defaultClause(spec, dialect)]
      .filter(Boolean)
      .join(' '),
  );
  const uniques = (entity.unique ?? []).map(
    (keys) => `UNIQUE (${keys.map((k) => quoteIdent((entity.columns[k] as ColumnSpec).name)).join(', ')})`,
  );
  return `CREATE TABLE IF NOT EXISTS ${quoteTable(entity.table)} (\n  ${[...columns, ...uniques].join(',\n  ')}\n)`;
}

function defaultClause(spec: ColumnSpec, dialect: AppDbAdapter['dialect']): string {
  if (spec.default === undefined) return '';
  if (typeof spec.default === 'boolean') return `DEFAULT ${dialect === 'sqlite' ? (spec.default ? 1 : 0) : spec.default}`;
  if (typeof spec.default === 'number') return `DEFAULT ${spec.default}`;
  return `DEFAULT '${spec.default.replace(/'/g, "''")}'`;
}

/** Creates the canonical schema in one transaction (idempotent: existing tables are kept). */
export async function initCanonicalSchema(db: AppDbAdapter): Promise<string[]> {
  const statements = canonicalDdl(db.dialect);
  await db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(statement);
  });
  return ENTITY_NAMES.map((name) => CANONICAL_ENTITIES[name].table);
}
