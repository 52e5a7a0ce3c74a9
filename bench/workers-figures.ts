import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * What the workers benchmark reads after a round, from the databases and the
 * kernel rather than from anyone's own report: the store's runs (one per job),
 * the product's rows, and each worker process's peak RSS and CPU time.
 */
export interface RoundRuns {
  /** Jobs whose user has a run that ended: succeeded, partial or failed. */
  finished: number;
  succeeded: number;
  /** Users with more than one run (a job run twice: a retry after a lost lease, or a double). */
  ranTwice: number;
  /** First run start to last run end (store timestamps), in seconds: the round's working window. */
  windowSeconds: number;
  /** Jobs per second between the 10th and 90th percentile run end: through the backlog, without the workers' ramp and tail. */
  steadyJobsPerSecond: number;
  /** Mean run duration (start to end, as the store records it), in ms. */
  runMsMean: number;
  /** Sum of run durations, in ms. */
  runMsTotal: number;
  states: Record<string, number>;
}

interface RunRow {
  scope: string;
  state: string;
  started_at: string | null;
  finished_at: string | null;
}

const FINISHED = new Set(['succeeded', 'partial', 'failed']);

/** Reads the mail-import runs of the store; `scopes` are the jobs enqueued (`user:u<i>`). */
export async function readRoundRuns(storeUrl: string, scopes: ReadonlySet<string>): Promise<RoundRuns> {
  const rows = await query<RunRow>(storeUrl, `SELECT scope, state, started_at, finished_at FROM runs WHERE engine = 'mail-import'`);
  const runsPerScope = new Map<string, number>();
  const finishedScopes = new Set<string>();
  const succeededScopes = new Set<string>();
  const states: Record<string, number> = {};
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let total = 0;
  let timed = 0;
  const ends: number[] = [];
  for (const row of rows) {
    if (!scopes.has(row.scope)) continue;
    states[row.state] = (states[row.state] ?? 0) + 1;
    runsPerScope.set(row.scope, (runsPerScope.get(row.scope) ?? 0) + 1);
    if (FINISHED.has(row.state)) finishedScopes.add(row.scope);
    if (row.state === 'succeeded') succeededScopes.add(row.scope);
    if (row.started_at && row.finished_at) {
      const start = Date.parse(row.started_at);
      const end = Date.parse(row.finished_at);
      first = Math.min(first, start);
      last = Math.max(last, end);
      total += end - start;
      ends.push(end);
      timed++;
    }
  }
  ends.sort((a, b) => a - b);
  const at = (q: number) => ends[Math.min(ends.length - 1, Math.floor(q * ends.length))] ?? 0;
  const steadySeconds = (at(0.9) - at(0.1)) / 1000;
  return {
    steadyJobsPerSecond: steadySeconds > 0 ? Math.round(((ends.length * 0.8) / steadySeconds) * 10) / 10 : 0,
    finished: finishedScopes.size,
    succeeded: succeededScopes.size,
    ranTwice: [...runsPerScope.values()].filter((n) => n > 1).length,
    windowSeconds: timed ? (last - first) / 1000 : 0,
    runMsMean: timed ? total / timed : 0,
    runMsTotal: total,
    states,
  };
}

/**
 * Why jobs were lost: the runs of scopes that did not finish, with their
 * owner and their event history (the store's own words), at most `limit`.
 */
export async function describeLostRuns(storeUrl: string, scopes: ReadonlySet<string>, limit = 3): Promise<string[]> {
  const rows = await query<{ id: number; scope: string; state: string; owner_id: string | null; error_json: string | null; events: string | null }>(
    storeUrl,
    `SELECT r.id, r.scope, r.state, r.owner_id, r.error_json,
            (SELECT string_agg(e.at || ' ' || e.kind || ': ' || e.message, ' / ' ORDER BY e.id) FROM run_events e WHERE e.run_id = r.id) AS events
       FROM runs r
      WHERE r.engine = 'mail-import' AND r.scope NOT IN (SELECT scope FROM runs WHERE engine = 'mail-import' AND state IN ('succeeded', 'partial', 'failed'))
      ORDER BY r.id`,
  );
  return rows
    .filter((row) => scopes.has(row.scope))
    .slice(0, limit)
    .map((row) => `run ${row.id} ${row.scope} ${row.state} (owner ${row.owner_id ?? '-'}${row.error_json ? `, error ${row.error_json}` : ''}): ${row.events ?? 'no events'}`);
}

/** How many jobs have ended so far (the round's progress while it waits). */
export async function countFinished(storeUrl: string): Promise<number> {
  const [row] = await query<{ n: string }>(storeUrl, `SELECT count(DISTINCT scope) AS n FROM runs WHERE engine = 'mail-import' AND state IN ('succeeded', 'partial', 'failed')`);
  return Number(row?.n ?? 0);
}

/**
 * The product's rows, counted by SQL: rows beyond the first of each per-user
 * message identity (user_id, gmail_message_id), and rows imported in all.
 * The canonical schema's unique key makes duplicates impossible there; the
 * count is what proves it for the rows actually written.
 */
export async function readProductRows(productUrl: string): Promise<{ rows: number; duplicateRows: number; usersWithMail: number }> {
  const [row] = await query<{ rows: string; duplicates: string; users: string }>(
    productUrl,
    `SELECT (SELECT count(*) FROM emails) AS rows,
            (SELECT count(DISTINCT user_id) FROM emails) AS users,
            (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM emails GROUP BY user_id, gmail_message_id HAVING count(*) > 1) d) AS duplicates`,
  );
  return { rows: Number(row?.rows ?? 0), duplicateRows: Number(row?.duplicates ?? 0), usersWithMail: Number(row?.users ?? 0) };
}

/**
 * A database's own counters (pg_stat_database): transactions committed and
 * sessions opened since the cluster started. Read on a fresh database after a
 * round, they are the round's cost in statements-in-transactions and in new
 * connections, whoever made them (workers, pg-boss, the engine's product pool).
 */
export async function databaseCounters(adminUrl: string, database: string): Promise<{ commits: number; sessions: number }> {
  const [row] = await query<{ commits: string; sessions: string }>(adminUrl, `SELECT xact_commit AS commits, sessions FROM pg_stat_database WHERE datname = '${database.replace(/'/g, "''")}'`);
  return { commits: Number(row?.commits ?? 0), sessions: Number(row?.sessions ?? 0) };
}

async function query<Row>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** A process's kernel figures: peak RSS (VmHWM) in MB and CPU time (user + system) in seconds; undefined once it is gone. */
export function processFigures(pid: number): { peakRssMb: number; cpuSeconds: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwmKb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    // /proc/<pid>/stat: fields after the command's closing parenthesis; utime and stime are the 12th and 13th there.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { peakRssMb: Math.round((hwmKb / 1024) * 10) / 10, cpuSeconds: ticks / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;
