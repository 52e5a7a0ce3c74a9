import { CONNECTION_SECRETS, type ConnectionKind } from '../api/connections';
import { ApiError } from '../api/errors';
import { EnvSecretStore } from '../secrets/env.secret-store';
import { connectionNameSecretKey, connectionSecretKey, type SecretStore } from '../secrets/secret-store';

interface Named {
  id: number;
  name: string;
}

/** A connection about to be created: no id yet, so only its name can key a secret. */
interface Unsaved {
  id: undefined;
  name: string;
}

/** A value sets the secret, null removes it (connections.update's `secrets`). */
export type SecretChanges = Record<string, string | null>;

/**
 * The secrets of connections, over whichever SecretStore is in use.
 *
 * Keychain (and memory): `connection/<id>/<field>`, written by create/update,
 * all-or-nothing: `apply` remembers each old value and puts it back if a later
 * write (or the caller's store write) fails.
 *
 * Environment (SYNCWARDEN_SECRETS=env), read-only: a secret is read from
 * SYNCWARDEN_SECRET_CONNECTION_<ID>_<FIELD>, else SYNCWARDEN_SECRET_NAME_<NAME>_<FIELD>.
 * The name form exists because an id is only known after the connection is
 * created: a headless server sets the variable first, then adds the connection
 * without a value. hasSecret is what the environment holds now.
 */
export class ConnectionSecrets {
  constructor(private readonly store: SecretStore) {}

  get fromEnv(): boolean {
    return this.store.kind === 'env';
  }

  /**
   * The keys a secret is looked up under, most specific first. Before the connection exists (no id) only
   * its name keys a secret: the check of a create and every later lookup then agree, and a refusal never
   * names a variable (an id 0) that no connection would read.
   */
  keys(connection: Named | Unsaved, field: string): string[] {
    const byName = connectionNameSecretKey(connection.name, field);
    if (connection.id === undefined) return this.fromEnv ? [byName] : [];
    const byId = connectionSecretKey(connection.id, field);
    return this.fromEnv ? [byId, byName] : [byId];
  }

  /** The environment variables a headless setup may set for this field (for messages and docs). */
  variables(connection: Named | Unsaved, field: string): string[] {
    return this.keys(connection, field).map(EnvSecretStore.variableFor);
  }

  async read(connection: Named, field: string): Promise<string | null> {
    for (const key of this.keys(connection, field)) {
      const value = await this.store.get(key);
      if (value !== null && value !== '') return value;
    }
    return null;
  }

  /**
   * Env mode: the variable stem a name is looked up under (SYNCWARDEN_SECRET_NAME_<NAME>_). Names the store
   * keeps apart ("Prod DB", "prod-db") can share it, and would then share every secret.
   */
  nameVariableStem(name: string): string {
    // A one-letter field keeps the run boundary after the name exactly as a real field does.
    return EnvSecretStore.variableFor(connectionNameSecretKey(name, 'x')).slice(0, -1);
  }

  /** Env mode only: which secret fields of this kind the environment provides right now. */
  envFields(kind: ConnectionKind, connection: Named | Unsaved): string[] {
    if (!(this.store instanceof EnvSecretStore)) return [];
    const env = this.store;
    return CONNECTION_SECRETS[kind].filter(({ field }) => this.keys(connection, field).some((key) => env.has(key))).map((s) => s.field);
  }

  /**
   * Env mode: values cannot be written, so a create or update that carries any is refused with
   * the variable to set instead; a required field the environment lacks is refused the same way.
   */
  assertEnvSatisfies(kind: ConnectionKind, connection: Named | Unsaved, changes: SecretChanges): string[] {
    const given = Object.keys(changes);
    if (given.length) {
      const hint = given.map((field) => this.variables(connection, field).at(-1)).join(', ');
      throw new ApiError(
        'invalid-input',
        `Secrets come from the environment here (SYNCWARDEN_SECRETS=env) and cannot be saved: leave ${given.join(', ')} empty, set ${hint} in Syncwarden's environment and restart it.`,
        { fields: given },
      );
    }
    const present = this.envFields(kind, connection);
    const missing = CONNECTION_SECRETS[kind].filter((s) => s.required && !present.includes(s.field)).map((s) => s.field);
    if (missing.length) {
      const hint = missing.map((field) => this.variables(connection, field).join(' or ')).join('; ');
      throw new ApiError('invalid-input', `Required: ${missing.join(', ')}. Secrets come from the environment here (SYNCWARDEN_SECRETS=env): set ${hint} and restart Syncwarden.`, {
        fields: missing,
      });
    }
    return present;
  }

  /**
   * After the connection's row is gone (connections.delete): deletes each field's secret, going on past a
   * failure, and returns what could not be deleted, with the store's reason.
   * Env mode keeps nothing, so nothing is left.
   */
  async removeAll(connection: Named, fields: readonly string[]): Promise<{ field: string; entry: string; reason: string }[]> {
    if (this.fromEnv) return [];
    const left: { field: string; entry: string; reason: string }[] = [];
    for (const field of fields) {
      const entry = connectionSecretKey(connection.id, field);
      await this.store.delete(entry).catch((error: unknown) => left.push({ field, entry, reason: error instanceof Error ? error.message : String(error) }));
    }
    return left;
  }

  /**
   * Writes the changes (keychain/memory) and returns an undo that restores every
   * old value. If a write fails midway, what was already written is undone
   * before the error is thrown, so the SecretStore holds exactly what it did.
   */
  async apply(connection: Named, changes: SecretChanges): Promise<() => Promise<void>> {
    const done: { key: string; old: string | null }[] = [];
    const undo = async () => {
      for (const { key, old } of done.reverse()) {
        if (old === null) await this.store.delete(key);
        else await this.store.set(key, old);
      }
    };
    try {
      for (const [field, value] of Object.entries(changes)) {
        const key = connectionSecretKey(connection.id, field);
        const old = await this.store.get(key);
        done.push({ key, old });
        if (value === null) await this.store.delete(key);
        else await this.store.set(key, value);
      }
    } catch (error) {
      await undo().catch(() => undefined);
      throw error;
    }
    return undo;
  }
}
