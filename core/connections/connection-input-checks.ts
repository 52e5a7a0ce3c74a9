import { CONNECTION_SECRETS, requiredSecretsMissing, serviceAccountKeyProblem, type ConnectionKind } from '../api/connections';
import { ApiError } from '../api/errors';
import { InvalidMappingError, resolveMapping } from '../appdb/mapping';

// The checks a connection's create or edit passes before anything is written
// (connections.service.ts): secret fields and values, and an appdb mapping.

/** Secret values with a shape of their own are checked before anything is written. */
export function checkSecretValues(values: Record<string, string | null>): void {
  const key = values.serviceAccountJson;
  const problem = typeof key === 'string' ? serviceAccountKeyProblem(key) : undefined;
  if (problem) throw new ApiError('invalid-input', problem, { field: 'serviceAccountJson' });
}

/** The refresh token belongs to the connected account: Connect writes it and Disconnect revokes it, never an edit. */
export function refuseConnectOnlySecrets(given: string[]): void {
  if (given.includes('refreshToken')) {
    throw new ApiError('invalid-input', 'refreshToken is written by Connect and removed by Disconnect (which also revokes it), not set by an edit.', { fields: ['refreshToken'] });
  }
}

export function checkSecretFields(kind: ConnectionKind, given: string[], creating: boolean): void {
  const known = CONNECTION_SECRETS[kind];
  const unknown = given.filter((field) => !known.some((s) => s.field === field));
  if (unknown.length) throw new ApiError('invalid-input', `${kind} connections have no secret ${unknown.join(', ')}.`, { fields: unknown });
  const missing = creating ? requiredSecretsMissing(kind, given) : [];
  if (missing.length) throw new ApiError('invalid-input', `Required: ${missing.join(', ')}.`, { fields: missing });
}

export function validateMapping(kind: ConnectionKind, config: Record<string, unknown>): void {
  if (kind !== 'appdb') return;
  try {
    resolveMapping(config.mapping ?? {});
  } catch (error) {
    if (error instanceof InvalidMappingError) throw new ApiError('invalid-input', error.message, { problems: error.problems });
    throw error;
  }
}
