import { isConnectorError, type ConnectorError } from './connector-error';

/**
 * Whose problem a connector failure is (DESIGN §4.2), decided here once for
 * every engine:
 * - `user`: this user's grant is dead (`token-revoked`: OAuth invalid_grant, a
 *   revoked or missing refresh token) or lacks a scope the feature needs. The
 *   engine marks that user's account "needs reconnect" and goes on with others.
 * - `connection`: the admin's connection was refused (`misconfigured`:
 *   invalid_client, unauthorized_client, a wrong API secret or service key).
 *   The run fails with connectionFaultMessage(); no user is flagged, because
 *   every user would fail the same way and none of them can fix it.
 * - `none`: anything else (rate limits, outages, foreign answers, a 401 that a
 *   refresh did not cure): nothing is concluded about anyone; retried later.
 * Invariant: only `user` ever sets a needs-reconnect flag.
 */
export type Fault = 'user' | 'connection' | 'none';

/** 403 reasons that mean the user's grant was given without a scope we need (Google). */
const MISSING_SCOPE_REASONS = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'missing_scope']);

export function faultOf(error: unknown): Fault {
  if (!isConnectorError(error)) return 'none';
  if (error.kind === 'token-revoked') return 'user';
  if (error.kind === 'misconfigured') return 'connection';
  if (error.kind === 'forbidden' && MISSING_SCOPE_REASONS.has(error.reason ?? '')) return 'user';
  return 'none';
}

/** A user's grant lacks a scope (as opposed to being revoked): the same flag, a different message. */
export function isMissingScope(error: unknown): boolean {
  return isConnectorError(error, 'forbidden') && MISSING_SCOPE_REASONS.has(error.reason ?? '');
}

const SERVICE_LABEL: Record<string, string> = {
  gmail: 'Google',
  'google-drive': 'Google',
  'google-sheets': 'Google',
  dropbox: 'Dropbox',
  cloudinary: 'Cloudinary',
  supabase: 'Supabase',
};

/** The one wording for a run that failed on the admin's connection: what was refused and where to fix it. */
export function connectionFaultMessage(error: ConnectorError, connectionName?: string): string {
  const label = SERVICE_LABEL[error.service] ?? error.service;
  const which = connectionName ? `the ${label} connection “${connectionName}”` : `the ${label} connection`;
  return `${label} refused the credentials of ${which} (${error.reason ?? 'refused'}: ${error.message}). Fix them on the Connections page; no user was marked as needing to reconnect.`;
}

/** Thrown by an engine to fail its run on a connection fault (the run's error message is this message). */
export class ConnectionFaultError extends Error {
  /** The run's error code (run-manager reads `code`). */
  readonly code = 'connection-misconfigured';

  constructor(
    readonly failure: ConnectorError,
    connectionName?: string,
  ) {
    super(connectionFaultMessage(failure, connectionName), { cause: failure });
    this.name = 'ConnectionFaultError';
  }
}
