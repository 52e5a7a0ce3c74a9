import type { z } from 'zod';
import {
  CONNECTION_CONFIG,
  CONNECTION_SECRETS,
  type Connection,
  type ConnectionCheckResult,
  type ConnectionCreateSchema,
  type ConnectionKind,
  type ConnectionUpdateSchema,
} from '../api/connections';
import { ApiError } from '../api/errors';
import { InvalidMappingError, resolveMapping } from '../appdb/mapping';
import type { Clock } from '../engines/engine';
import type { Logger } from '../logging/logger';
import { redactString } from '../logging/redact';
import { connectionSecretKey, SecretStoreUnavailable, type SecretStore } from '../secrets/secret-store';
import type { StoredConnection } from '../store/connections.repo';
import type { Store } from '../store/store';
import type { ConnectionSettings, ProbeRegistry } from './probe';

type CreateInput = z.output<typeof ConnectionCreateSchema>;
type UpdateInput = z.output<typeof ConnectionUpdateSchema>;

/**
 * Connections: settings in the console store, secrets in the SecretStore.
 * What leaves this service never carries a secret value, only `hasSecret`.
 */
export class ConnectionsService {
  constructor(
    private readonly deps: { store: Store; secrets: SecretStore; probes: ProbeRegistry; clock: Clock; log: Logger },
  ) {}

  list(): Connection[] {
    return this.deps.store.connections.list().map(present);
  }

  async create(input: CreateInput): Promise<Connection> {
    validateMapping(input.kind, input.config);
    checkSecretFields(input.kind, Object.keys(input.secrets), true);
    const { connections } = this.deps.store;
    if (connections.findByName(input.name)) throw new ApiError('conflict', `A connection named "${input.name}" already exists.`, { field: 'name' });
    const id = connections.insert(input.kind, input.name, input.config, this.now());
    try {
      await this.writeSecrets(id, input.secrets);
    } catch (error) {
      connections.delete(id); // nothing half-made stays behind
      throw toApiError(error);
    }
    connections.update(id, { secretFields: Object.keys(input.secrets) }, this.now());
    return present(this.mustGet(id));
  }

  async update(input: UpdateInput): Promise<Connection> {
    const current = this.mustGet(input.id);
    let config: Record<string, unknown> | undefined;
    if (input.config) {
      const parsed = CONNECTION_CONFIG[current.kind].safeParse(input.config);
      if (!parsed.success) throw new ApiError('invalid-input', parsed.error.issues[0]?.message ?? 'invalid config', { issues: parsed.error.issues });
      config = parsed.data as Record<string, unknown>;
      validateMapping(current.kind, config);
    }
    if (input.name && input.name !== current.name && this.deps.store.connections.findByName(input.name)) {
      throw new ApiError('conflict', `A connection named "${input.name}" already exists.`, { field: 'name' });
    }
    const secrets = input.secrets ?? {};
    checkSecretFields(current.kind, Object.keys(secrets), false);
    const fields = new Set(current.secretFields);
    try {
      for (const [field, value] of Object.entries(secrets)) {
        if (value === null) {
          await this.deps.secrets.delete(connectionSecretKey(current.id, field));
          fields.delete(field);
        } else {
          await this.deps.secrets.set(connectionSecretKey(current.id, field), value);
          fields.add(field);
        }
      }
    } catch (error) {
      throw toApiError(error);
    }
    const missing = CONNECTION_SECRETS[current.kind].filter((s) => s.required && !fields.has(s.field)).map((s) => s.field);
    if (missing.length) throw new ApiError('invalid-input', `${missing.join(', ')} cannot be removed: the connection needs it.`, { fields: missing });
    this.deps.store.connections.update(current.id, { ...(input.name ? { name: input.name } : {}), ...(config ? { config } : {}), secretFields: [...fields] }, this.now());
    return present(this.mustGet(current.id));
  }

  async delete(id: number): Promise<{ id: number; deleted: boolean }> {
    const current = this.mustGet(id);
    for (const field of current.secretFields) {
      await this.deps.secrets.delete(connectionSecretKey(id, field)).catch((error: unknown) => this.deps.log.warn({ err: error, id, field }, 'could not delete a secret'));
    }
    return { id, deleted: this.deps.store.connections.delete(id) };
  }

  async test(id: number): Promise<ConnectionCheckResult> {
    const current = this.mustGet(id);
    const probe = this.deps.probes[current.kind];
    let result: ConnectionCheckResult;
    if (!probe) {
      result = { ok: false, status: 'error', message: `Testing ${current.kind} connections is not available in this build.`, at: this.now() };
    } else {
      try {
        const check = await probe(await this.settings(current));
        // A service's message may echo a URL or a key: it is redacted before it is stored or shown.
        result = { ...check, message: redactString(check.message), at: this.now() };
      } catch (error) {
        const apiError = toApiError(error);
        this.deps.log.warn({ err: error, id }, 'connection test failed');
        result = { ok: false, status: 'error', message: redactString(apiError.message), at: this.now() };
      }
    }
    this.deps.store.connections.update(id, { lastCheck: result }, this.now());
    return result;
  }

  /** Config and secret values of a connection, for engines and probes (never for the renderer). */
  async settings(connection: StoredConnection): Promise<ConnectionSettings> {
    const secrets: Record<string, string> = {};
    for (const field of connection.secretFields) {
      const value = await this.deps.secrets.get(connectionSecretKey(connection.id, field));
      if (value !== null) secrets[field] = value;
    }
    return { config: connection.config, secrets };
  }

  private async writeSecrets(id: number, secrets: Record<string, string>): Promise<void> {
    for (const [field, value] of Object.entries(secrets)) await this.deps.secrets.set(connectionSecretKey(id, field), value);
  }

  private mustGet(id: number): StoredConnection {
    const found = this.deps.store.connections.get(id);
    if (!found) throw new ApiError('not-found', `There is no connection ${id}.`, { id });
    return found;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

function present(connection: StoredConnection): Connection {
  const secrets = Object.fromEntries(
    CONNECTION_SECRETS[connection.kind].map(({ field }) => [field, { hasSecret: connection.secretFields.includes(field) }]),
  );
  return { id: connection.id, kind: connection.kind, name: connection.name, config: connection.config, secrets, lastCheck: connection.lastCheck, createdAt: connection.createdAt, updatedAt: connection.updatedAt };
}

function checkSecretFields(kind: ConnectionKind, given: string[], creating: boolean): void {
  const known = CONNECTION_SECRETS[kind];
  const unknown = given.filter((field) => !known.some((s) => s.field === field));
  if (unknown.length) throw new ApiError('invalid-input', `${kind} connections have no secret ${unknown.join(', ')}.`, { fields: unknown });
  const missing = creating ? known.filter((s) => s.required && !given.includes(s.field)).map((s) => s.field) : [];
  if (missing.length) throw new ApiError('invalid-input', `Required: ${missing.join(', ')}.`, { fields: missing });
}

function validateMapping(kind: ConnectionKind, config: Record<string, unknown>): void {
  if (kind !== 'appdb') return;
  try {
    resolveMapping(config.mapping ?? {});
  } catch (error) {
    if (error instanceof InvalidMappingError) throw new ApiError('invalid-input', error.message, { problems: error.problems });
    throw error;
  }
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof SecretStoreUnavailable) return new ApiError('unavailable', error.message);
  return new ApiError('internal', (error as Error).message ?? String(error));
}
