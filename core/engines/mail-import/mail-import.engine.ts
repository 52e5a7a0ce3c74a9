import type { Engine } from '../engine';
import { MailDb } from './mail-db';
import { gmailFactory } from './mail-gmail';
import { ENGINE_ID } from './mail-model';
import { MailImportParams, scopeOf } from './mail-params';
import { inPool } from '../../base/pool';
import { summarise } from './mail-report';
import { importUser } from './mail-user-import';
import { ConnectionFaultError } from '../../connectors/shared/fault';

/**
 * Users imported at once. With PER_USER_CONCURRENCY this caps the requests in
 * flight at 16: each answer costs the host just under a millisecond of CPU
 * (googleapis and gaxios, from a CPU profile of the benchmark), so even when
 * all of them land in one turn of the event loop that turn holds about 16 ms
 * of work. More in flight bought no throughput against the emulator and
 * lengthened the turns (benchmark, 8 users × 1,000 messages).
 */
const USER_CONCURRENCY = 2;

export const mailImportEngine: Engine<MailImportParams> = {
  id: ENGINE_ID,
  title: 'Mail import',
  description: "Imports each user's new Gmail messages (metadata) into the product database, reading only what changed since the last import.",
  phases: [
    { id: 'users', label: 'Reading mail settings', weight: 2 },
    { id: 'import', label: 'Importing mail', weight: 98 },
  ],
  params: MailImportParams,
  scopeOf,
  // An import produces no findings: nothing to supersede.
  supersedesFindings: () => false,

  async run(params, context, { signal, progress }) {
    progress.phase('users');
    const app = await context.resources.appDb();
    const db = new MailDb(app.db, app.mapping);
    const users = await db.users(params.user);
    if (params.user !== undefined && users.length === 0) throw new Error(`There is no user with id "${params.user}" in the product database.`);
    const connection = await context.resources.connection('google', params.connection);
    const gmailFor = gmailFactory(connection, app, context.apiCalls);

    progress.phase('import', { total: users.length, message: `${users.length} user(s) to import` });
    // The connection's own credentials were refused: every further user would fail alike, so none is started.
    let connectionFault: ConnectionFaultError | undefined;
    const settled = await inPool(users, USER_CONCURRENCY, async (user) => {
      if (connectionFault) return null;
      const report = await importUser(user, { db, gmailFor, clock: context.clock, windowDays: params.windowDays, signal, connectionName: connection.name }).catch((error: unknown) => {
        if (!(error instanceof ConnectionFaultError)) throw error;
        connectionFault ??= error;
        return null;
      });
      if (!report) return null;
      progress.advance();
      progress.count('imported', report.imported);
      if (report.outcome !== 'imported') progress.count(report.outcome);
      if (report.outcome === 'failed' || report.outcome === 'needs-reconnect') context.log.warn({ userId: report.userId, outcome: report.outcome }, report.message ?? 'mail import of one user did not finish');
      return report;
    });
    signal.throwIfAborted();
    // Fails the run with the Connections-page message; no user was flagged (DESIGN §4.2).
    if (connectionFault) throw connectionFault;
    const alreadyFlagged = new Set(users.filter((u) => u.needsReconnect).map((u) => u.userId));
    return summarise(
      settled.filter((r): r is NonNullable<typeof r> => r !== null),
      alreadyFlagged,
    );
  },
};
