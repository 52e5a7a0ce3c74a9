import type { AppInfo } from '../api/models';
import type { ConnectionsService } from '../connections/connections.service';
import type { OAuthFlows } from '../connections/oauth/oauth-flows';
import type { Clock } from '../base/clock';
import type { EngineRegistry } from '../engines/engine';
import type { Logger } from '../logging/logger';
import type { RunManager } from '../runs/run-manager';
import type { Scheduler } from '../scheduler/scheduler';
import type { Store } from '../store/store';
import type { StoreLocation, StoreLocationSource } from '../store/store-location';
import type { SecretStore } from '../secrets/secret-store';
import type { EventHub } from '../base/event-hub';
import type { HostUpdates } from './updates';

/** The service facade every host is built on. */
export interface AppServices {
  version: string;
  host: AppInfo['host'];
  dataDir: string;
  clock: Clock;
  log: Logger;
  store: Store;
  engines: EngineRegistry;
  runs: RunManager;
  events: EventHub;
  connections: ConnectionsService;
  /** Connect / Disconnect of the admin's own Google or Dropbox account. */
  oauth: OAuthFlows;
  /** Background schedules; hosts that stay up call start(), one-shot commands and tests do not. */
  scheduler: Scheduler;
  /** Self-update, when the host has it (the packaged desktop app). */
  updates?: HostUpdates;
  /** Which store this console opened and what chose it (store.info); absent: the data dir's SQLite store. */
  storeChoice?: { location: StoreLocation; source: StoreLocationSource };
  /** This machine's secret store, un-namespaced: where a PostgreSQL store's password is kept (store.switch). */
  machineSecrets?: SecretStore;
}
