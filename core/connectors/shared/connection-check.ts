/** What `connections.test` reports: the outcome of one cheap authenticated call. */
export interface ConnectionCheck {
  ok: boolean;
  /** ok, bad-credentials, unreachable, or another typed failure. */
  status: 'ok' | 'bad-credentials' | 'unreachable' | 'missing-database' | 'schema-mismatch' | 'error';
  /** Each problem by name (a missing table or column), when the status is schema-mismatch. */
  problems?: string[];
  /** The service's own message (on failure) or what was checked (on success). */
  message: string;
}
