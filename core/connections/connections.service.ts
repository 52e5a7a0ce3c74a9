import type { z } from 'zod';
import {
  CONNECTION_CONFIG,
  CONNECTION_SECRETS,
  type Connection,
  type ConnectedAccount,
  type ConnectionCheckResult,
  type ConnectionCreateSchema,
  type ConnectionDeleteResult,
  type ConnectionUpdateSchema,
  requiredSecretsMissing,
} from '../api/connections';
import { ApiError } from '../api/errors';
import type { Clock } from '../base/clock';
import type { ProductDb, ProductDbAccess } from '../appdb/product-db';
import type { Logger } from '../logging/logger';
import { redactString } from '../logging/redact';
import { SecretStoreUnavailable, type SecretStore } from '../secrets/secret-store';
import type { StoredConnection } from '../store/connections.repo';
import type { Store } from '../store/store';
import { isUniqueViolation } from '../store/store-db';
import { ConnectionSecrets, SecretsWriteError, type SecretChanges, type SecretsUndo } from './connection-secrets';
import type { ConnectionSettings, ProbeRegistry } from './probe';
import { productDbAccess } from './product-db-access';
import { warmSdksFor, type WarmupFailure } from './sdk-warmup';
import { checkSecretFields, checkSecretValues, refuseConnectOnlySecrets, validateMapping } from './connection-input-checks';

type CreateInput = z.output<typeof ConnectionCreateSchema>;
type UpdateInput = z.output<typeof ConnectionUpdateSchema>;

/**
 * Connections: settings in the console store, secrets in the SecretStore.
 * What leaves this service never carries a secret value, only `hasSecret`.
 */
export class ConnectionsService implements ProductDbAccess {
  private readonly secrets: ConnectionSecrets;
  private readonly productDb: ProductDbAccess;
  /**
   * Creates, updates and deletes run one at a time: each reads the state, awaits secret
   * writes and then writes the row, and two interleaved at their awaits could put back
   * (or keep) the other's secrets. Reads and tests are not queued.
   */
  private mutations: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      store: Store;
      secrets: SecretStore;
      probes: ProbeRegistry;
      clock: Clock;
      log: Logger;
      /** A host that keeps running loads the SDKs its connections use ahead of their first run (sdk-warmup.ts). */
      warmSdks?: boolean;
    },
  ) {
    this.secrets = new ConnectionSecrets(deps.secrets);
    this.productDb = productDbAccess({ list: () => deps.store.connections.list(), settings: (connection) => this.settings(connection) });
  }

  get secretStoreKind(): SecretStore['kind'] {
    return this.deps.secrets.kind;
  }

  async list(): Promise<Connection[]> {
    return (await this.deps.store.connections.list()).map((c) => this.present(c));
  }

  /**
   * Everything is validated before anything is written. Then the row, then the
   * secrets; a failed secret write removes the row and the secrets written so far.
   */
  create(input: CreateInput): Promise<Connection> {
    return this.serially(async () => this.warmed(await this.createNow(input)));
  }

  update(input: UpdateInput): Promise<Connection> {
    return this.serially(async () => this.warmed(await this.updateNow(input)));
  }

  /** Loads the SDKs of every stored connection now, where this host warms them (at its start). */
  async warmSdks(): Promise<void> {
    if (this.deps.warmSdks) this.reportWarmup(warmSdksFor(await this.deps.store.connections.list()));
  }

  /** Never fails the create or update it follows: the change is saved, and warming only saves time later. */
  private warmed(connection: Connection): Connection {
    if (this.deps.warmSdks) this.reportWarmup(warmSdksFor([connection]));
    return connection;
  }

  private reportWarmup(failures: readonly WarmupFailure[]): void {
    for (const failure of failures) this.deps.log.warn({ kind: failure.kind, error: redactString(failure.message) }, 'an SDK could not be loaded ahead of its first run');
  }

  delete(id: number): Promise<ConnectionDeleteResult> {
    return this.serially(() => this.deleteNow(id));
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.mutations.then(work, work);
    this.mutations = next.catch(() => undefined);
    return next;
  }

  private async createNow(given: CreateInput): Promise<Connection> {
    // A new connection has no connected account: only Connect (setConnectedAccount) writes one.
    const config: Record<string, unknown> = { ...given.config };
    delete config.connectedAccount;
    const input = { ...given, config: config as CreateInput['config'] };
    validateMapping(input.kind, input.config);
    refuseConnectOnlySecrets(Object.keys(input.secrets));
    checkSecretFields(input.kind, Object.keys(input.secrets), !this.secrets.fromEnv);
    checkSecretValues(input.secrets);
    const { connections } = this.deps.store;
    const taken = () => new ApiError('conflict', `A connection named "${input.name}" already exists.`, { field: 'name' });
    if (await connections.findByName(input.name)) throw taken();
    // The check above holds within this process only: another machine on a team store may take the name meanwhile,
    // and the store's UNIQUE name then refuses the insert.
    const orTaken = (error: unknown): never => {
      throw isUniqueViolation(error) ? taken() : error;
    };
    if (this.secrets.fromEnv) {
      await this.assertOwnNameVariable(input.name, undefined);
      // The id is not known yet: only the variable by name, which a headless setup sets beforehand, counts.
      const present = this.secrets.assertEnvSatisfies(input.kind, { id: undefined, name: input.name }, input.secrets);
      const id = await this.deps.store
        .transaction(async (tx) => {
          const inserted = await tx.connections.insert(input.kind, input.name, input.config, this.now());
          await tx.connections.update(inserted, { secretFields: present }, this.now());
          return inserted;
        })
        .catch(orTaken);
      return this.present(await this.mustGet(id));
    }
    const id = await connections.insert(input.kind, input.name, input.config, this.now()).catch(orTaken);
    try {
      const undo = await this.secrets.writeValues({ id, name: input.name }, input.secrets);
      try {
        await connections.update(id, { secretFields: Object.keys(input.secrets) }, this.now());
      } catch (error) {
        throw new SecretsWriteError(error, await undo());
      }
    } catch (error) {
      await connections.delete(id); // nothing half-made stays behind
      throw this.changeFailed(id, error);
    }
    return this.present(await this.mustGet(id));
  }

  /**
   * All or nothing: config, name, secret fields and the fields that would be left are all checked first. Then,
   * in the order that leaves the least behind if the process dies between two steps (docs/secrets.md):
   * 1. the new values are written (each old value kept);
   * 2. the row, in one statement (if that fails, every old value is put back, and what the secret store
   *    refused to take back is logged and named in the error);
   * 3. only then are removed secrets deleted: until the row stops listing a field nothing reads its entry,
   *    and a refused row write has then deleted nothing. One the secret store will not delete is logged.
   */
  private async updateNow(input: UpdateInput): Promise<Connection> {
    const current = await this.mustGet(input.id);
    let config: Record<string, unknown> | undefined;
    if (input.config) {
      const parsed = CONNECTION_CONFIG[current.kind].safeParse(input.config);
      if (!parsed.success) throw new ApiError('invalid-input', parsed.error.issues[0]?.message ?? 'invalid config', { issues: parsed.error.issues });
      config = parsed.data as Record<string, unknown>;
      // The connected account is the OAuth flow's to set (oauth-flows.ts): an edit keeps the stored one, whatever it sends,
      // so the card can never name an account other than the one whose refresh token is stored.
      if (current.config.connectedAccount === undefined) delete config.connectedAccount;
      else config.connectedAccount = current.config.connectedAccount;
      validateMapping(current.kind, config);
    }
    if (input.name && input.name !== current.name && await this.deps.store.connections.findByName(input.name)) {
      throw new ApiError('conflict', `A connection named "${input.name}" already exists.`, { field: 'name' });
    }
    const changes = input.secrets ?? {};
    refuseConnectOnlySecrets(Object.keys(changes));
    checkSecretFields(current.kind, Object.keys(changes), false);
    checkSecretValues(changes);
    const patch = { ...(input.name ? { name: input.name } : {}), ...(config ? { config } : {}) };
    if (this.secrets.fromEnv) {
      if (input.name) await this.assertOwnNameVariable(input.name, current.id);
      const present = this.secrets.assertEnvSatisfies(current.kind, { id: current.id, name: input.name ?? current.name }, changes);
      await this.writeRow(current.id, { ...patch, secretFields: present });
      return this.present(await this.mustGet(current.id));
    }
    const fields = new Set(current.secretFields);
    for (const [field, value] of Object.entries(changes)) {
      if (value === null) fields.delete(field);
      else fields.add(field);
    }
    const missing = requiredSecretsMissing(current.kind, [...fields]);
    if (missing.length) throw new ApiError('invalid-input', `${missing.join(', ')} cannot be removed: the connection needs it.`, { fields: missing });

    await this.changeSecretsAround(current, changes, () => this.writeRow(current.id, { ...patch, secretFields: [...fields] }));
    return this.present(await this.mustGet(current.id));
  }

  /**
   * Steps 1-3 of updateNow around `writeRow`, for every change of a stored connection's secrets (an edit, a
   * Connect or Disconnect).
   */
  private async changeSecretsAround(current: StoredConnection, changes: SecretChanges, writeRow: () => Promise<void>): Promise<void> {
    let undo: SecretsUndo;
    try {
      undo = await this.secrets.writeValues(current, changes);
    } catch (error) {
      throw this.changeFailed(current.id, error);
    }
    try {
      await writeRow();
    } catch (error) {
      throw this.changeFailed(current.id, new SecretsWriteError(error, await undo()));
    }
    const removed = Object.keys(changes).filter((field) => changes[field] === null);
    for (const leftover of await this.secrets.removeAll(current, removed)) {
      // Read by no one (the row no longer lists the field) and overwritten if the field is set again.
      this.deps.log.error({ id: current.id, field: leftover.field, entry: leftover.entry, reason: leftover.reason }, 'a removed secret was left behind in the secret store');
    }
  }

  /**
   * The error a refused secrets change answers with. Secrets the store would not put back are logged and named
   * in it (`unrestoredSecrets`), as connections.delete names `leftoverSecrets`: the keychain then holds a value
   * the connection's row does not describe, and the admin must know which.
   */
  private changeFailed(id: number, error: unknown): ApiError {
    if (!(error instanceof SecretsWriteError)) return toApiError(error);
    const cause = toApiError(error.cause);
    if (error.unrestored.length === 0) return cause;
    for (const left of error.unrestored) this.deps.log.error({ id, field: left.field, entry: left.entry, reason: left.reason }, 'could not put a secret back after a failed change');
    const fields = error.unrestored.map((left) => left.field).join(', ');
    return new ApiError(cause.code, `${cause.message} The secret store would not take back the old ${fields}: it may hold the new value; set it again.`, {
      unrestoredSecrets: error.unrestored,
    });
  }

  /**
   * The row first, in one statement: a store that refuses it leaves the connection and every secret as they
   * were (deleting the secrets first left a listed connection saying hasSecret with its secrets gone). Only
   * then its secrets: one the secret store refuses to delete is logged and named in the answer, never
   * reported as a clean delete. Such a leftover is read by no one (ids are never reused).
   */
  private async deleteNow(id: number): Promise<ConnectionDeleteResult> {
    const current = await this.mustGet(id);
    // Gone meanwhile (another machine on a team store): its secrets are that delete's to remove.
    if (!(await this.deps.store.connections.delete(id))) return { id, deleted: false };
    const leftovers = await this.secrets.removeAll(current, current.secretFields);
    for (const leftover of leftovers) this.deps.log.error({ id, field: leftover.field, entry: leftover.entry, reason: leftover.reason }, 'a deleted connection left a secret behind in the secret store');
    return leftovers.length ? { id, deleted: true, leftoverSecrets: leftovers } : { id, deleted: true };
  }

  /**
   * Connect and Disconnect (core/connections/oauth): the admin's account and
   * its refresh token change together, through the same queue as edits. A
   * failed store write puts the old secret back.
   */
  setConnectedAccount(id: number, account: ConnectedAccount | null, refreshToken: string | null): Promise<Connection> {
    return this.serially(async () => {
      const current = await this.mustGet(id);
      if (this.secrets.fromEnv) {
        throw new ApiError('unavailable', 'Secrets come from the environment here (SYNCWARDEN_SECRETS=env), so a connected account cannot be stored: set its refresh token in the environment instead.');
      }
      const fields = new Set(current.secretFields);
      if (refreshToken === null) fields.delete('refreshToken');
      else fields.add('refreshToken');
      const config: Record<string, unknown> = { ...current.config };
      if (account) config.connectedAccount = account;
      else delete config.connectedAccount;
      await this.changeSecretsAround(current, { refreshToken }, () => this.writeRow(id, { config, secretFields: [...fields] }));
      return this.present(await this.mustGet(id));
    });
  }

  /** A stored connection by id, or not-found. */
  async stored(id: number): Promise<StoredConnection> {
    return await this.mustGet(id);
  }

  async test(id: number): Promise<ConnectionCheckResult> {
    const current = await this.mustGet(id);
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
    await this.deps.store.connections.update(id, { lastCheck: result }, this.now());
    return result;
  }

  /** Config and secret values of a connection, for engines and probes (never for the renderer). */
  async settings(connection: StoredConnection): Promise<ConnectionSettings> {
    const secrets: Record<string, string> = {};
    // With env secrets the environment decides (it may have changed since the connection was saved).
    // Only the fields the kind declares: a field a version no longer declares stays in the store, unread.
    const declared = CONNECTION_SECRETS[connection.kind].map((s) => s.field);
    const fields = this.secrets.fromEnv ? declared : connection.secretFields.filter((field) => declared.includes(field));
    for (const field of fields) {
      const value = await this.secrets.read(connection, field);
      if (value !== null) secrets[field] = value;
    }
    return { config: connection.config, secrets };
  }

  // The product database: one connection, opened the same way by every reader (handlers, scheduler, runs).
  async appDbConnection(): Promise<StoredConnection> {
    return await this.productDb.appDbConnection();
  }

  openAppDb(connection?: StoredConnection): Promise<ProductDb> {
    return this.productDb.openAppDb(connection);
  }

  withAppDb<T>(work: (product: ProductDb) => Promise<T>): Promise<T> {
    return this.productDb.withAppDb(work);
  }

  /** Env mode: no other connection may be looked up under this name's variables, or the two would share secrets. */
  private async assertOwnNameVariable(name: string, selfId: number | undefined): Promise<void> {
    const stem = this.secrets.nameVariableStem(name);
    const other = (await this.deps.store.connections.list()).find((c) => c.id !== selfId && this.secrets.nameVariableStem(c.name) === stem);
    if (other) {
      throw new ApiError(
        'conflict',
        `"${name}" would read its secrets from the same variables as the connection "${other.name}" (${stem}<FIELD>): choose a name that differs in letters or digits.`,
        { field: 'name' },
      );
    }
  }

  /** One UPDATE statement, atomic on its own: the row changes entirely or not at all. */
  private async writeRow(id: number, patch: Parameters<Store['connections']['update']>[1]): Promise<void> {
    await this.deps.store.connections.update(id, patch, this.now()).catch((error: unknown) => {
      // A rename to a name another machine took since the check: the store's UNIQUE name refused it.
      if (patch.name !== undefined && isUniqueViolation(error)) throw new ApiError('conflict', `A connection named "${patch.name}" already exists.`, { field: 'name' });
      throw error;
    });
  }

  private present(connection: StoredConnection): Connection {
    const set = this.secrets.fromEnv ? this.secrets.envFields(connection.kind, connection) : connection.secretFields;
    return present(connection, set);
  }

  private async mustGet(id: number): Promise<StoredConnection> {
    const found = await this.deps.store.connections.get(id);
    if (!found) throw new ApiError('not-found', `There is no connection ${id}.`, { id });
    return found;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

function present(connection: StoredConnection, set: readonly string[]): Connection {
  const secrets = Object.fromEntries(CONNECTION_SECRETS[connection.kind].map(({ field }) => [field, { hasSecret: set.includes(field) }]));
  return { id: connection.id, kind: connection.kind, name: connection.name, config: connection.config, secrets, lastCheck: connection.lastCheck, createdAt: connection.createdAt, updatedAt: connection.updatedAt };
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof SecretStoreUnavailable) return new ApiError('unavailable', error.message);
  return new ApiError('internal', (error as Error).message ?? String(error));
}
