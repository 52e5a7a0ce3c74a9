import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_TRANSITIONS } from '../../core/runs/state-machine';
import { openDatabase } from '../../core/store/database';
import { openPostgresStoreDb } from '../../core/store/postgres-open';
import type { PostgresStoreDb } from '../../core/store/postgres-store-db';
import { usePostgres } from '../helpers/postgres';

/**
 * The console store's schema on SQLite and on PostgreSQL, described in one neutral form (type
 * families, nullability, defaults, keys, unique and partial indexes, foreign keys, CHECK value
 * lists) so a migration that changes one dialect and forgets the other fails here.
 */
interface TableShape {
  columns: string[];
  primaryKey: string;
  indexes: string[];
  indexNames: string[];
  foreignKeys: string[];
  checks: string[];
}
type SchemaShape = Record<string, TableShape>;

/** Tables only one dialect has on purpose. */
const DIALECT_ONLY = new Set(['schema_version', 'sqlite_sequence']);

const server = usePostgres();
let sqlite: SchemaShape;
let postgres: SchemaShape;
let pgDb: PostgresStoreDb;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sw-parity-'));
  const db = openDatabase(join(dir, 'syncwarden.db'));
  try {
    sqlite = sqliteShape(db);
  } finally {
    db.close();
  }
  const url = await server().createDatabase('parity');
  pgDb = (await openPostgresStoreDb({ connectionString: url, location: 'parity' })).db;
  postgres = await postgresShape(pgDb);
}, 120_000);
afterAll(async () => {
  await pgDb?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the console store schema is the same on SQLite and PostgreSQL', () => {
  it('has the same tables', () => {
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
    expect(Object.keys(sqlite).length).toBeGreaterThanOrEqual(12);
  });

  it.each(['runs', 'run_events', 'findings', 'audit_log', 'settings', 'connections', 'engine_state', 'sheet_sources', 'schedules', 'schedule_firings', 'run_items', 'run_item_counts', 'workers', 'cron_migrations'])(
    '%s: columns, keys, indexes, foreign keys and checks',
    (table) => {
      expect(postgres[table], table).toEqual(sqlite[table]);
    },
  );

  it('every table is compared above', () => {
    // A new table must be added to the list (or to DIALECT_ONLY with a reason).
    expect(Object.keys(sqlite).length).toBe(14);
  });

  it('single flight covers exactly the active states of the run state machine', () => {
    // Active = not terminal (a state with transitions out): a new active state must join the index, on both dialects.
    const active = Object.entries(RUN_TRANSITIONS).filter(([, next]) => next.length > 0).map(([state]) => `'${state}'`).sort();
    expect(sqlite.runs!.indexes).toContain(`unique engine,scope where state in ${active.join(',')}`);
    expect(postgres.runs!.indexes).toContain(`unique engine,scope where state in ${active.join(',')}`);
  });

  it('keeps single flight and one open finding per subject as partial unique indexes on both', () => {
    expect(sqlite.runs!.indexes).toContain("unique engine,scope where state in 'queued','running'");
    expect(sqlite.findings!.indexes).toContain("unique engine,subject where status = 'open'");
  });
});

function sqliteShape(db: ReturnType<typeof openDatabase>): SchemaShape {
  const shape: SchemaShape = {};
  const tables = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string; sql: string }[];
  for (const { name, sql } of tables) {
    if (DIALECT_ONLY.has(name)) continue;
    const info = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
    const columns = info.map((c) => column(c.name, family(c.type), c.notnull === 1 || c.pk > 0, c.dflt_value));
    const primaryKey = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name).join(',');
    const indexes: string[] = [];
    const indexNames: string[] = [];
    for (const index of db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number; origin: string; partial: number }[]) {
      if (index.origin === 'pk') continue;
      const keys = (db.prepare(`PRAGMA index_xinfo("${index.name}")`).all() as { cid: number; name: string | null; desc: number; coll: string; key: number }[])
        .filter((k) => k.key === 1)
        .map((k) => `${k.name}${k.coll === 'NOCASE' ? ' nocase' : ''}${k.desc ? ' desc' : ''}`);
      let where = '';
      if (index.partial) {
        const create = (db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(index.name) as { sql: string }).sql;
        where = predicate(create.slice(create.search(/\bWHERE\b/i) + 5));
      }
      indexes.push(indexSignature(index.unique === 1, keys, where));
      if (index.origin === 'c') indexNames.push(index.name);
    }
    const foreignKeys = (db.prepare(`PRAGMA foreign_key_list("${name}")`).all() as { table: string; from: string; to: string; on_delete: string }[]).map(
      (fk) => `${fk.from} -> ${fk.table}(${fk.to}) on delete ${fk.on_delete.toLowerCase()}`,
    );
    const checks = [...sql.matchAll(/CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)/gi)].map((m) => checkSignature(m[1]!, [...m[2]!.matchAll(/'([^']*)'/g)].map((l) => l[1]!)));
    shape[name] = finish({ columns, primaryKey, indexes, indexNames, foreignKeys, checks });
  }
  return shape;
}

async function postgresShape(db: PostgresStoreDb): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  const tables = await db.all<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
  for (const { name } of tables) {
    if (DIALECT_ONLY.has(name)) continue;
    const info = await db.all<{ name: string; type: string; nullable: string; dflt: string | null; identity: string }>(
      `SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS dflt, is_identity AS identity
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`,
      [name],
    );
    const columns = info.map((c) => column(c.name, family(c.type), c.nullable === 'NO', c.dflt === null ? null : c.dflt.replace(/::[a-z ]+/g, '')));
    const index = await db.all<{ name: string; unique: boolean; primary: boolean; backs_constraint: boolean; keys: string[]; options: string; predicate: string | null }>(
      `SELECT c.relname AS name, i.indisunique AS unique, i.indisprimary AS primary,
              EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS backs_constraint,
              ARRAY(SELECT pg_get_indexdef(i.indexrelid, n, true) FROM generate_series(1, i.indnkeyatts) n) AS keys,
              i.indoption::text AS options, pg_get_expr(i.indpred, i.indrelid, true) AS predicate
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ?::regclass`,
      [name],
    );
    let primaryKey = '';
    const indexes: string[] = [];
    const indexNames: string[] = [];
    for (const ix of index) {
      if (ix.primary) {
        primaryKey = ix.keys.join(',');
        continue;
      }
      const options = ix.options.split(' ').map(Number);
      const keys = ix.keys.map((key, k) => {
        const nocase = /^lower\((\w+)\)$/.exec(key);
        return `${nocase ? `${nocase[1]} nocase` : key}${(options[k]! & 1) === 1 ? ' desc' : ''}`;
      });
      indexes.push(indexSignature(ix.unique, keys, ix.predicate ? predicate(ix.predicate) : ''));
      // A UNIQUE constraint's index, and the lower() index standing for SQLite's UNIQUE COLLATE NOCASE, are unnamed in SQLite.
      if (!ix.backs_constraint && !keys.some((key) => key.endsWith(' nocase'))) indexNames.push(ix.name);
    }
    const constraints = await db.all<{ type: string; def: string }>(`SELECT contype AS type, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ?::regclass`, [name]);
    const foreignKeys = constraints
      .filter((c) => c.type === 'f')
      .map((c) => {
        const m = /FOREIGN KEY \((\w+)\) REFERENCES (\w+)\((\w+)\)(?: ON DELETE (CASCADE|SET NULL|RESTRICT))?/.exec(c.def);
        return `${m![1]} -> ${m![2]}(${m![3]}) on delete ${(m![4] ?? 'NO ACTION').toLowerCase()}`;
      });
    const checks = constraints
      .filter((c) => c.type === 'c')
      .map((c) => checkSignature(/CHECK \(\(+(\w+)/.exec(c.def)![1]!, [...c.def.matchAll(/'([^']*)'::text/g)].map((l) => l[1]!)));
    shape[name] = finish({ columns, primaryKey, indexes, indexNames, foreignKeys, checks });
  }
  return shape;
}

function family(type: string): string {
  const t = type.toLowerCase();
  if (/int/.test(t)) return 'integer';
  if (/char|text|clob/.test(t)) return 'text';
  if (/real|floa|doub|numeric/.test(t)) return 'real';
  if (/blob|bytea/.test(t)) return 'blob';
  return t;
}

function column(name: string, typeFamily: string, notNull: boolean, dflt: string | null): string {
  return `${name} ${typeFamily}${notNull ? ' not null' : ''}${dflt === null ? '' : ` default ${dflt}`}`;
}

function indexSignature(unique: boolean, keys: string[], where: string): string {
  return `${unique ? 'unique ' : ''}${keys.join(',')}${where ? ` where ${where}` : ''}`;
}

function checkSignature(columnName: string, values: string[]): string {
  return `${columnName} in ${values.sort().join(',')}`;
}

/** "state IN ('a','b')" and PostgreSQL's "(state = ANY (ARRAY['a'::text, 'b'::text]))" give one text. */
function predicate(text: string): string {
  return text
    .toLowerCase()
    .replace(/::[a-z]+(\[\])?/g, '')
    .replace(/=\s*any\s*\(\s*array\[/g, 'in (')
    .replace(/[()[\];\]]/g, '')
    .replace(/\s*,\s*/g, ',')
    .replace(/\s+/g, ' ')
    .trim();
}

function finish(table: TableShape): TableShape {
  return { ...table, indexes: [...table.indexes].sort(), indexNames: [...table.indexNames].sort(), foreignKeys: [...table.foreignKeys].sort(), checks: [...table.checks].sort() };
}
