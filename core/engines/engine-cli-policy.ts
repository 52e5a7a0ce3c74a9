import type { MethodName } from '../api/names';
import type { MethodOutput } from '../api/contract';
import type { AuditEntry } from '../api/models';
import type { Store } from '../store/store';

/** The CLI part of an engine descriptor (engine-policies.ts, section CLI). */

/** A contract call from the CLI, unwrapped: a refused call throws (and becomes the command's exit code). */
export type ContractCaller = <M extends MethodName>(method: M, input: Record<string, unknown>) => Promise<MethodOutput<M>>;

/** An option of the generic engine commands that only some engines take (`--provider`). */
export interface EngineCliOption {
  /** As commander spells it: `--provider <provider>`. */
  flags: string;
  /** One line of help; the CLI prefixes the ids of the engines that take it. */
  description: string;
  /**
   * The params its value becomes; may read the console store (a sheet source
   * by id). A value it cannot use throws, and the CLI says so as a usage error.
   */
  params(value: string | boolean, context: { store: Store }): Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * What `--user` becomes in this engine's `user` param. The CLI resolves the
 * value (a user id or an email) against the product database's users table
 * once, whatever the engine, and hands over the form the engine wants.
 */
export interface EngineCliUser {
  as: 'id' | 'email';
  /**
   * An email the users table does not know still names a user of this engine
   * (identity: a user only in Supabase Auth): it is handed over as given
   * instead of being refused as unknown.
   */
  foreignEmails?: boolean;
}

/** What a repair would do, stated before it runs (DESIGN §4.4). */
export interface RepairPreview {
  /** In words: "ban 1 user in Supabase Auth (…)". */
  summary: string;
  /** How many of its changes are destructive: more than 0 needs --yes. */
  destructive: number;
  /** How many findings it applies. */
  total: number;
  /** The params that record the admin's confirmation, added once --yes gave it. */
  confirmed: Record<string, unknown>;
}

/** An engine whose audit entries `syncwarden revert` undoes. */
export interface EngineCliRevert {
  /** Where the undo happens, said before it runs ("on both sides"). */
  where: string;
  /** Whether this audit entry of the engine is a change a revert undoes (a revert's own entries are not). */
  undoes(entry: AuditEntry): boolean;
  /** The params of the run that undoes every revertible change of one run, or one audit entry. */
  params(target: { runId: number } | { auditId: number }): Record<string, unknown>;
  /** The lines under the revert run's head: what it undid and what is left. */
  describe(result: Readonly<Record<string, unknown>>): string[];
}

/**
 * The CLI's knowledge of this engine (core/cli/commands/engine.command.ts and
 * revert.command.ts). An engine without this part is offered every generic
 * command, takes no --user and no engine options; its params schema decides.
 */
export interface EngineCliPolicy {
  /** The commands (`check`, `repair`, `validate`, `import`) this engine answers. */
  commands: readonly string[];
  /** Absent: the engine takes no --user. */
  user?: EngineCliUser;
  /** Options only this engine (and any other declaring the same flags) takes. */
  options?: readonly EngineCliOption[];
  /** A repair that must name its effect and destructive count before it runs (and then needs --yes). */
  confirmRepair?(call: ContractCaller, params: Readonly<Record<string, unknown>>): Promise<RepairPreview>;
  /** `syncwarden revert` undoes this engine's changes. */
  revert?: EngineCliRevert;
  /**
   * The lines under a finished run's head, when the result's own field names would mislead a reader
   * (mail-import's `imported` counts messages, its `outcomes.imported` users). Null: the CLI prints
   * the result's fields as they are.
   */
  describeResult?(result: Readonly<Record<string, unknown>>): string[] | null;
}
