import { MAX_INTERVAL_MINUTES } from '../api/schedules';
import type { AppDbAdapter } from '../appdb/adapter';
import type { ResolvedMapping } from '../appdb/mapping';
import { ProductDbUnavailable, type ProductDbAccess } from '../appdb/product-db';
import type { AnyEngine } from '../engines/engine';
import { yieldToEventLoop } from '../base/cooperative';
import type { DerivedSchedule } from '../store/schedules.repo';
import type { DerivedScheduleSource } from './scheduler';

/** The engines whose schedule policies may derive per-user schedules (an EngineRegistry). */
export interface DerivingEngines {
  list(): readonly AnyEngine[];
}

/**
 * The per-user schedules of the product database, for the engines this
 * console has (each engine's schedule policy says how), re-read once a
 * minute. The connection stays open between reads (reopened when its
 * settings change). On SQLite, `PRAGMA
 * data_version` tells whether any other connection committed since the last
 * read, so an unchanged product costs one pragma, not 10,000 rows; the same
 * list is then handed back, which the scheduler takes as "unchanged".
 * PostgreSQL has no such cheap signal: every minute is a full read. None
 * (or several: the console refuses to guess) means no per-user schedules.
 */
export function appDbScheduleSource(connections: Pick<ProductDbAccess, 'appDbConnection' | 'openAppDb'>, engines: DerivingEngines): DerivedScheduleSource {
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
      const connection = await single(connections);
      if (!connection) {
        await close();
        return null;
      }
      const key = `${connection.id}:${connection.updatedAt}`;
      if (open?.key !== key) {
        await close();
        const { db, mapping } = await connections.openAppDb(connection);
        open = { key, db, mapping };
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

/** The one product-database connection, or null when there is none or several. */
async function single(connections: Pick<ProductDbAccess, 'appDbConnection'>): Promise<ReturnType<ProductDbAccess['appDbConnection']> | null> {
  try {
    return await connections.appDbConnection();
  } catch (error) {
    if (error instanceof ProductDbUnavailable) return null;
    throw error;
  }
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
