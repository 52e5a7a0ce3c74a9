import { ApiError } from '../api/errors';
import type { Run, RunTrigger } from '../api/models';
import type { EventHub } from '../base/event-hub';
import type { ConnectionsService } from '../connections/connections.service';
import { isConnectorError } from '../connectors/shared/connector-error';
import { ConnectionFaultError } from '../connectors/shared/fault';
import type { Clock } from '../base/clock';
import { supersedesFindings, type AnyEngine, type EngineRegistry } from '../engines/engine';
import { createEngineResources } from '../engines/engine-resources';
import { checkResult, modeOf, scheduleRefusal } from '../engines/result-check';
import type { Logger } from '../logging/logger';
import { isUnreachable } from '../store/connection-loss';
import { isRunOwnershipLost } from '../store/run-ownership';
import type { Store, StoreRepositories } from '../store/store';
import { ApiCallCounter } from './api-calls';
import { BufferedFindingSink } from './finding-sink';
import { BufferedItemLog } from './item-log';
import { ProgressTracker } from './progress';
import { LocalClaims, type Claim } from './local-claims';
import { recoverInterruptedRuns, recoverRunIfOwnerGone, type RecoveryOptions } from './recovery';
import { createRunOwner, leaseTiming, type LeaseTiming, type RunOwner } from './run-owner';
import { isTerminal, statesBefore } from './state-machine';

/** How long a queued team-mode run may wait for a worker before a sweep may end it (pg-boss keeps a waiting job 14 days). */
const QUEUED_RUN_LEASE_MS = 14 * 24 * 3_600_000;
/** How long a waiter keeps polling a store it cannot reach (a failover, a restart) before it gives up. */
const WAIT_STORE_LOSS_MS = 30_000;

/** The owner id of a team-mode run that waits in the job queue for a worker (owner host `queue`). */
function queueOwnerId(engine: string): string {
  return `queue:${engine}`;
}

export interface RunManagerDeps {
  store: Store;
  engines: EngineRegistry;
  events: EventHub;
  log: Logger;
  clock: Clock;
  connections: ConnectionsService;
  pid?: number;
  /** This process instance; default: a fresh one (run-owner.ts). */
  owner?: RunOwner;
  /** How often active runs renew their lease, look for cancel requests and sweep dead owners' runs. */
  heartbeatMs?: number;
  /** How long a lease lasts without renewal before any process may interrupt the run. */
  leaseMs?: number;
  /** How often a waiter polls the store for a run owned by another process. */
  waitPollMs?: number;
  progressIntervalMs?: number;
  isProcessAlive?: (pid: number) => boolean;
  /**
   * Team mode: set when the store is shared through a job queue. Every start
   * (console, CLI, schedule) then queues the run for a worker instead of
   * executing it in this process (startInQueue).
   */
  teamQueue?: (run: { runId: number; engine: string; scope: string }) => Promise<void | { notice?: string }>;
}

interface ActiveRun {
  controller: AbortController;
  /** Settles when the run's work is over; never rejects (a run that could not be finished is left to the sweep). */
  done: Promise<void>;
}

/**
 * Starts, tracks and finishes runs. Single flight per (engine, scope) is held
 * by the store's unique index, so it also holds between processes.
 */
export class RunManager {
  private readonly active = new Map<number, ActiveRun>();
  /**
   * Runs the store names this process's that are not in `active` yet: a start between its INSERT and `active`,
   * a team-mode adoption between adoptQueued and runAdopted. They count as local to this process's sweeps
   * (local-claims.ts), so no sweep of this process interrupts a run it is starting.
   */
  private readonly claims: LocalClaims;
  private readonly heartbeat: NodeJS.Timeout;
  readonly owner: RunOwner;
  readonly lease: LeaseTiming;

  constructor(private readonly deps: RunManagerDeps) {
    this.owner = deps.owner ?? createRunOwner(deps.pid ?? process.pid);
    this.lease = leaseTiming(deps.heartbeatMs, deps.leaseMs);
    this.claims = new LocalClaims(() => deps.clock.now().getTime(), this.lease.leaseMs);
    // Every process with a RunManager (desktop, serve, daemon, a waiting CLI) sweeps on this beat, so a
    // dead owner's run is interrupted within a lease even when no store is opened again. unref: a
    // one-shot CLI command is not kept alive by it.
    // beat() catches what fails in it: nothing rejects from the timer.
    this.heartbeat = setInterval(() => void this.beat(), this.lease.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Interrupts the active runs whose owner is gone; returns their ids. */
  async sweep(): Promise<number[]> {
    return await recoverInterruptedRuns(this.deps.store, await this.recoveryOptions());
  }

  /**
   * The engine and its parsed parameters, or the API error a caller sees (one rule for local and queued starts).
   * A scheduled start of a mode only a person starts (a revert) is refused here too, not only when the schedule
   * was saved: a schedule stored before that rule, or edited in the store, never fires one.
   */
  private validated(engineId: string, rawParams: Record<string, unknown>, trigger: RunTrigger): { engine: AnyEngine; params: Record<string, unknown> } {
    const engine = this.deps.engines.get(engineId);
    if (!engine) throw new ApiError('not-found', `There is no engine "${engineId}".`, { engine: engineId });
    const parsed = engine.params.safeParse(rawParams);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? `${first.path.join('.')}: ` : '';
      throw new ApiError('invalid-input', `Invalid parameters for ${engine.title}: ${where}${first?.message ?? 'invalid'}.`, { issues: parsed.error.issues });
    }
    const byHand = trigger === 'schedule' ? scheduleRefusal(engine, parsed.data) : undefined;
    if (byHand) throw new ApiError('invalid-input', `A schedule cannot start this run: ${byHand}.`, { issues: [{ path: ['mode'], code: 'custom', message: byHand }] });
    return { engine, params: parsed.data };
  }

  async start(engineId: string, rawParams: Record<string, unknown>, trigger: RunTrigger): Promise<{ runId: number; alreadyRunning: boolean; notice?: string }> {
    if (this.deps.teamQueue) return this.startInQueue(engineId, rawParams, trigger, this.deps.teamQueue);
    const { engine, params } = this.validated(engineId, rawParams, trigger);
    // Claimed before the INSERT names this process the owner, released once the run is in `active` (or on any
    // throw): a beat's sweep in between must not take the new run for one this process lost track of.
    const claim = this.claims.take();
    try {
      return await this.startClaimed(engine, params, trigger, claim);
    } finally {
      claim.release();
    }
  }

  private async startClaimed(engine: AnyEngine, params: Record<string, unknown>, trigger: RunTrigger, claim: Claim): Promise<{ runId: number; alreadyRunning: boolean }> {
    const { id, alreadyRunning } = await this.deps.store.runs.insertQueued({
      engine: engine.id,
      scope: engine.scopeOf(params),
      trigger,
      params,
      ownerPid: this.owner.pid,
      ownerId: this.owner.id,
      ownerHost: this.owner.host,
      leaseExpiresAt: this.leaseExpiry(await this.leaseNow()),
      now: this.nowIso(),
    });
    if (alreadyRunning) return { runId: id, alreadyRunning };
    claim.name(id);

    await this.deps.store.runEvents.append(id, 'state', `queued by ${trigger}`, this.nowIso());
    await this.emitRun('run.started', id);
    const controller = new AbortController();
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.execute(id, engine, params, trigger, controller))
      .then(
        () => undefined,
        (error: unknown) => {
          // The store refused the run's own bookkeeping (busy past its timeout, closed). Nobody awaits this
          // promise's error, so an unhandled rejection would take the host down; instead the run leaves
          // `active`, and the next beat's sweep marks it interrupted (own run, no longer local).
          this.deps.log.error({ err: error, runId: id }, 'could not finish a run; it will be marked interrupted');
        },
      );
    this.active.set(id, { controller, done });
    void done.finally(() => this.active.delete(id));
    return { runId: id, alreadyRunning: false };
  }

  async cancel(id: number): Promise<{ id: number; state: Run['state']; cancelRequested: boolean }> {
    const local = this.active.get(id);
    if (local) {
      // A run of this process stops at once, before the store is read: the engine must not go on past this point.
      const seen = this.deps.store.runs.get(id);
      local.controller.abort(new ApiError('conflict', 'Cancelled by request.'));
      const run = await seen;
      if (!run) throw new ApiError('not-found', `There is no run ${id}.`, { id });
      return { id, state: run.state, cancelRequested: true };
    }
    const run = await this.deps.store.runs.get(id);
    if (!run) throw new ApiError('not-found', `There is no run ${id}.`, { id });
    // Owned by a process that is gone: nobody would pick a request up, so the run ends now.
    if (await recoverRunIfOwnerGone(this.deps.store, id, await this.recoveryOptions())) {
      const ended = await this.emitRun('run.finished', id);
      return { id, state: ended.state, cancelRequested: false };
    }
    // Owned by another live process: leave a request its heartbeat will pick up.
    const requested = await this.deps.store.runs.requestCancel(id, this.nowIso());
    return { id, state: run.state, cancelRequested: requested };
  }

  /**
   * Resolves when the run has ended. A run of another process is polled in the
   * store (sweeping as it goes, so a waiter never waits on a dead owner for
   * longer than its lease); `undefined` when there is no such run.
   */
  async waitFor(id: number, options: { signal?: AbortSignal } = {}): Promise<Run | undefined> {
    await this.active.get(id)?.done;
    const pollMs = this.deps.waitPollMs ?? 250;
    let lostSince: number | null = null;
    for (;;) {
      let pause = true;
      // The loss is counted from the start of the poll that met it: a connect timeout spends seconds before it says so.
      const pollStarted = Date.now();
      try {
        const run = await this.deps.store.runs.get(id);
        if (!run || isTerminal(run.state) || options.signal?.aborted) return run;
        const local = this.active.get(id);
        if (local) {
          await local.done;
          pause = false;
        } else await this.sweep();
        lostSince = null;
      } catch (error) {
        // The run goes on where it runs (a worker, another console): a store connection lost meanwhile ends
        // this wait only if the store stays out of reach for WAIT_STORE_LOSS_MS.
        if (!isUnreachable(error)) throw error;
        lostSince ??= pollStarted;
        if (Date.now() - lostSince >= WAIT_STORE_LOSS_MS) throw error;
      }
      if (pause) await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Team mode: inserts the queued run for a worker to execute and hands it to
   * `send` (the job queue). The queue owns the run until a worker adopts it:
   * owner host `queue` (never a machine's, so no pid check) and a lease as long
   * as a job may wait, so no console's sweep interrupts a run waiting its turn.
   */
  async startInQueue(
    engineId: string,
    rawParams: Record<string, unknown>,
    trigger: RunTrigger,
    send: (run: { runId: number; engine: string; scope: string }) => Promise<void | { notice?: string }>,
  ): Promise<{ runId: number; alreadyRunning: boolean; notice?: string }> {
    const { engine, params } = this.validated(engineId, rawParams, trigger);
    const scope = engine.scopeOf(params);
    const now = this.nowIso();
    const { id, alreadyRunning } = await this.deps.store.runs
      .insertQueued({
        engine: engine.id,
        scope,
        trigger,
        params,
        ownerPid: 0,
        ownerId: queueOwnerId(engine.id),
        ownerHost: 'queue',
        leaseExpiresAt: new Date(this.deps.clock.now().getTime() + QUEUED_RUN_LEASE_MS).toISOString(),
        now,
      })
      .catch(async (error: unknown) => {
        // The INSERT may have committed before its answer was lost. Left there, that run would hold its scope's
        // single flight for the whole queued lease with no job to carry it, and every start "tried again" would
        // join it. The queued run of this scope created by the queue at this very instant is this start's own:
        // it goes on to its job. None: nothing was written, and the loss is the answer.
        if (!isUnreachable(error)) throw error;
        const mine = await this.deps.store.runs.findActive(engine.id, scope).catch(() => undefined);
        const run = mine === undefined ? undefined : await this.deps.store.runs.get(mine).catch(() => undefined);
        if (run?.state !== 'queued' || run.createdAt !== now || run.trigger !== trigger || run.ownerHost !== 'queue') throw error;
        return { id: run.id, alreadyRunning: false };
      });
    if (alreadyRunning) return { runId: id, alreadyRunning };
    let notice: string | undefined;
    try {
      // Inside the try: a store connection lost here must not leave a queued run that no job carries (it
      // would hold its scope's single flight for the whole queued lease).
      await this.deps.store.runEvents.append(id, 'state', `queued by ${trigger} (team mode: waiting for a worker)`, now);
      notice = (await send({ runId: id, engine: engine.id, scope }))?.notice;
    } catch (error) {
      // No job carries it, unless the send committed before its answer was lost: ended only while it is still
      // queued and the queue's, never once a worker adopted it.
      const gaveUp = await this.failWhileQueued(id, engine.id, 'queue-refused', describe(error)).catch((giveUpError: unknown) => {
        if (isUnreachable(giveUpError)) return undefined;
        throw giveUpError;
      });
      // Ended, or the send's refusal is certain (a give-up lost with it leaves a run no job carries, which a
      // worker's stranded check ends): the refusal is the answer.
      if (gaveUp === true || (gaveUp === undefined && !isUnreachable(error))) throw error;
      // A worker already took it (false), or neither the send's outcome nor the give-up's is known (undefined):
      // the run is its job's to run or, carried by none, the stranded check's to end. The caller waits for it.
      notice = `was handed to the queue as the store connection was lost (${describe(error)}): it runs if its job was queued; if not, a worker ends it within a minute.`;
    }
    // The run is handed over: a connection lost from here on loses only these words, never the start.
    try {
      // Said where the run was started and kept on the run: a queued run with no worker must not look stuck.
      if (notice) await this.deps.store.runEvents.append(id, 'state', notice, this.nowIso());
      await this.emitRun('run.started', id);
    } catch (error) {
      if (!isUnreachable(error)) throw error;
    }
    return notice ? { runId: id, alreadyRunning: false, notice } : { runId: id, alreadyRunning: false };
  }

  /** Team mode: this worker process takes ownership of a queued run, or of a running one whose owner lost its lease. */
  async adoptQueued(
    runId: number,
  ): Promise<{ adopted: true; previousOwner: string | null } | { adopted: false; reason: 'finished'; state: Run['state'] } | { adopted: false; reason: 'owned'; owner: string }> {
    // Marked before the compare-and-set: a sweep may read the row between the store's commit and this
    // continuation (seen once in 10,000 jobs). Harmless when the adoption fails: the run is then not ours.
    this.claims.take(runId);
    let result: Awaited<ReturnType<Store['runs']['adopt']>>;
    try {
      const leaseNow = await this.leaseNow();
      result = await this.deps.store.runs.adopt(runId, this.owner, this.leaseExpiry(leaseNow), leaseNow.toISOString());
    } catch (error) {
      this.claims.releaseRun(runId);
      throw error;
    }
    if (result.outcome === 'adopted') return { adopted: true, previousOwner: result.previousOwner };
    this.claims.releaseRun(runId);
    if (result.outcome === 'owned') return { adopted: false, reason: 'owned', owner: result.owner };
    if (result.outcome === 'missing') throw new Error(`run ${runId} is not in the store`);
    return { adopted: false, reason: 'finished', state: result.state };
  }

  /**
   * Team mode: executes a run this process adopted, to its end, with this
   * process's heartbeat renewing its lease. `signal` (the job's) cancels it.
   */
  async runAdopted(runId: number, signal: AbortSignal): Promise<Run> {
    const run = await this.deps.store.runs.get(runId).catch((error: unknown) => {
      this.claims.releaseRun(runId);
      throw error;
    });
    const engine = run && this.deps.engines.get(run.engine);
    if (!run || !engine) {
      this.claims.releaseRun(runId);
      throw new Error(run ? `this worker has no engine "${run.engine}"` : `run ${runId} is not in the store`);
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(new RunReleasedError());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    if (run.state === 'queued') await this.emitRun('run.started', runId);
    const done = this.execute(runId, engine, run.params, run.trigger, controller, run.state === 'running', true);
    const settled = done.then(() => undefined, () => undefined);
    this.active.set(runId, { controller, done: settled });
    this.claims.releaseRun(runId);
    try {
      const ended = await done;
      // Another worker adopted the run while this one stalled past its lease: every write of this attempt was
      // refused (owner compare-and-set), and the run is that worker's. This attempt did not do the work.
      const owner = await this.deps.store.runs.ownerOf(runId);
      if (owner !== this.owner.id) throw new RunSupersededError(runId, owner ?? 'unknown');
      return ended;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.active.delete(runId);
      this.claims.releaseRun(runId);
    }
  }

  /** Team mode: the queue gave up on a run's job; the run ends failed with why, unless it already ended. */
  async failQueued(runId: number, message: string): Promise<void> {
    if (await this.move(runId, 'failed', { finishedAt: this.nowIso(), error: { code: 'dead-letter', message } })) await this.emitRun('run.finished', runId);
  }

  /**
   * Team mode: ends a run the queue holds that no live job carries any more (its job died before its give-up
   * reached the store, or its start died between the INSERT and the send): nobody would ever take it, and it
   * would hold its scope's single flight for the whole queued lease. Only while it is still queued and still
   * the queue's (a worker that adopted it meanwhile keeps it); false when it moved on.
   */
  async failStranded(runId: number, engine: string, message: string): Promise<boolean> {
    return await this.failWhileQueued(runId, engine, 'dead-letter', message);
  }

  /**
   * Ends a run only while it is still queued and still the queue's, its event in the same transaction: a
   * worker that adopted it meanwhile keeps it. False when it was not (adopted, or ended already).
   */
  private async failWhileQueued(runId: number, engine: string, code: string, message: string): Promise<boolean> {
    const now = this.nowIso();
    const patch = { finishedAt: now, error: { code, message } };
    const moved = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.runs.transition(runId, ['queued'], 'failed', patch, now, queueOwnerId(engine)))) return false;
      await tx.runEvents.append(runId, 'state', 'failed', now, { error: patch.error });
      return true;
    });
    if (moved) await this.emitRun('run.finished', runId);
    return moved;
  }

  activeRunIds(): number[] {
    return [...this.active.keys()];
  }

  /** Cancels every local run and waits for each to settle. */
  async shutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const run of this.active.values()) run.controller.abort(new ApiError('conflict', 'Syncwarden is shutting down.'));
    await Promise.allSettled([...this.active.values()].map((run) => run.done));
  }

  private async execute(
    id: number,
    engine: AnyEngine,
    params: Record<string, unknown>,
    trigger: RunTrigger,
    controller: AbortController,
    resumed = false,
    queued = false,
  ): Promise<Run> {
    const { store, log } = this.deps;
    const apiCalls = new ApiCallCounter();
    const scope = engine.scopeOf(params);
    // The run's own writes carry its owner: each batch lands only while this process still owns the run, checked in
    // the batch's transaction (store/run-ownership.ts), as its state moves are (move(..., owned)). An owner that
    // stalled past its lease wakes to a run another process interrupted, maybe with a newer run of its scope done
    // since: what it buffered meanwhile must change nothing.
    const findings = new BufferedFindingSink(store.findings, id, engine.id, () => this.nowIso(), scope, undefined, this.owner.id);
    const items = new BufferedItemLog(store.runItems, id, () => this.nowIso(), undefined, undefined, (error) => runLog.warn({ err: error }, notSaved('item log', error)), this.owner.id);
    // The item log is advisory: a store that refuses it must not change the run's outcome. Saved before the run's
    // end moves it out of `running`, while the owner check can still pass (after it, every write is refused).
    const saveItems = async (): Promise<void> => {
      try {
        await items.flush();
      } catch (error) {
        runLog.warn({ err: error }, notSaved('item log', error));
      }
    };
    const resources = createEngineResources({ store, connections: this.deps.connections, engine: engine.id, runId: id, trigger, clock: this.deps.clock, signal: controller.signal });
    const tracker = new ProgressTracker({
      runId: id,
      engine: engine.id,
      phases: engine.phases,
      intervalMs: this.deps.progressIntervalMs,
      emit: (snapshot) => {
        // Progress is advisory and is also saved from a throttle timer, where a rejection would be unhandled:
        // a busy store skips this snapshot (the next one, or the final state, carries it).
        store.runs.saveProgress(id, snapshot, apiCalls.snapshot(), this.nowIso(), this.owner.id).catch((error: unknown) => log.warn({ err: error, runId: id }, 'could not save run progress'));
        this.deps.events.emit('run.progress', snapshot);
      },
    });
    const signal = controller.signal;
    // A run resumed from a lost worker (team mode) is already running: it keeps its start time.
    if (signal.aborted || (!resumed && !await this.move(id, 'running', { startedAt: this.nowIso(), progress: tracker.snapshot() }, this.deps.store, true))) {
      const released = releasedError(signal);
      await this.move(id, released ? 'interrupted' : 'cancelled', { finishedAt: this.nowIso(), ...(released ? { error: released } : {}) }, this.deps.store, true);
      return this.finish(id);
    }
    const runLog = log.child({ runId: id, engine: engine.id });
    // Every stored result says which mode ran and how many findings the run recorded (engine-result.ts RunResultSchema).
    const mode = modeOf(engine, params);
    const stamp = () => ({ ...(mode === undefined ? {} : { mode }), findings: findings.count });
    try {
      const returned = await engine.run(params, { runId: id, trigger, clock: this.deps.clock, log: runLog, findings, items, apiCalls, resources }, { signal, progress: tracker });
      await findings.flush();
      await saveItems();
      // No abort check here: an engine a cancel stops throws (the signal's reason). One that returned finished its work,
      // and a cancel that came after its last point of no return (a sheet import's swap, a committed repair) does not
      // undo that work, so the run must not say `cancelled` over it (DESIGN §4.6).
      // Every result is checked against the schema of the mode that ran, in every build (result-check.ts).
      const checked = checkResult(engine, params, returned);
      if (!checked.ok) {
        // A summary that breaks its schema cannot be trusted to say what happened (a string itemsFailed would read
        // as "nothing failed"), so the run never ends `succeeded` on it (DESIGN §4.6): it fails with `invalid-result`
        // naming the fields, keeps what the engine said as `rejectedResult` for a person to read, and replaces no findings.
        runLog.error({ mode: checked.mode, problems: checked.problems }, 'the engine returned a result that does not match its schema');
        await this.move(id, 'failed', {
          finishedAt: this.nowIso(),
          progress: tracker.final(false),
          apiCalls: apiCalls.snapshot(),
          result: { ...stamp(), rejectedResult: storable(returned) },
          error: { code: 'invalid-result', message: checked.message },
        }, this.deps.store, true);
      } else {
        const result = checked.result;
        // Honest outcomes (DESIGN §4.6): a run with any failed item never ends `succeeded`.
        const partial = result.itemsFailed !== undefined && result.itemsFailed > 0;
        // Only a complete check replaces earlier findings: one that stopped early (a spent API budget) says complete: false.
        // Only while the run is still ours: one another process interrupted (a lost lease) may already run again there.
        // (One transaction: no run of the same scope can start and write findings between the two writes.)
        const supersede = supersedesFindings(engine, params) && result.complete !== false;
        await store.transaction(async (tx) => {
          const moved = await this.move(
            id,
            partial ? 'partial' : 'succeeded',
            { finishedAt: this.nowIso(), progress: tracker.final(true), apiCalls: apiCalls.snapshot(), result: { ...result, ...stamp() } },
            tx,
            true,
          );
          if (moved && supersede) await tx.findings.supersede(engine.id, scope, id, this.nowIso());
        });
      }
    } catch (error) {
      // What the run found before it failed is kept; a store that refuses it must not keep the run from ending
      // (it would stay running until a sweep called it interrupted, its error told nowhere).
      await findings.flush().catch((flushError: unknown) => runLog.error({ err: flushError }, notSaved('findings', flushError)));
      await saveItems();
      const cancelled = signal.aborted;
      // A run that lost its lease is stopped, not failed: the move below is refused, the run stays `interrupted`.
      if (isRunOwnershipLost(error)) runLog.warn({ err: error }, 'the run lost its lease mid-run; it stops here');
      else if (!cancelled) runLog.error({ err: error }, 'run failed');
      // Team mode: a database connection killed under the run (a failover, a restart) is not the run's own
      // outcome; it ends interrupted like a released one, and its job is retried (run-manager-host.ts).
      const released = releasedError(signal) ?? (queued && !cancelled && isUnreachable(error) ? { code: 'interrupted', message: `the database connection was lost mid-run (${describe(error)})` } : undefined);
      await this.move(id, released ? 'interrupted' : cancelled ? 'cancelled' : 'failed', {
        finishedAt: this.nowIso(),
        progress: tracker.final(false),
        apiCalls: apiCalls.snapshot(),
        result: stamp(),
        error: released ?? (cancelled ? { code: 'cancelled', message: describe(signal.reason) } : runError(error)),
      }, this.deps.store, true);
    } finally {
      tracker.stop();
      await resources.dispose().catch((error: unknown) => runLog.warn({ err: error }, 'closing run resources failed'));
    }
    return this.finish(id);
  }

  /**
   * owned: an owner-side write (the run's own start and end), which lands only while this process still owns
   * the run. A stale owner (stalled past its lease while another worker adopted the run) changes nothing.
   */
  private async move(id: number, to: Run['state'], patch: Parameters<Store['runs']['transition']>[3], on: StoreRepositories = this.deps.store, owned = false): Promise<boolean> {
    const now = this.nowIso();
    const moved = await on.runs.transition(id, statesBefore(to), to, patch, now, owned ? this.owner.id : undefined);
    if (moved) await on.runEvents.append(id, 'state', to, now, patch.error ? { error: patch.error } : undefined);
    return moved;
  }

  private async finish(id: number): Promise<Run> {
    return await this.emitRun('run.finished', id);
  }

  private async emitRun(event: 'run.started' | 'run.finished', id: number): Promise<Run> {
    const run = await this.deps.store.runs.get(id);
    if (!run) throw new Error(`run ${id} vanished from the store`);
    this.deps.events.emit(event, run);
    return run;
  }

  private async beat(): Promise<void> {
    try {
      const ids = this.activeRunIds();
      if (ids.length > 0) {
        const lost = await this.deps.store.runs.heartbeat(ids, this.nowIso(), { ownerId: this.owner.id, expiresAt: this.leaseExpiry(await this.leaseNow()) });
        // Another process judged this owner dead (a stall longer than the lease) and interrupted the run:
        // the scope may already run elsewhere, so this copy stops at once.
        for (const id of lost) this.active.get(id)?.controller.abort(new ApiError('conflict', 'This run lost its lease and was interrupted.'));
        for (const id of await this.deps.store.runs.cancelRequested(ids)) {
          this.active.get(id)?.controller.abort(new ApiError('conflict', 'Cancelled from another Syncwarden process.'));
        }
      }
      const recovered = await this.sweep();
      for (const id of recovered) await this.emitRun('run.finished', id);
      if (recovered.length) this.deps.log.warn({ runs: recovered }, 'runs whose owner stopped were marked interrupted');
    } catch (error) {
      // A busy or closed store must not take the host down from a timer; the next beat tries again.
      this.deps.log.warn({ err: error }, 'run heartbeat failed');
    }
  }

  private async recoveryOptions(): Promise<RecoveryOptions> {
    return {
      now: await this.leaseNow(),
      staleAfterMs: this.lease.leaseMs,
      self: this.owner,
      isLocal: async (runId) => {
        const ours = () => this.active.has(runId) || this.claims.holds(runId);
        if (ours()) return true;
        if (!this.claims.awaitingInsert()) return false;
        const createdAt = await this.createdAtMs(runId);
        // Asked again after the wait: the start this read waited on may have named its claim, made the run active
        // and released the claim meanwhile; only the unnamed-claim test alone would then call a live run lost (s26l).
        return ours() || this.claims.holds(runId, createdAt);
      },
      ...(this.deps.isProcessAlive ? { isProcessAlive: this.deps.isProcessAlive } : {}),
    };
  }

  /**
   * A run's created_at as epoch ms. startClaimed stamps it with deps.clock, the clock LocalClaims reads, so an
   * unnamed claim compares like with like (not the lease clock, which may be the PostgreSQL store's).
   */
  private async createdAtMs(runId: number): Promise<number | undefined> {
    const createdAt = (await this.deps.store.runs.get(runId))?.createdAt;
    const ms = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
    return Number.isNaN(ms) ? undefined : ms;
  }

  /** A lease that starts now, by the lease clock. */
  private leaseExpiry(from: Date): string {
    return new Date(from.getTime() + this.lease.leaseMs).toISOString();
  }

  /**
   * The clock leases are stamped and judged by: a PostgreSQL store's own (one clock for all the machines that
   * share it, so a console whose clock runs fast never judges healthy workers' leases lapsed); else this
   * process's.
   */
  private async leaseNow(): Promise<Date> {
    return (await this.deps.store.runs.leaseClock()) ?? this.deps.clock.now();
  }

  private nowIso(): string {
    return this.deps.clock.now().toISOString();
  }
}

/**
 * Team mode: the abort reason of a run whose worker gives its job back to the queue (SIGTERM past the drain
 * deadline, the job's queue lease lost). Nobody cancelled the run, and its job is retried: the run ends
 * `interrupted` (the retry continues it as a new run, run-host-executor.ts), never `cancelled`, which would
 * read as done on purpose and make the retry complete the job with the work undone.
 */
export class RunReleasedError extends ApiError {
  constructor() {
    super('conflict', 'The worker gave the job up (draining past its deadline, or the queue lease was lost); the queue retries it.');
    this.name = 'RunReleasedError';
  }
}

/**
 * Team mode: this attempt's run was adopted by another worker (this one stalled past its lease). Its writes
 * were refused; it must neither complete nor fail the job as if it had done, or failed, the work.
 */
export class RunSupersededError extends Error {
  constructor(readonly runId: number, readonly owner: string) {
    super(`run ${runId} was taken over by ${owner} after this worker's lease lapsed; this attempt stops`);
    this.name = 'RunSupersededError';
  }
}

/** The error a run ends `interrupted` with when its worker released it (RunReleasedError), else undefined. */
function releasedError(signal: AbortSignal): { code: string; message: string } | undefined {
  return signal.aborted && signal.reason instanceof RunReleasedError ? { code: 'interrupted', message: describe(signal.reason) } : undefined;
}

/**
 * What a failed run says. A connection the service refused (`misconfigured`: a wrong client secret, API secret
 * or service key) is the admin's to fix on the Connections page, whichever engine met it (DESIGN §4.2), so it
 * gets the one wording of ConnectionFaultError even when the engine let the connector's error through.
 */
function runError(error: unknown): { code: string; message: string } {
  const shown = isConnectorError(error, 'misconfigured') ? new ConnectionFaultError(error) : error;
  return { code: errorCode(shown), message: describe(shown) };
}

/** What the engine returned, as JSON the store can keep (a value JSON cannot carry is kept as its text). */
function storable(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : (JSON.parse(text) as unknown);
  } catch {
    return String(value);
  }
}

/** The log line for a run's own write the store refused: a lost lease is said as such, not as a store fault. */
function notSaved(what: 'findings' | 'item log', error: unknown): string {
  return isRunOwnershipLost(error) ? `the run lost its lease: its ${what} not yet saved were dropped` : `could not save the run's ${what}`;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Unknown error';
}

function errorCode(error: unknown): string {
  if (error instanceof ApiError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'engine-error';
}
