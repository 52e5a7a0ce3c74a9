import { MIGRATION_15_PG } from '../team/schedule-tick.pg';
import type { StoreDialect } from './store-db';

/**
 * Numbered, append-only migrations of the console store. Never edit a shipped
 * migration: add the next number. The schema version is SQLite's user_version.
 */
export interface Migration {
  version: number;
  name: string;
  /** One SQL for both dialects, or each dialect's own (the runner picks with migrationSql). */
  sql: string | MigrationSqlByDialect;
  /** Run with foreign keys off (a table rebuild), then check them before committing. */
  foreignKeysOff?: boolean;
}

export type MigrationSqlByDialect = { readonly [D in StoreDialect]: string };

/** The SQL a migration runs on a dialect. */
export function migrationSql(migration: Migration, dialect: StoreDialect): string {
  return typeof migration.sql === 'string' ? migration.sql : migration.sql[dialect];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, run events, findings, audit log, settings',
    sql: `
      CREATE TABLE runs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        engine        TEXT    NOT NULL,
        scope         TEXT    NOT NULL,
        state         TEXT    NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled','interrupted')),
        trigger       TEXT    NOT NULL CHECK (trigger IN ('manual','schedule','cli')),
        params_json   TEXT    NOT NULL DEFAULT '{}',
        progress_json TEXT,
        api_calls_json TEXT   NOT NULL DEFAULT '{}',
        result_json   TEXT,
        error_json    TEXT,
        owner_pid     INTEGER NOT NULL,
        -- Set by any process that wants the run stopped; the owner polls it.
        cancel_requested_at TEXT,
        heartbeat_at  TEXT    NOT NULL,
        created_at    TEXT    NOT NULL,
        started_at    TEXT,
        finished_at   TEXT
      );
      -- Single flight across every process sharing this store: at most one
      -- active run per (engine, scope), enforced by the database itself.
      CREATE UNIQUE INDEX runs_one_active_per_scope ON runs(engine, scope)
        WHERE state IN ('queued','running');
      CREATE INDEX runs_by_created ON runs(created_at DESC, id DESC);
      CREATE INDEX runs_by_engine ON runs(engine, id DESC);

      CREATE TABLE run_events (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        at        TEXT    NOT NULL,
        kind      TEXT    NOT NULL CHECK (kind IN ('state','phase','message','warning')),
        message   TEXT    NOT NULL,
        data_json TEXT
      );
      CREATE INDEX run_events_by_run ON run_events(run_id, id);

      CREATE TABLE findings (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        engine          TEXT    NOT NULL,
        subject         TEXT    NOT NULL,
        user_email      TEXT,
        kind            TEXT    NOT NULL,
        reason          TEXT    NOT NULL,
        proposed_action TEXT    NOT NULL,
        status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open','repaired','dismissed','quarantined')),
        details_json    TEXT,
        created_at      TEXT    NOT NULL,
        updated_at      TEXT    NOT NULL
      );
      CREATE INDEX findings_by_engine_status ON findings(engine, status, created_at DESC);
      CREATE INDEX findings_by_run ON findings(run_id);
      CREATE INDEX findings_by_subject ON findings(engine, subject);

      CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT    NOT NULL,
        actor       TEXT    NOT NULL CHECK (actor IN ('manual','schedule','cli')),
        engine      TEXT,
        run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        action      TEXT    NOT NULL,
        subject     TEXT    NOT NULL,
        before_json TEXT,
        after_json  TEXT
      );
      CREATE INDEX audit_by_at ON audit_log(at DESC, id DESC);

      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'connections',
    sql: `
      -- Non-secret settings only: secret values live in the SecretStore (OS keychain);
      -- secret_fields_json lists which secret fields are set, so listing never touches the keychain.
      CREATE TABLE connections (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        kind               TEXT NOT NULL CHECK (kind IN ('appdb','google','dropbox','cloudinary','supabase')),
        name               TEXT NOT NULL UNIQUE,
        config_json        TEXT NOT NULL,
        secret_fields_json TEXT NOT NULL DEFAULT '[]',
        last_check_json    TEXT,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'findings gain scope and the superseded status; engine state',
    sql: `
      -- SQLite cannot change a CHECK constraint in place: rebuild the table.
      CREATE TABLE findings_v3 (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        engine          TEXT    NOT NULL,
        scope           TEXT    NOT NULL DEFAULT 'all',
        subject         TEXT    NOT NULL,
        user_email      TEXT,
        kind            TEXT    NOT NULL,
        reason          TEXT    NOT NULL,
        proposed_action TEXT    NOT NULL,
        -- superseded: a later check of the same scope replaced this finding.
        status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open','repaired','dismissed','quarantined','superseded','failed')),
        details_json    TEXT,
        created_at      TEXT    NOT NULL,
        updated_at      TEXT    NOT NULL
      );
      INSERT INTO findings_v3 (id, run_id, engine, scope, subject, user_email, kind, reason, proposed_action, status, details_json, created_at, updated_at)
        SELECT f.id, f.run_id, f.engine, COALESCE(r.scope, 'all'), f.subject, f.user_email, f.kind, f.reason, f.proposed_action, f.status, f.details_json, f.created_at, f.updated_at
        FROM findings f LEFT JOIN runs r ON r.id = f.run_id;
      DROP TABLE findings;
      ALTER TABLE findings_v3 RENAME TO findings;
      CREATE INDEX findings_by_engine_status ON findings(engine, status, created_at DESC);
      CREATE INDEX findings_by_run ON findings(run_id);
      CREATE INDEX findings_by_subject ON findings(engine, subject);

      -- Durable per-engine state: delta cursors, resume points (never secrets).
      CREATE TABLE engine_state (
        engine     TEXT NOT NULL,
        key        TEXT NOT NULL,
        value_json TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (engine, key)
      );
    `,
  },
  {
    version: 4,
    name: 'sheet-import sources',
    sql: `
      -- A source's definition (never credentials: it names a connection and a storage account).
      CREATE TABLE sheet_sources (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        name         TEXT NOT NULL UNIQUE,
        -- Two sources writing one cache table would overwrite each other's cache.
        target_table TEXT NOT NULL UNIQUE COLLATE NOCASE,
        spec_json    TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'storage-orphans: the restored finding status',
    sql: `
      -- A restored quarantine is its own status: the admin decided to keep the row,
      -- so automatic runs must not quarantine it again. Rebuild for the CHECK as in 3.
      CREATE TABLE findings_v5 (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        engine          TEXT    NOT NULL,
        scope           TEXT    NOT NULL DEFAULT 'all',
        subject         TEXT    NOT NULL,
        user_email      TEXT,
        kind            TEXT    NOT NULL,
        reason          TEXT    NOT NULL,
        proposed_action TEXT    NOT NULL,
        status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open','repaired','dismissed','quarantined','superseded','failed','restored')),
        details_json    TEXT,
        created_at      TEXT    NOT NULL,
        updated_at      TEXT    NOT NULL
      );
      INSERT INTO findings_v5 (id, run_id, engine, scope, subject, user_email, kind, reason, proposed_action, status, details_json, created_at, updated_at)
        SELECT id, run_id, engine, scope, subject, user_email, kind, reason, proposed_action, status, details_json, created_at, updated_at FROM findings;
      DROP TABLE findings;
      ALTER TABLE findings_v5 RENAME TO findings;
      CREATE INDEX findings_by_engine_status ON findings(engine, status, created_at DESC);
      CREATE INDEX findings_by_run ON findings(run_id);
      CREATE INDEX findings_by_subject ON findings(engine, subject);
      -- storage-orphans keeps its per-account state (roster, delta cursors) in engine_state.
    `,
  },
  {
    version: 6,
    name: 'schedules and their firings',
    sql: `
      -- Console schedules (origin 'console') and the per-user schedules derived from the
      -- product database (origin 'app-db', keyed by source_key, rewritten by the scheduler).
      CREATE TABLE schedules (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        origin       TEXT    NOT NULL CHECK (origin IN ('console','app-db')),
        -- 'mail-import:<userId>' for app-db schedules; NULL for console ones.
        source_key   TEXT    UNIQUE,
        engine       TEXT    NOT NULL,
        scope_json   TEXT    NOT NULL,
        trigger_json TEXT    NOT NULL,
        time_zone    TEXT    NOT NULL,
        enabled      INTEGER NOT NULL DEFAULT 1,
        auto_repair  INTEGER NOT NULL DEFAULT 0,
        params_json  TEXT    NOT NULL DEFAULT '{}',
        -- Consecutive failed firings or runs; a successful run resets it.
        failures     INTEGER NOT NULL DEFAULT 0,
        -- The latest firing, kept on the row: listing and catch-up never scan the firing log,
        -- which is pruned by age (10,000 users on 30 minutes write 480,000 firings a day).
        last_due_at       TEXT,
        last_fired_at     TEXT,
        last_outcome      TEXT CHECK (last_outcome IN ('started','skipped','failed')),
        last_firing_run_id INTEGER,
        last_message      TEXT,
        -- The latest run a firing started or found active (its state is read from runs).
        last_run_id       INTEGER,
        created_at   TEXT    NOT NULL,
        updated_by   TEXT    NOT NULL,
        updated_at   TEXT    NOT NULL
      );

      -- One row per firing: when it was due, when it fired, and what happened.
      CREATE TABLE schedule_firings (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
        due_at      TEXT    NOT NULL,
        fired_at    TEXT    NOT NULL,
        outcome     TEXT    NOT NULL CHECK (outcome IN ('started','skipped','failed')),
        -- No foreign key: a firing may name a run of another store's process, and fakes in the benchmark.
        run_id      INTEGER,
        attempt     INTEGER NOT NULL DEFAULT 1,
        message     TEXT
      );
      CREATE INDEX schedule_firings_by_schedule ON schedule_firings(schedule_id, id DESC);
      CREATE INDEX schedule_firings_by_fired ON schedule_firings(fired_at);
      -- The Runs chart reads the last N days by trigger.
      CREATE INDEX runs_by_trigger_created ON runs(trigger, created_at);
    `,
  },
  {
    version: 7,
    name: 'runs: the partial state',
    // SQLite's documented table rebuild: with foreign keys on, dropping runs would cascade
    // into run_events and findings (and null audit_log.run_id).
    foreignKeysOff: true,
    sql: `
      -- A run in which some items failed ends 'partial' (DESIGN §4.6). SQLite cannot change a
      -- CHECK in place, so runs is rebuilt; the references of run_events, findings and
      -- audit_log name "runs" and point at the new table once it is renamed.
      CREATE TABLE runs_v7 (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        engine        TEXT    NOT NULL,
        scope         TEXT    NOT NULL,
        state         TEXT    NOT NULL CHECK (state IN ('queued','running','succeeded','partial','failed','cancelled','interrupted')),
        trigger       TEXT    NOT NULL CHECK (trigger IN ('manual','schedule','cli')),
        params_json   TEXT    NOT NULL DEFAULT '{}',
        progress_json TEXT,
        api_calls_json TEXT   NOT NULL DEFAULT '{}',
        result_json   TEXT,
        error_json    TEXT,
        owner_pid     INTEGER NOT NULL,
        -- Set by any process that wants the run stopped; the owner polls it.
        cancel_requested_at TEXT,
        heartbeat_at  TEXT    NOT NULL,
        created_at    TEXT    NOT NULL,
        started_at    TEXT,
        finished_at   TEXT
      );
      INSERT INTO runs_v7 (id, engine, scope, state, trigger, params_json, progress_json, api_calls_json, result_json, error_json,
                           owner_pid, cancel_requested_at, heartbeat_at, created_at, started_at, finished_at)
        SELECT id, engine, scope, state, trigger, params_json, progress_json, api_calls_json, result_json, error_json,
               owner_pid, cancel_requested_at, heartbeat_at, created_at, started_at, finished_at FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_v7 RENAME TO runs;
      -- Single flight across every process sharing this store (as in migration 1).
      CREATE UNIQUE INDEX runs_one_active_per_scope ON runs(engine, scope)
        WHERE state IN ('queued','running');
      CREATE INDEX runs_by_created ON runs(created_at DESC, id DESC);
      CREATE INDEX runs_by_engine ON runs(engine, id DESC);
      CREATE INDEX runs_by_trigger_created ON runs(trigger, created_at);
    `,
  },
  {
    version: 8,
    name: 'run leases: an owner id per process instance and a lease expiry',
    sql: `
      -- owner_pid alone cannot tell a live owner: pids are reused and may belong to another machine.
      -- owner_id is unique per process instance (host/pid/random); owner_host lets a sweep on the same
      -- machine interrupt a dead pid at once. lease_expires_at is renewed by the owner's heartbeat; any live
      -- process interrupts an active run whose lease ran out. NULL on runs written before this migration.
      ALTER TABLE runs ADD COLUMN owner_id TEXT;
      ALTER TABLE runs ADD COLUMN owner_host TEXT;
      ALTER TABLE runs ADD COLUMN lease_expires_at TEXT;
    `,
  },
  {
    version: 9,
    name: 'findings: one open finding per (engine, subject)',
    sql: `
      -- A subject (an asset, a file row, a user) has at most one open finding per engine,
      -- whichever checks found it: a one-user check next to an all-users check, or a resumed
      -- check, updates the open finding instead of adding a second (findings.repo.ts upserts).
      -- Existing duplicates: the newest open one stays open, the older ones become superseded.
      UPDATE findings SET status = 'superseded'
        WHERE status = 'open'
          AND EXISTS (SELECT 1 FROM findings newer
                      WHERE newer.engine = findings.engine AND newer.subject = findings.subject
                        AND newer.status = 'open' AND newer.id > findings.id);
      CREATE UNIQUE INDEX findings_one_open_per_subject ON findings(engine, subject) WHERE status = 'open';
    `,
  },
  {
    version: 10,
    name: 'run item logs and run-history filters',
    sql: `
      -- What a run did item by item (core/runs/item-log.ts). Bounded per run: the first lines are kept,
      -- the rest only counted in run_item_counts, so a 50,000-file run does not write 50,000 rows.
      CREATE TABLE run_items (
        run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        at      TEXT    NOT NULL,
        item    TEXT    NOT NULL,
        action  TEXT    NOT NULL,
        outcome TEXT    NOT NULL CHECK (outcome IN ('done','skipped','failed','info')),
        message TEXT,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      -- Per run and outcome, every line the engine wrote (kept or not).
      CREATE TABLE run_item_counts (
        run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        outcome  TEXT    NOT NULL,
        n        INTEGER NOT NULL,
        not_kept INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, outcome)
      ) WITHOUT ROWID;
      -- Run history filters: by scope (a user's history) and by date; a schedule's history joins its firings by run.
      CREATE INDEX runs_by_scope ON runs(scope, id DESC);
      CREATE INDEX runs_by_state ON runs(state, id DESC);
      CREATE INDEX schedule_firings_by_run ON schedule_firings(run_id) WHERE run_id IS NOT NULL;
    `,
  },
  {
    version: 11,
    name: 'audit log by run',
    // The audit log's search by run ("what did run N change", revert a run) and the identity revert's
    // auditOfRun read one run's entries: an index instead of a scan of the whole log.
    sql: `CREATE INDEX audit_by_run ON audit_log(run_id, id DESC) WHERE run_id IS NOT NULL;`,
  },
  {
    version: 12,
    name: 'audit log search text',
    // SQLite's lower() folds ASCII only ("ÉMILE" never found "Émile"), and a bare word searched the whole
    // subject ("user" matched every "user:…" entry). Each entry keeps its folded subject and the folded
    // values it is about (core/store/audit-search.ts); existing entries are filled by the same JS,
    // through the SQL functions database.ts registers before migrating.
    sql: `
      ALTER TABLE audit_log ADD COLUMN subject_fold TEXT;
      ALTER TABLE audit_log ADD COLUMN search_fold TEXT;
      UPDATE audit_log SET subject_fold = sw_fold(subject), search_fold = sw_audit_search(subject, before_json, after_json);
    `,
  },
  {
    version: 14,
    name: 'team workers registry',
    // Every `syncwarden worker` process of team mode, for the Workers page: a
    // heartbeat (alive or lost), its engines and concurrency, jobs held, and the
    // draining flag SIGTERM sets. Portable SQL (text instants, 0/1 flags) so the
    // same statement creates it on SQLite and PostgreSQL. The jobs themselves
    // live in pg-boss's schema, not here.
    sql: `
      CREATE TABLE workers (
        id            TEXT    PRIMARY KEY,
        host          TEXT    NOT NULL,
        pid           INTEGER NOT NULL,
        engines_json  TEXT    NOT NULL,
        concurrency   INTEGER NOT NULL,
        running       INTEGER NOT NULL DEFAULT 0,
        draining      INTEGER NOT NULL DEFAULT 0,
        started_at    TEXT    NOT NULL,
        heartbeat_at  TEXT    NOT NULL,
        stopped_at    TEXT
      );
      CREATE INDEX workers_by_heartbeat ON workers(heartbeat_at DESC);
    `,
  },
  {
    version: 15,
    name: 'schedule next-run times and run templates; the pg_cron migration journal',
    // Team mode fires schedules from PostgreSQL (core/team/schedule-tick.pg.ts): one pg_cron job a minute picks
    // the due rows by this index, so each schedule carries its next slot (ISO text, like every instant here) and
    // the run a firing starts (scope and params as the engine computes them: SQL cannot call an engine). The
    // desktop scheduler keeps next_run_at too, so a store moved to team mode knows where every schedule stands.
    // PostgreSQL's side is MIGRATION_15_PG (same columns, plus the tick function syncwarden_enqueue_due).
    sql: {
      sqlite: `
      ALTER TABLE schedules ADD COLUMN next_run_at TEXT;
      ALTER TABLE schedules ADD COLUMN run_scope TEXT;
      ALTER TABLE schedules ADD COLUMN run_params_json TEXT;
      CREATE INDEX schedules_due ON schedules(next_run_at) WHERE enabled = 1;
      -- A migration of a product's per-user pg_cron jobs to console schedules (core/team/seed003/journal.ts):
      -- each cron.job row whole (undo re-inserts it) and the schedules created, written before anything changes.
      CREATE TABLE cron_migrations (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        state          TEXT    NOT NULL CHECK (state IN ('preparing','migrated','undoing','undone','failed')),
        product        TEXT    NOT NULL,
        jobs_json      TEXT    NOT NULL,
        schedules_json TEXT    NOT NULL DEFAULT '[]',
        message        TEXT,
        created_by     TEXT    NOT NULL,
        created_at     TEXT    NOT NULL,
        updated_at     TEXT    NOT NULL
      );
    `,
      postgres: MIGRATION_15_PG,
    },
  },
];

// The runner applies migrations in array order and skips those at or below user_version, so an
// out-of-order entry (easy to make when branches merge) would be skipped on existing stores or
// applied twice on new ones: refuse to load rather than migrate wrongly.
MIGRATIONS.forEach((migration, index) => {
  const previous = MIGRATIONS[index - 1];
  if (previous && migration.version <= previous.version) throw new Error(`console-store migration ${migration.version} is out of order (it follows ${previous.version})`);
});

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
