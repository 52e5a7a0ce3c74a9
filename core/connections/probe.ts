import type { ConnectionKind } from '../api/connections';
import type { ConnectionCheck } from '../connectors/shared/connection-check';

/** Resolved settings of one connection: its validated config and its secret values. */
export interface ConnectionSettings {
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** One cheap authenticated call to the service behind a connection. */
export type ConnectionProbe = (settings: ConnectionSettings) => Promise<ConnectionCheck>;

export type ProbeRegistry = Partial<Record<ConnectionKind, ConnectionProbe>>;
