import type { Finding, Page } from '../api/models';
import type { ParsedInput } from '../api/contract';
import type { SqlValue, StoreDb } from './store-db';
import { countOf, likeOperator, runEach } from './transaction-view';
import { mergePatch } from './store-functions';
import { fromJson, toJson } from './json-column';
import { holdOwnedRun } from './run-ownership';

interface FindingRow {
  id: number;
  run_id: number;
  engine: string;
  scope: string;
  subject: string;
  user_email: string | null;
  kind: string;
  reason: string;
  proposed_action: string;
  status: Finding['status'];
  details_json: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewFinding {
  subject: string;
  userEmail?: string | null;
  kind: string;
  reason: string;
  proposedAction: string;
  details?: Record<string, unknown>;
}

/** What `update` changes: a new status, details merged into the existing ones, or both. */
export interface FindingChange {
  status?: Finding['status'] | undefined;
  details?: Record<string, unknown> | undefined;
}

export type FindingsFilter = ParsedInput<'findings.list'>;

/** Sort keys map to columns through this table only, so no input ever reaches SQL as an identifier. */
const SORT_COLUMNS: Record<FindingsFilter['sort'], string> = {
  createdAt: 'created_at',
  kind: 'kind',
  subject: 'subject',
  userEmail: 'user_email',
  status: 'status',
};

export class FindingsRepository {
  constructor(private readonly db: StoreDb) {}

  /**
   * Writes a batch in one transaction with one prepared statement. A subject
   * has at most one open finding per engine (unique partial index, migration
   * 9): when one is open already, it is updated in place (same id, so a
   * selection made from it stays valid; it now belongs to this run and scope,
   * with this run's kind, reason and details; created_at keeps when it was
   * first found) instead of a second one being added.
   *
   * ownerId: the run's own write (its finding sink), which lands only while that owner still holds the run,
   * checked in the same transaction (run-ownership.ts): a run that lost its lease writes nothing, and never
   * takes over the open finding a newer run of its scope wrote.
   */
  async insertMany(runId: number, engine: string, findings: readonly NewFinding[], now: string, scope = 'all', ownerId?: string): Promise<void> {
    const sql = `INSERT INTO findings (run_id, engine, scope, subject, user_email, kind, reason, proposed_action, details_json, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (engine, subject) WHERE status = 'open' DO UPDATE SET
         run_id = excluded.run_id, scope = excluded.scope, user_email = excluded.user_email, kind = excluded.kind,
         reason = excluded.reason, proposed_action = excluded.proposed_action, details_json = excluded.details_json,
         updated_at = excluded.updated_at`;
    await this.db.transaction(async (tx) => {
      if (ownerId !== undefined) await holdOwnedRun(tx, runId, ownerId);
      await runEach(
        tx,
        sql,
        findings.map((f) => [runId, engine, scope, f.subject, f.userEmail ?? null, f.kind, f.reason, f.proposedAction, toJson(f.details), now, now]),
      );
    });
  }

  /**
   * After a successful check, open findings of earlier checks that this one
   * covered are superseded: a check of "all" covers every scope, a check of
   * one user covers that user's scope, and a scope `user:<email>` also every
   * open finding about that email (case-insensitively) whatever check wrote
   * it: an all-users check's finding re-found by a one-user check moved to
   * it (one open finding per subject), so one it no longer finds is stale.
   * Only findings of runs started before this one (a smaller run id: ids are
   * given in start order) are covered: a one-user check that began after this
   * check listed its pages knows something newer, and its finding stays (s26d).
   */
  async supersede(engine: string, scope: string, runId: number, now: string): Promise<number> {
    const userEmail = scope.startsWith('user:') && scope.includes('@') ? scope.slice('user:'.length) : null;
    const { changes } = await this.db.run(
      `UPDATE findings SET status = 'superseded', updated_at = ?
       WHERE engine = ? AND status = 'open' AND run_id < ?
         AND (? = 'all' OR scope = ? OR (CAST(? AS TEXT) IS NOT NULL AND sw_lower(user_email) = sw_lower(?)))`,
      [now, engine, runId, scope, scope, userEmail, userEmail],
    );
    return changes;
  }

  async byIds(ids: readonly number[]): Promise<Finding[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.all<FindingRow>(`SELECT * FROM findings WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY id`, ids);
    return rows.map(toFinding);
  }

  /** Open findings of an engine, optionally of one user, oldest first (repairs apply them in order). */
  async open(engine: string, userEmail?: string): Promise<Finding[]> {
    // A limit no store reaches: one query serves both the whole list and its pages, in both dialects.
    return await this.openPage(engine, userEmail, 0, Number.MAX_SAFE_INTEGER);
  }

  /**
   * One page of `open()`: the open findings after `afterId`, by id. A repair
   * of thousands reads them page by page, yielding between pages, instead of
   * parsing every details column in one synchronous call.
   */
  async openPage(engine: string, userEmail: string | undefined, afterId: number, limit: number): Promise<Finding[]> {
    const rows = userEmail
      ? // Emails match case-insensitively (DESIGN §4.8): a folder may spell the user's email otherwise.
        await this.db.all<FindingRow>(`SELECT * FROM findings WHERE engine = ? AND status = 'open' AND sw_lower(user_email) = sw_lower(?) AND id > ? ORDER BY id LIMIT ?`, [
          engine,
          userEmail,
          afterId,
          limit,
        ])
      : await this.db.all<FindingRow>(`SELECT * FROM findings WHERE engine = ? AND status = 'open' AND id > ? ORDER BY id LIMIT ?`, [engine, afterId, limit]);
    return rows.map(toFinding);
  }

  /** Deletes resolved findings (repaired, dismissed, superseded, failed) last touched before `before`; open and quarantined ones stay. */
  async purgeResolved(before: string): Promise<number> {
    return (await this.db.run(`DELETE FROM findings WHERE status IN ('repaired','dismissed','superseded','failed') AND updated_at < ?`, [before])).changes;
  }

  /**
   * Supersedes these findings while they are open, except those `runId` wrote or found again (an upsert made them
   * its own). Only an open finding is superseded: one a repair quarantined while the run went on stays
   * quarantined, or its row could no longer be restored and the retention purge would delete it for good.
   */
  async supersedeIds(ids: readonly number[], runId: number, now: string): Promise<void> {
    const sql = `UPDATE findings SET status = 'superseded', updated_at = ? WHERE id = ? AND run_id <> ? AND status = 'open'`;
    await this.db.transaction((tx) => runEach(tx, sql, ids.map((id) => [now, id, runId])));
  }

  /**
   * Supersedes earlier open findings unless a run wrote them since they were read (`runId`: their run then). One open
   * finding per subject: a run that found one again updated it in place under its own id, and a check beside this one
   * (one user's beside all users') may have done so after this check read it.
   */
  async supersedeUnrewritten(findings: readonly Pick<Finding, 'id' | 'runId'>[], now: string): Promise<void> {
    const sql = `UPDATE findings SET status = 'superseded', updated_at = ? WHERE id = ? AND run_id = ? AND status = 'open'`;
    await this.db.transaction((tx) => runEach(tx, sql, findings.map((f) => [now, f.id, f.runId])));
  }

  async setStatus(ids: readonly number[], status: Finding['status'], now: string): Promise<void> {
    const sql = `UPDATE findings SET status = ?, updated_at = ? WHERE id = ?`;
    await this.db.transaction((tx) => runEach(tx, sql, ids.map((id) => [status, now, id])));
  }

  /**
   * Sets the status of these findings and/or merges `details` into theirs, in
   * one transaction. The merge is JSON merge-patch (RFC 7396, the store
   * function sw_json_patch): keys given replace, keys absent stay, a null removes a key.
   * An engine records what happened to a finding after it was written this
   * way (a quarantine's dates, a purge), never by rewriting the whole row.
   */
  async update(ids: readonly number[], change: FindingChange, now: string, engine?: string): Promise<number> {
    if (ids.length === 0 || (change.status === undefined && change.details === undefined)) return 0;
    if (change.details !== undefined && this.db.dialect === 'postgres') return this.updateMergingHere(ids, change, now, engine);
    // With `engine`, ids of another engine's findings are left alone.
    const sql = `UPDATE findings SET status = COALESCE(?, status), details_json = CASE WHEN CAST(? AS TEXT) IS NULL THEN details_json ELSE sw_json_patch(COALESCE(details_json, '{}'), ?) END, updated_at = ?
       WHERE id = ? AND (CAST(? AS TEXT) IS NULL OR engine = ?)`;
    const patch = change.details === undefined ? null : JSON.stringify(change.details);
    const results = await this.db.transaction((tx) =>
      runEach(tx, sql, ids.map((id) => [change.status ?? null, patch, patch, now, id, engine ?? null, engine ?? null])),
    );
    return results.reduce((changed, result) => changed + result.changes, 0);
  }

  /**
   * PostgreSQL's JSON functions cannot read a U+0000 escape (jsonb cannot hold it; json_each de-escapes), and
   * details may quote a foreign error page that has one: there the merge runs here, over rows locked until the
   * transaction ends, with the same merge as SQLite's sw_json_patch.
   */
  private async updateMergingHere(ids: readonly number[], change: FindingChange, now: string, engine: string | undefined): Promise<number> {
    return this.db.transaction(async (tx) => {
      let changed = 0;
      for (let at = 0; at < ids.length; at += 500) {
        const chunk = ids.slice(at, at + 500);
        const rows = await tx.all<{ id: number; details_json: string | null }>(
          `SELECT id, details_json FROM findings WHERE id IN (${chunk.map(() => '?').join(',')}) AND (CAST(? AS TEXT) IS NULL OR engine = ?) ORDER BY id FOR UPDATE`,
          [...chunk, engine ?? null, engine ?? null],
        );
        for (const row of rows) {
          const details = JSON.stringify(mergePatch(row.details_json === null ? {} : JSON.parse(row.details_json), change.details));
          changed += (await tx.run(`UPDATE findings SET status = COALESCE(?, status), details_json = ?, updated_at = ? WHERE id = ?`, [change.status ?? null, details, now, row.id])).changes;
        }
      }
      return changed;
    });
  }

  /** An engine's findings about these subjects, optionally of one status, by id (e.g. the quarantined findings of purged rows). */
  async bySubjects(engine: string, subjects: readonly string[], status?: Finding['status']): Promise<Finding[]> {
    const found: Finding[] = [];
    // Chunks stay far below SQLite's bound-parameter limit whatever the caller passes.
    for (let at = 0; at < subjects.length; at += 500) {
      const chunk = subjects.slice(at, at + 500);
      const rows = await this.db.all<FindingRow>(`SELECT * FROM findings WHERE engine = ? AND subject IN (${chunk.map(() => '?').join(',')}) AND (CAST(? AS TEXT) IS NULL OR status = ?) ORDER BY id`, [
        engine,
        ...chunk,
        status ?? null,
        status ?? null,
      ]);
      found.push(...rows.map(toFinding));
    }
    return found.sort((a, b) => a.id - b.id);
  }

  /** Open findings of an engine counted by user and kind (a user of null: findings about no one user). */
  async openCountsByUserAndKind(engine: string): Promise<{ userEmail: string | null; kind: string; n: number }[]> {
    // Quoted alias: PostgreSQL folds unquoted names to lower case.
    const rows = await this.db.all<{ userEmail: string | null; kind: string; n: number | string }>(
      `SELECT user_email AS "userEmail", kind, COUNT(*) AS n FROM findings WHERE engine = ? AND status = 'open' GROUP BY user_email, kind`,
      [engine],
    );
    return rows.map((row) => ({ userEmail: row.userEmail, kind: row.kind, n: Number(row.n) }));
  }

  async countOpen(engine?: string): Promise<number> {
    const row = engine
      ? await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM findings WHERE status = 'open' AND engine = ?`, [engine])
      : await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM findings WHERE status = 'open'`);
    return countOf(row);
  }

  async list(filter: FindingsFilter): Promise<Page<Finding>> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    const add = (sql: string, ...values: SqlValue[]) => {
      where.push(sql);
      args.push(...values);
    };
    if (filter.engine) add('engine = ?', filter.engine);
    if (filter.runId) add('run_id = ?', filter.runId);
    if (filter.status) add('status = ?', filter.status);
    if (filter.kind) add('kind = ?', filter.kind);
    if (filter.search) {
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const op = likeOperator(this.db);
      add(`(subject ${op} ? ESCAPE '\\' OR user_email ${op} ? ESCAPE '\\' OR reason ${op} ? ESCAPE '\\')`, like, like, like);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = `${SORT_COLUMNS[filter.sort]} ${filter.direction === 'asc' ? 'ASC' : 'DESC'}, id ${filter.direction === 'asc' ? 'ASC' : 'DESC'}`;
    const total = countOf(await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM findings ${clause}`, args));
    const rows = await this.db.all<FindingRow>(`SELECT * FROM findings ${clause} ORDER BY ${order} LIMIT ? OFFSET ?`, [...args, filter.limit, filter.offset]);
    return { items: rows.map(toFinding), total, limit: filter.limit, offset: filter.offset };
  }
}

function toFinding(row: FindingRow): Finding {
  return {
    id: row.id,
    runId: row.run_id,
    engine: row.engine,
    scope: row.scope,
    subject: row.subject,
    userEmail: row.user_email,
    kind: row.kind,
    reason: row.reason,
    proposedAction: row.proposed_action,
    status: row.status,
    details: fromJson<Record<string, unknown>>(row.details_json),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
