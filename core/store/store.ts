import { join } from 'node:path';
import { AuditRepository } from './audit.repo';
import { ConnectionsRepository } from './connections.repo';
import { EngineStateRepository } from './engine-state.repo';
import { openDatabase, schemaVersion, type OpenDatabaseOptions, type SqliteDatabase } from './database';
import { FindingsRepository } from './findings.repo';
import { RunEventsRepository } from './run-events.repo';
import { RunItemsRepository } from './run-items.repo';
import { RunsRepository } from './runs.repo';
import { SchedulesRepository } from './schedules.repo';
import { SettingsRepository } from './settings.repo';

export const STORE_FILE_NAME = 'syncwarden.db';

/** The console's own store: runs, their events, findings, the audit log and settings. */
export interface Store {
  readonly file: string;
  readonly db: SqliteDatabase;
  readonly runs: RunsRepository;
  readonly runEvents: RunEventsRepository;
  /** Per-item run logs (what a run did item by item), bounded per run. */
  readonly runItems: RunItemsRepository;
  readonly findings: FindingsRepository;
  readonly audit: AuditRepository;
  readonly settings: SettingsRepository;
  readonly connections: ConnectionsRepository;
  readonly engineState: EngineStateRepository;
  readonly schedules: SchedulesRepository;
  schemaVersion(): number;
  close(): void;
}

export function openStore(dataDir: string, options: OpenDatabaseOptions = {}): Store {
  const file = join(dataDir, STORE_FILE_NAME);
  const db = openDatabase(file, options);
  return {
    file,
    db,
    runs: new RunsRepository(db),
    runEvents: new RunEventsRepository(db),
    runItems: new RunItemsRepository(db),
    findings: new FindingsRepository(db),
    audit: new AuditRepository(db),
    settings: new SettingsRepository(db),
    connections: new ConnectionsRepository(db),
    engineState: new EngineStateRepository(db),
    schedules: new SchedulesRepository(db),
    schemaVersion: () => schemaVersion(db),
    close: () => db.close(),
  };
}
