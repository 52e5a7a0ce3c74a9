/** pg's words for a connection that could not be made in time (pg-pool's and the client's connect timeouts). */
const CONNECT_TIMEOUT = /timeout exceeded when trying to connect|due to connection timeout/i;

/** What a caller is told when the connection went: the driver's words, and what to do. */
export function connectionLostMessage(what: string, error: unknown): string {
  return `${what} could not finish: the database connection was lost or could not be made (${error instanceof Error ? error.message : String(error)}). Try again; a run may have started, so look at Runs first.`;
}

/**
 * Whether a failure is an open database connection going away (PostgreSQL's
 * SQLSTATE classes 08, connection exception, and 57P, operator intervention:
 * terminated, shutdown; or the socket's own errors), not an answer to the
 * statement. A read may be asked again on a new connection; a write may have
 * committed before the connection went. A connect timeout is not one: no
 * connection was open (isUnreachable).
 */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P'))) return true;
  const message = error instanceof Error ? error.message : '';
  if (CONNECT_TIMEOUT.test(message)) return false;
  return /Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE|Client has encountered a connection error/i.test(message);
}

/**
 * The database cannot be reached at all: its connection went (isConnectionLoss) or none could be made in
 * time (a failover to an address that does not answer). Said to callers as 'unavailable', and a waiter keeps
 * polling through it.
 */
export function isUnreachable(error: unknown): boolean {
  return isConnectionLoss(error) || CONNECT_TIMEOUT.test(error instanceof Error ? error.message : '');
}
