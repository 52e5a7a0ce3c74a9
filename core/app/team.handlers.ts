import { ApiError } from '../api/errors';
import { TEAM_MODE_OFF, TEAM_QUEUE_UNREACHABLE, THROUGHPUT_MAX_BUCKETS, THROUGHPUT_MAX_DAYS, type TeamStatus } from '../api/team';
import type { HandlerTable } from '../engines/engine-policies';
import type { StoreDialect } from '../store/store-db';
import type { TeamStatusSource } from '../team/team-status';
import type { AppServices } from './services';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The team methods read the TeamStatusSource the host was given (SyncwardenOptions.team).
 * Without one the store is SQLite and there is no queue: every method but
 * `team.status` answers the typed team-mode-off refusal, never an internal error.
 */
export function createTeamHandlers(app: Pick<AppServices, 'team' | 'store' | 'clock'>): Partial<HandlerTable> {
  const source = (): TeamStatusSource => {
    if (app.team) return app.team;
    const store = storeDialect(app);
    throw new ApiError(
      'unavailable',
      'Team mode is off: this console keeps its store in SQLite on this machine and runs engines itself. Team mode needs a PostgreSQL store (`syncwarden store init postgres://…`) and `syncwarden worker` processes.',
      { reason: TEAM_MODE_OFF, store },
    );
  };
  return {
    'team.status': () => status(app),
    'team.workers': () => reading('workers', source().workers()),
    'team.queue': () => reading('queue depth', source().depth()),
    'team.throughput': ({ since, bucketMinutes }) => {
      const queue = source();
      const now = app.clock.now().getTime();
      const from = Date.parse(since);
      if (now - from > THROUGHPUT_MAX_DAYS * DAY_MS) {
        throw new ApiError('invalid-input', `Throughput goes back at most ${THROUGHPUT_MAX_DAYS} days.`, { since });
      }
      if ((now - from) / (bucketMinutes * 60_000) > THROUGHPUT_MAX_BUCKETS) {
        throw new ApiError('invalid-input', `That window holds more than ${THROUGHPUT_MAX_BUCKETS} buckets of ${bucketMinutes} minutes: choose larger buckets.`, { since, bucketMinutes });
      }
      return reading('throughput', queue.throughput(new Date(from).toISOString(), bucketMinutes));
    },
    'team.deadLetters': async ({ limit, offset }) => ({ ...(await reading('dead letters', source().deadLetters({ limit, offset }))), limit, offset }),
    'team.retryDeadLetter': async ({ jobId }) => ({ jobId, retried: await reading('the dead-letter job', source().retryDeadLetter(jobId)) }),
  };
}

/**
 * A queue that cannot be read (the database connection dropped, a timeout) is `unavailable` in its own words,
 * so the Workers page says the queue is unreachable instead of "internal error".
 */
async function reading<T>(what: string, answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('unavailable', `The job queue could not be read (${what}): ${error instanceof Error ? error.message : String(error)}`, { reason: TEAM_QUEUE_UNREACHABLE });
  }
}

function status(app: Pick<AppServices, 'team' | 'store'>): TeamStatus {
  const store = storeDialect(app);
  if (app.team) return { enabled: true, store, message: 'Team mode: runs are jobs in the PostgreSQL queue, taken by `syncwarden worker` processes.' };
  return { enabled: false, store, message: `Team mode is off: the console store is ${store === 'sqlite' ? 'SQLite on this machine' : 'PostgreSQL, but this host reads no job queue'}.` };
}

/**
 * The store's dialect. The SQLite store of today has no `dialect`; the async
 * StoreDb port (store-db.ts) does, so this reads it where present and keeps
 * working on both sides of that change.
 */
function storeDialect(app: Pick<AppServices, 'store'>): StoreDialect {
  const db: unknown = app.store.db;
  if (typeof db === 'object' && db !== null && 'dialect' in db && (db.dialect === 'postgres' || db.dialect === 'sqlite')) return db.dialect;
  return 'sqlite';
}
