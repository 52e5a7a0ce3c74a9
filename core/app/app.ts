import type { AppInfo } from '../api/models';
import { ConnectionsService } from '../connections/connections.service';
import type { ProbeRegistry } from '../connections/probe';
import { defaultProbes } from '../connections/probes';
import { OAuthFlows } from '../connections/oauth/oauth-flows';
import type { SecretStore } from '../secrets/secret-store';
import { NamespacedSecretStore } from '../secrets/namespaced.secret-store';
import { selectSecretStore } from '../secrets/select-secret-store';
import type { Clock } from '../base/clock';
import type { EngineRegistry } from '../engines/engine';
import { createEngineRegistry } from '../engines/registry';
import { createSilentLogger, type Logger } from '../logging/logger';
import { RunManager } from '../runs/run-manager';
import { appDbScheduleSource } from '../scheduler/app-db-schedules';
import { runManagerStarter } from '../scheduler/run-starter';
import { Scheduler } from '../scheduler/scheduler';
import { ensurePrivateDir } from '../store/data-dir';
import { openStore, type Store } from '../store/store';
import { resolveStoreLocation, storePassword } from '../store/store-location';
import { EventHub } from '../base/event-hub';
import type { HandlerTable } from '../engines/engine-policies';
import { outputChecksByDefault } from './dispatch';
import { checkEventPayload } from './event-check';
import { createHandlers } from './handlers';
import type { AppServices } from './services';
import { APP_VERSION } from './version';
import type { TeamStatusSource } from '../team/team-status';
import type { HostUpdates } from './updates';

export interface SyncwardenOptions {
  dataDir: string;
  host: AppInfo['host'];
  log?: Logger;
  clock?: Clock;
  engines?: EngineRegistry;
  withDemoEngine?: boolean;
  /** better_sqlite3.node for Electron's ABI (see scripts/electron-native.mjs). */
  nativeBinding?: string;
  /** Run lease renewal and dead-owner sweep interval (default 2 s). */
  heartbeatMs?: number;
  /** How long a run's lease lasts without renewal (default 15 s). */
  leaseMs?: number;
  /** For tests: whether a pid on this machine is alive. */
  isProcessAlive?: (pid: number) => boolean;
  progressIntervalMs?: number;
  /** Team mode: runs started here are queued for `syncwarden worker` processes (RunManagerDeps.teamQueue). */
  teamQueue?: (run: { runId: number; engine: string; scope: string }) => Promise<void | { notice?: string }>;
  /**
   * Team mode, turned on by the store: called once the store is open when it is PostgreSQL, it gives the queue
   * (`teamQueue`) and the status source (`team`) and owns this process's queue connection until `close`.
   * Hosts pass the queue module's startTeamMode (core/queue/team-mode.ts); without it a PostgreSQL store runs
   * its runs in this process. `teamQueue`/`team` given explicitly win.
   */
  teamMode?: (context: { url: string; password?: string; store: Store; log: Logger }) => Promise<{
    teamQueue: (run: { runId: number; engine: string; scope: string }) => Promise<void | { notice?: string }>;
    team: TeamStatusSource;
    close(): Promise<void>;
  }>;
  /**
   * The store (--store): a data dir or a postgres:// URL. Absent: SYNCWARDEN_STORE, then the Settings choice
   * saved in the data dir, else the data dir's own SQLite store (store-location.ts).
   */
  store?: string;
  /** Where secrets live; default: selectSecretStore (the OS keychain, the environment, or the demo's file store). */
  secrets?: SecretStore;
  probes?: ProbeRegistry;
  /** The host's self-update (desktop); without it `app.updates.check` answers 'unsupported'. */
  updates?: HostUpdates;
  /**
   * Host capability: open a URL in the system browser (the desktop host: shell.openExternal behind its allowlist).
   * Without it (browser mode, CLI) Connect returns the sign-in URL for the admin to open.
   */
  openExternal?: (url: string) => Promise<void>;
  /** How long Connect waits for the browser (default 5 minutes). */
  oauthTimeoutMs?: number;
  /**
   * Team mode's status source (the queue module's TeamStatusSource over pg-boss), given by hosts whose store is
   * PostgreSQL. Without it the team.* methods answer "team mode is off". THE injection point: hosts pass it here.
   */
  team?: TeamStatusSource;
}

export interface Syncwarden extends AppServices {
  handlers: HandlerTable;
  /** Run ids found queued or running from a process that is gone, now `interrupted`. */
  recovered: number[];
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/** Opens the store, recovers interrupted runs and wires the services together. */
export async function createSyncwarden(options: SyncwardenOptions): Promise<Syncwarden> {
  ensurePrivateDir(options.dataDir);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createSilentLogger();
  const secrets = options.secrets ?? selectSecretStore(process.env, options.dataDir);
  const storeChoice = resolveStoreLocation({ ...(options.store !== undefined ? { option: options.store } : {}), dataDir: options.dataDir });
  const pgPassword = storeChoice.location.dialect === 'postgres' ? await storePassword(storeChoice.location.url, secrets) : undefined;
  const store =
    storeChoice.location.dialect === 'postgres'
      ? await openStore(storeChoice.location.url, { ...optionalPassword(pgPassword) })
      : await openStore(storeChoice.location.dataDir, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  // Opened after the store, closed again when a later step fails (a store connection lost while the app opens):
  // a team queue left running would poll and log for a process that gave up (CI of session 15).
  let teamMode: Awaited<ReturnType<NonNullable<SyncwardenOptions['teamMode']>>> | undefined;
  let purgeTimer: NodeJS.Timeout | undefined;
  let opened: RunManager | undefined;
  try {
    // One queue connection per process, owned by the app: started here, stopped by close().
    teamMode =
      storeChoice.location.dialect === 'postgres' && options.teamMode
        ? await options.teamMode({ url: storeChoice.location.url, ...optionalPassword(pgPassword), store, log })
        : undefined;
    const teamQueue = options.teamQueue ?? teamMode?.teamQueue;
    const team = options.team ?? teamMode?.team;
    await purgeResolvedFindings(store, clock, log);
    // A desktop app can stay open for weeks: purge once a day too.
    purgeTimer = setInterval(() => {
      // From a timer a rejection (a store busy past its timeout) would be unhandled: log it, the next day tries again.
      purgeResolvedFindings(store, clock, log).catch((error: unknown) => log.warn({ err: error }, 'purging resolved findings failed'));
    }, 24 * 60 * 60 * 1000);
    purgeTimer.unref();

    const engines = options.engines ?? createEngineRegistry({ withDemoEngine: options.withDemoEngine ?? false });
    // In development and tests (like dispatch's output checks) every event is checked against the contract first.
    const events = new EventHub(
      outputChecksByDefault()
        ? { check: checkEventPayload, onRefused: (event, problem) => log.error({ event, problem }, 'an event does not match the contract and was not sent') }
        : {},
    );
    const connections = new ConnectionsService({
      store,
      secrets: await storeSecrets(secrets, store, clock),
      probes: options.probes ?? defaultProbes(),
      clock,
      log,
      // The desktop app and browser mode keep running: their first runs should not stop to load an SDK. A CLI command loads what it uses.
      warmSdks: options.host !== 'cli',
    });
    await connections.warmSdks();
    const runs = new RunManager({
      store,
      engines,
      events,
      log,
      clock,
      connections,
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      ...(options.isProcessAlive ? { isProcessAlive: options.isProcessAlive } : {}),
      ...(options.progressIntervalMs === undefined ? {} : { progressIntervalMs: options.progressIntervalMs }),
      ...(teamQueue ? { teamQueue } : {}),
    });
    opened = runs;
    // Runs left queued/running by a process that is gone; the run manager's beat keeps sweeping while this process lives.
    const recovered = await runs.sweep();
    if (recovered.length) log.warn({ runs: recovered }, 'runs interrupted by a previous stop were marked interrupted');
    const scheduler = new Scheduler({
      store,
      runs: runManagerStarter(runs, events),
      engines,
      clock,
      log: log.child({ module: 'scheduler' }),
      events,
      appDb: appDbScheduleSource(connections, engines),
    });
    const oauth = new OAuthFlows({
      connections,
      clock,
      log: log.child({ module: 'oauth' }),
      ...(options.openExternal ? { openExternal: options.openExternal } : {}),
      ...(options.oauthTimeoutMs === undefined ? {} : { timeoutMs: options.oauthTimeoutMs }),
    });
    const services: AppServices = { version: APP_VERSION, host: options.host, dataDir: options.dataDir, clock, log, store, engines, runs, events, connections, oauth, scheduler, storeChoice, machineSecrets: secrets, ...(options.updates ? { updates: options.updates } : {}), ...(team ? { team } : {}) };

    return {
      ...services,
      handlers: createHandlers(services),
      recovered,
      async close() {
        clearInterval(purgeTimer);
        oauth.close();
        await scheduler.stop();
        await runs.shutdown();
        await teamMode?.close();
        await store.close();
      },
    };
  } catch (error) {
    clearInterval(purgeTimer);
    await opened?.shutdown().catch(() => undefined);
    await teamMode?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}

/** Resolved findings older than the retention setting leave the console store (open and quarantined ones never do). */
/**
 * The OS keychain is shared by every store on the machine: each store keeps its secrets in its own namespace.
 * Environment and in-memory stores belong to one process already and keep their plain keys.
 */
async function storeSecrets(secrets: SecretStore, store: Store, clock: Clock): Promise<SecretStore> {
  if (secrets.kind !== 'keychain') return secrets;
  const namespace = await store.settings.secretNamespace(clock.now().toISOString());
  return new NamespacedSecretStore(secrets, namespace.id, namespace.legacy);
}

function optionalPassword(password: string | undefined): { password?: string } {
  return password === undefined ? {} : { password };
}

async function purgeResolvedFindings(store: Store, clock: Clock, log: Logger): Promise<void> {
  const days = (await store.settings.get()).findingsRetentionDays;
  const before = new Date(clock.now().getTime() - days * 24 * 60 * 60 * 1000).toISOString();
  const purged = await store.findings.purgeResolved(before);
  if (purged) log.info({ purged, days }, 'purged resolved findings past their retention');
}
