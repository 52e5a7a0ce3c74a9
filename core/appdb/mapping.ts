import { z } from 'zod';
import type { AppDbAdapter } from './adapter';
import { CANONICAL_ENTITIES, ENTITY_NAMES, type EntityColumn, type EntityName } from './canonical-schema';
import { isValidIdentifier, isValidTableName } from './identifiers';

/**
 * Schema mapping: engines address logical entities and columns; a product
 * whose tables are named differently overrides names here. Every name is
 * validated as an identifier when the mapping is parsed, so an injection
 * attempt is rejected with a message, never quoted into SQL.
 */
const identifier = z.string().refine(isValidIdentifier, { error: (issue) => `"${String(issue.input)}" is not a valid column name` });
const tableName = z.string().refine(isValidTableName, { error: (issue) => `"${String(issue.input)}" is not a valid table name` });

function entityOverrideSchema(entity: EntityName) {
  const columns = Object.fromEntries(Object.keys(CANONICAL_ENTITIES[entity].columns).map((c) => [c, identifier.optional()]));
  return z.strictObject({ table: tableName.optional(), columns: z.strictObject(columns).optional() }).optional();
}

const SchemaMappingSchema = z.strictObject(Object.fromEntries(ENTITY_NAMES.map((e) => [e, entityOverrideSchema(e)])));

type SchemaMappingOverrides = {
  [E in EntityName]?: { table?: string; columns?: Partial<Record<EntityColumn<E>, string>> };
};

export interface ResolvedEntity<E extends EntityName = EntityName> {
  entity: E;
  table: string;
  /** Physical name of the key column. */
  key: string;
  columns: Record<EntityColumn<E>, string>;
}

export type ResolvedMapping = { [E in EntityName]: ResolvedEntity<E> };

export class InvalidMappingError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid schema mapping: ${problems.join('; ')}`);
    this.name = 'InvalidMappingError';
  }
}

export function resolveMapping(overrides: unknown = {}): ResolvedMapping {
  const result = SchemaMappingSchema.safeParse(overrides ?? {});
  if (!result.success) {
    throw new InvalidMappingError(result.error.issues.map((issue) => `${issue.path.join('.') || 'mapping'}: ${issue.message}`));
  }
  const parsed = result.data as SchemaMappingOverrides;
  const resolved = {} as Record<EntityName, ResolvedEntity>;
  for (const entity of ENTITY_NAMES) {
    const spec = CANONICAL_ENTITIES[entity];
    const override = parsed[entity] as { table?: string; columns?: Record<string, string | undefined> } | undefined;
    const columns = Object.fromEntries(
      Object.entries(spec.columns).map(([logical, column]) => [logical, override?.columns?.[logical] ?? column.name]),
    );
    resolved[entity] = { entity, table: override?.table ?? spec.table, key: columns[spec.key] as string, columns };
  }
  return resolved as ResolvedMapping;
}

/** Columns of Syncwarden's own tables that the engine adds itself to a table created by an older version. */
const ADDED_ON_FIRST_USE = new Set(['fileQuarantine.rowImage']);

/** Every table or column the mapping names that the live database lacks, by name. */
export async function findMappingProblems(db: AppDbAdapter, mapping: ResolvedMapping, entities: readonly EntityName[] = ENTITY_NAMES): Promise<string[]> {
  const tables = await db.describeTables(entities.map((e) => mapping[e].table));
  const problems: string[] = [];
  for (const entity of entities) {
    const { table, columns } = mapping[entity];
    const present = tables.get(table);
    if (!present) {
      problems.push(`table "${table}" (entity ${entity}) is missing`);
      continue;
    }
    for (const [logical, column] of Object.entries(columns) as [string, string][]) {
      if (!present.has(column) && !ADDED_ON_FIRST_USE.has(`${entity}.${logical}`)) problems.push(`column "${table}.${column}" (${entity}.${logical}) is missing`);
    }
  }
  return problems;
}
