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

/** A secret the secret store would not change as asked: its field, its entry in the store, and the store's reason. */
export interface SecretLeftover {
  field: string;
  entry: string;
  reason: string;
}

/** Puts back the old value of every secret `writeValues` wrote; resolves with those it could not put back. */
export type SecretsUndo = () => Promise<SecretLeftover[]>;

/**
 * A write of new values failed midway: what was written before it was put back, except `unrestored`, which the
 * secret store refused to put back (each tried; none skipped because an earlier one failed).
 */
export class SecretsWriteError extends Error {
  constructor(
    cause: unknown,
    readonly unrestored: SecretLeftover[],
  ) {
    super(reasonOf(cause), { cause });
    this.name = 'SecretsWriteError';
  }
}

/**
 * The secrets of connections, over whichever SecretStore is in use.
 *
 * Keychain (and memory): `connection/<id>/<field>`, written by create/update:
 * `writeValues` remembers each old value and puts every one back it can if a
 * later write (or the caller's store write) fails; removals wait until the row
 * no longer lists the field (`removeAll`).
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
  async removeAll(connection: Named, fields: readonly string[]): Promise<SecretLeftover[]> {
    if (this.fromEnv) return [];
    const left: SecretLeftover[] = [];
    for (const field of fields) {
      const entry = connectionSecretKey(connection.id, field);
      await this.store.delete(entry).catch((error: unknown) => left.push({ field, entry, reason: reasonOf(error) }));
    }
    return left;
  }

  /**
   * Writes the new values of `changes` (keychain/memory; its removals are the caller's, after the row: see
   * connections.service.ts updateNow) and returns an undo that restores every old value. If a write fails
   * midway, what was already written is put back before SecretsWriteError is thrown, so the SecretStore holds
   * what it did, except what it refused to take back, which the error names.
   */
  async writeValues(connection: Named, changes: SecretChanges): Promise<SecretsUndo> {
    const done: { field: string; key: string; old: string | null }[] = [];
    // Every step is tried, newest first, whatever the one before did: a locked keychain refusing one put-back
    // must not leave the others changed too. What it refused is said, never swallowed.
    const undo: SecretsUndo = async () => {
      const unrestored: SecretLeftover[] = [];
      for (const { field, key, old } of [...done].reverse()) {
        try {
          if (old === null) await this.store.delete(key);
          else await this.store.set(key, old);
        } catch (error) {
          unrestored.push({ field, entry: key, reason: reasonOf(error) });
        }
      }
      return unrestored;
    };
    try {
      for (const [field, value] of Object.entries(changes)) {
        if (value === null) continue;
        const key = connectionSecretKey(connection.id, field);
        const old = await this.store.get(key);
        done.push({ field, key, old });
        await this.store.set(key, value);
      }
    } catch (error) {
      throw new SecretsWriteError(error, await undo());
    }
    return undo;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
