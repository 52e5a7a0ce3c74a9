import type { z } from 'zod';
import type { AppDbConfigSchema } from '../api/connections';
import type { MailSettingRow } from '../api/schedules';
import { MAX_INTERVAL_MINUTES } from '../api/schedules';
import type { AppDbAdapter } from '../appdb/adapter';
import { quoteIdent, quoteTable as table } from '../appdb/identifiers';
import { resolveMapping, type ResolvedMapping } from '../appdb/mapping';
import { openAppDb } from '../appdb/open-app-db';
import type { ConnectionsService } from '../connections/connections.service';
import type { AnyEngine } from '../engines/engine';
import { yieldToEventLoop } from '../base/cooperative';
import type { Store } from '../store/store';
import type { DerivedSchedule } from '../store/schedules.repo';
import type { DerivedScheduleSource } from './scheduler';

/** The engines whose schedule policies may derive per-user schedules (an EngineRegistry). */
export interface DerivingEngines {
  list(): readonly AnyEngine[];
}

/**
 * Opens the product database for one read and closes it. Null when none is
 * set up (or several: the console refuses to guess), so there are simply no
 * per-user schedules.
 */
export async function withAppDb<T>(store: Store, connections: ConnectionsService, work: (db: AppDbAdapter, mapping: ResolvedMapping) => Promise<T>): Promise<T | null> {
  const appdbs = store.connections.list().filter((c) => c.kind === 'appdb');
  if (appdbs.length !== 1) return null;
  const { config, secrets } = await connections.settings(appdbs[0] as (typeof appdbs)[number]);
  const parsed = config as z.output<typeof AppDbConfigSchema>;
  const db = openAppDb(parsed, secrets);
  try {
    return await work(db, resolveMapping(parsed.mapping ?? {}));
  } finally {
    await db.close();
  }
}

/**
 * The per-user schedules of the product database, for the engines this
 * console has (each engine's schedule policy says how), re-read once a
 * minute. The connection stays open between reads (reopened when its
 * settings change). On SQLite, `PRAGMA
 * data_version` tells whether any other connection committed since the last
 * read, so an unchanged product costs one pragma, not 10,000 rows; the same
 * list is then handed back, which the scheduler takes as "unchanged".
 * PostgreSQL has no such cheap signal: every minute is a full read.
 */
export function appDbScheduleSource(store: Store, connections: ConnectionsService, engines: DerivingEngines): DerivedScheduleSource {
  let open: { key: string; db: AppDbAdapter; mapping: ResolvedMapping } | null = null;
  let last: { version: number; schedules: DerivedSchedule[] } | null = null;
  const close = async () => {
    const current = open;
    open = null;
    last = null;
    await current?.db.close();
  };
  return {
    async read() {
      const appdbs = store.connections.list().filter((c) => c.kind === 'appdb');
      if (appdbs.length !== 1) {
        await close();
        return null;
      }
      const connection = appdbs[0] as (typeof appdbs)[number];
      const key = `${connection.id}:${connection.updatedAt}`;
      if (open?.key !== key) {
        await close();
        const { config, secrets } = await connections.settings(connection);
        const parsed = config as z.output<typeof AppDbConfigSchema>;
        open = { key, db: openAppDb(parsed, secrets), mapping: resolveMapping(parsed.mapping ?? {}) };
      }
      const { db, mapping } = open;
      try {
        const version = db.dialect === 'sqlite' ? Number((await db.query<{ data_version: number }>('PRAGMA data_version'))[0]?.data_version) : NaN;
        if (last && version === last.version) return last.schedules;
        const schedules = await readDerivedSchedules(db, mapping, engines);
        last = Number.isFinite(version) ? { version, schedules } : null;
        return schedules;
      } catch (error) {
        await close(); // a broken connection is reopened on the next read
        throw error;
      }
    },
    close,
  };
}

/**
 * The per-user schedules of every registered engine that derives them from
 * the product database (its schedule policy's `perUser`), in registry order.
 */
export async function readDerivedSchedules(db: AppDbAdapter, mapping: ResolvedMapping, engines: DerivingEngines): Promise<DerivedSchedule[]> {
  const out: DerivedSchedule[] = [];
  for (const engine of engines.list()) {
    const perUser = engine.schedule?.perUser;
    if (!perUser) continue;
    for await (const settings of pages((after) => perUser.page(db, mapping, after, CHUNK))) {
      for (const s of settings) out.push(derived(engine.id, s.userId, s.enabled, minutes(s.intervalMinutes, perUser.defaultIntervalMinutes), s.autoRepair));
    }
  }
  return out;
}

/** Rows per product-database query: each page is a short query, and the host gets a turn between pages. */
const CHUNK = 2000;

/** Keyset pages by user id (`user id > last`), yielding to the event loop between pages. */
async function* pages<T extends { userId: string }>(fetch: (after: string | null) => Promise<T[]>): AsyncGenerator<T[]> {
  for (let after: string | null = null; ; ) {
    const rows = await fetch(after);
    if (rows.length) yield rows;
    if (rows.length < CHUNK) return;
    after = (rows[rows.length - 1] as T).userId;
    await yieldToEventLoop();
  }
}

/** `mail.settings`: each user's Gmail import settings with the user's email, paged. */
export async function readMailSettings(db: AppDbAdapter, mapping: ResolvedMapping, limit: number, offset: number): Promise<{ items: MailSettingRow[]; total: number }> {
  const m = mapping.mailSettings;
  const u = mapping.users;
  const [count] = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table(m.table)}`);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT m.${quoteIdent(m.columns.userId)} AS user_id, u.${quoteIdent(u.columns.email)} AS email, m.${quoteIdent(m.columns.enabled)} AS enabled,
       m.${quoteIdent(m.columns.intervalMinutes)} AS interval_minutes, m.${quoteIdent(m.columns.historyId)} AS history_id, m.${quoteIdent(m.columns.lastImportAt)} AS last_import_at
     FROM ${table(m.table)} m LEFT JOIN ${table(u.table)} u ON u.${quoteIdent(u.columns.id)} = m.${quoteIdent(m.columns.userId)}
     ORDER BY u.${quoteIdent(u.columns.email)}, m.${quoteIdent(m.columns.userId)} LIMIT ? OFFSET ?`,
    [limit, offset],
  );
  return {
    total: Number(count?.n ?? 0),
    items: rows.map((row) => ({
      userId: String(row.user_id),
      email: row.email === null || row.email === undefined ? null : String(row.email),
      enabled: truthy(row.enabled),
      intervalMinutes: Number(row.interval_minutes ?? 30),
      historyId: row.history_id === null || row.history_id === undefined ? null : String(row.history_id),
      lastImportAt: timestamp(row.last_import_at),
    })),
  };
}

function derived(engine: string, userId: string, enabled: boolean, intervalMinutes: number, autoRepair: boolean): DerivedSchedule {
  return {
    sourceKey: `${engine}:${userId}`,
    engine,
    scope: { kind: 'user', userId },
    trigger: { kind: 'interval', minutes: intervalMinutes },
    timeZone: 'UTC',
    enabled,
    autoRepair,
    params: {},
  };
}

/** A product may store nonsense (0, -5, null): clamp into what the scheduler accepts rather than drop the user. */
function minutes(value: unknown, fallback: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1) return fallback;
  return Math.min(Math.round(n), MAX_INTERVAL_MINUTES);
}

/** SQLite gives 0/1, PostgreSQL true/false. */
function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true' || value === 1n;
}

function timestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}
