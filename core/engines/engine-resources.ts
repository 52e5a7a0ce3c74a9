import type { ConnectionKind } from '../api/connections';
import type { AuditEntry, Finding, RunState, RunTrigger } from '../api/models';
import type { ConnectionsAccess, ProductDb } from '../appdb/product-db';
import { yieldToEventLoop } from '../base/cooperative';
import type { FindingChange } from '../store/findings.repo';
import type { Store } from '../store/store';

export interface ResolvedConnection {
  id: number;
  name: string;
  kind: ConnectionKind;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

interface RepairSelection {
  findingIds?: readonly number[] | undefined;
  user?: string | undefined;
  all?: boolean | undefined;
}

/**
 * What an engine may reach beyond its own computation, opened lazily and
 * closed when the run ends: the product database, connections with their
 * secrets, its findings for a repair, the audit log and durable state.
 */
export interface EngineResources {
  /** The product database, opened once per run (ConnectionsService.openAppDb) and closed when the run ends. */
  appDb(): Promise<ProductDb>;
  /** The connection of this kind: the only one, or the one named. */
  connection(kind: ConnectionKind, name?: string): Promise<ResolvedConnection>;
  /** The open findings a repair applies to: chosen ids, one user's, or all (refuses an empty choice). */
  findingsForRepair(selection: RepairSelection): Promise<Finding[]>;
  /**
   * The same choice, read in pages of at most `pageSize` (by id, oldest
   * first) with a yield to the event loop before each page: what a repair
   * of thousands of findings uses, so loading them never stalls the host.
   */
  findingsForRepairPages(selection: RepairSelection, options?: { pageSize?: number; signal?: AbortSignal }): AsyncGenerator<Finding[]>;
  setFindingStatus(ids: readonly number[], status: Finding['status']): Promise<void>;
  /** Supersedes these earlier findings of a check, unless a run wrote them since they were read (FindingsRepository.supersedeUnrewritten). */
  supersedeUnrewritten(findings: readonly Pick<Finding, 'id' | 'runId'>[]): Promise<void>;
  /**
   * Sets the status and/or merges into the details of these findings of this
   * engine (a JSON merge-patch: a null removes a key); ids of other engines
   * are left alone. Returns how many changed.
   */
  updateFindings(ids: readonly number[], change: FindingChange): Promise<number>;
  /** This engine's findings about these subjects (e.g. "file:42"), optionally of one status, by id. */
  findingsBySubjects(subjects: readonly string[], status?: Finding['status']): Promise<Finding[]>;
  /** The state of a run of this store (a repair asks whether the run that moved a row is still at work), or undefined. */
  runState(runId: number): Promise<RunState | undefined>;
  /** An earlier audit entry (a revert reads its before-image). */
  auditEntry(id: number): Promise<AuditEntry | undefined>;
  /** This engine's audit entries written by one run, oldest first. */
  auditOfRun(runId: number): Promise<AuditEntry[]>;
  /** One audit entry, attributed to who started the run. */
  audit(entry: { action: string; subject: string; before: unknown; after: unknown }): Promise<void>;
  state: {
    get<T>(key: string): Promise<T | undefined>;
    set(key: string, value: unknown): Promise<void>;
    /** Several keys in one commit. */
    setMany(entries: readonly (readonly [string, unknown])[]): Promise<void>;
    delete(key: string): Promise<void>;
  };
}

export interface EngineResourcesDeps {
  store: Store;
  connections: ConnectionsAccess;
  engine: string;
  runId: number;
  trigger: RunTrigger;
  // Structurally the engine's Clock: this file is imported by engine.ts, so it does not import it back.
  clock: { now(): Date };
  /** The run's signal: once it aborts, product-database queries that do not answer are cut (CANCEL_GRACE_MS). */
  signal?: AbortSignal;
}

/**
 * How long a cancelled run's product-database queries may still answer before their connections are closed.
 * An engine checks its signal between queries, so a query that answers within this ends as the engine planned
 * (a repair whose UPDATE landed still writes its audit entry). One that does not (a PostgreSQL that completed
 * the handshake and then stopped answering) would otherwise keep the run `running`, and its scope blocked, for
 * ever: closing the adapter fails it, and the run ends `cancelled`. The PostgreSQL adapter's close() cancels the
 * statement on the server before it drops the socket, so a COMMIT waiting on a lock rolls back rather than
 * landing after the engine was told it failed; one whose outcome stays unknown says so
 * (ProductDbCommitUnknownError). SQLite answers synchronously, so a SQLite
 * engine always reaches its next signal check: its database is left alone.
 */
const CANCEL_GRACE_MS = 2_000;

/** Findings per page of findingsForRepairPages: a page loads and parses in a few milliseconds. */
const REPAIR_PAGE = 500;

/** No connection of a kind exists at all (not one that is ambiguous, misnamed or incomplete: those are misconfigured). */
export class NoConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoConnectionError';
  }
}

export function createEngineResources(deps: EngineResourcesDeps): EngineResources & { dispose(): Promise<void> } {
  const { store, engine } = deps;
  const now = () => deps.clock.now().toISOString();
  // Chosen ids may belong to another engine or be resolved already: only this engine's open ones are repaired.
  const repairable = (finding: Finding) => finding.engine === engine && finding.status === 'open';
  let appDb: Promise<ProductDb> | undefined;
  let closing: Promise<void> | undefined;
  let cut: NodeJS.Timeout | undefined;
  let disarm: (() => void) | undefined;
  const closeAppDb = (product: ProductDb): Promise<void> => (closing ??= product.db.close());
  const cutOnAbort = (product: ProductDb): void => {
    const { signal } = deps;
    if (!signal || product.db.dialect !== 'postgres') return;
    const arm = () => {
      cut = setTimeout(() => void closeAppDb(product).catch(() => undefined), CANCEL_GRACE_MS);
    };
    if (signal.aborted) return arm();
    signal.addEventListener('abort', arm, { once: true });
    disarm = () => signal.removeEventListener('abort', arm);
  };

  const connection = async (kind: ConnectionKind, name?: string): Promise<ResolvedConnection> => {
    const candidates = (await store.connections.list()).filter((c) => c.kind === kind && (name === undefined || c.name === name));
    if (candidates.length === 0) {
      if (name) throw new Error(`There is no ${kind} connection named "${name}".`);
      throw new NoConnectionError(`No ${kind} connection is set up: add one on the Connections page.`);
    }
    if (candidates.length > 1) throw new Error(`There are ${candidates.length} ${kind} connections: choose one by name (${candidates.map((c) => c.name).join(', ')}).`);
    const chosen = candidates[0] as (typeof candidates)[number];
    const { config, secrets } = await deps.connections.settings(chosen);
    return { id: chosen.id, name: chosen.name, kind, config, secrets };
  };

  return {
    connection,
    appDb() {
      appDb ??= deps.connections.openAppDb().then((product) => {
        cutOnAbort(product);
        return product;
      });
      return appDb;
    },
    async findingsForRepair(selection) {
      requireChoice(selection);
      if (selection.findingIds?.length) return (await store.findings.byIds(selection.findingIds)).filter(repairable);
      return await store.findings.open(engine, selection.user || undefined);
    },
    async *findingsForRepairPages(selection, options = {}) {
      const pageSize = options.pageSize ?? REPAIR_PAGE;
      const ids = selection.findingIds;
      if (ids?.length) {
        for (let at = 0; at < ids.length; at += pageSize) {
          await yieldToEventLoop();
          options.signal?.throwIfAborted();
          yield (await store.findings.byIds(ids.slice(at, at + pageSize))).filter(repairable);
        }
        return;
      }
      requireChoice(selection);
      for (let afterId = 0; ; ) {
        await yieldToEventLoop();
        options.signal?.throwIfAborted();
        const page = await store.findings.openPage(engine, selection.user || undefined, afterId, pageSize);
        if (page.length === 0) return;
        yield page;
        afterId = page[page.length - 1]!.id;
      }
    },
    // A finding this run wrote is never superseded by it: one open finding per subject means a finding this run
    // found again was updated in place (same id, now this run's), so "supersede the earlier ids" must skip it.
    setFindingStatus: async (ids, status) => (status === 'superseded' ? await store.findings.supersedeIds(ids, deps.runId, now()) : await store.findings.setStatus(ids, status, now())),
    supersedeUnrewritten: (findings) => store.findings.supersedeUnrewritten(findings, now()),
    updateFindings: (ids, change) => store.findings.update(ids, change, now(), engine),
    findingsBySubjects: (subjects, status) => store.findings.bySubjects(engine, subjects, status),
    runState: async (id) => (await store.runs.get(id))?.state,
    auditEntry: (id) => store.audit.get(id),
    auditOfRun: async (runId) => (await store.audit.byRun(runId)).filter((entry) => entry.engine === engine),
    audit: async (entry) => {
      await store.audit.append({ at: now(), actor: deps.trigger, engine, runId: deps.runId, ...entry });
    },
    state: {
      get: (key) => store.engineState.get(engine, key),
      set: (key, value) => store.engineState.set(engine, key, value, now()),
      setMany: (entries) => store.engineState.setMany(engine, entries, now()),
      delete: (key) => store.engineState.delete(engine, key),
    },
    async dispose() {
      clearTimeout(cut);
      disarm?.();
      const product = await appDb?.catch(() => undefined);
      if (product) await closeAppDb(product);
    },
  };
}

function requireChoice(selection: RepairSelection): void {
  if (!selection.findingIds?.length && !selection.user && !selection.all) throw new Error('Choose what to repair: finding ids, one user, or all.');
}
