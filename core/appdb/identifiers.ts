/**
 * Table and column names come from the admin's mapping, so they are
 * validated against a strict pattern and always double-quoted: no mapping
 * value can inject SQL ("users; drop table x" is refused, not escaped).
 */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export class InvalidIdentifierError extends Error {
  constructor(readonly value: string) {
    super(`"${value}" is not a valid table or column name: use letters, digits and underscores, starting with a letter or underscore (at most 63).`);
    this.name = 'InvalidIdentifierError';
  }
}

export function isValidIdentifier(value: string): boolean {
  return IDENTIFIER.test(value);
}

/** A table may be schema-qualified ("public.users"); each part is validated. */
export function isValidTableName(value: string): boolean {
  const parts = value.split('.');
  return parts.length <= 2 && parts.every(isValidIdentifier);
}

export function quoteIdent(value: string): string {
  if (!isValidIdentifier(value)) throw new InvalidIdentifierError(value);
  return `"${value}"`;
}

export function quoteTable(value: string): string {
  if (!isValidTableName(value)) throw new InvalidIdentifierError(value);
  return value.split('.').map((part) => `"${part}"`).join('.');
}
