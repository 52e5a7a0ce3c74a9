import type { Engine } from '../engine';
import { CheckTokenStore } from './mail-check-tokens';
import { summariseCheck } from './mail-check-report';
import { MailDb } from './mail-db';
import { eachUser } from './mail-each-user';
import { gmailFactory } from './mail-gmail';
import { ENGINE_ID } from './mail-model';
import { MailImportParams, scopeOf } from './mail-params';
import { summarise } from './mail-report';
import { checkUser } from './mail-user-check';
import { importUser, type UserImportDeps } from './mail-user-import';
import { whoseImportRuns } from './mail-whose-turn';

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
  // Neither an import nor a check produces findings: nothing to supersede.
  supersedesFindings: () => false,

  async run(params, context, { signal, progress }) {
    progress.phase('users');
    const app = await context.resources.appDb();
    const db = new MailDb(app.db, app.mapping);
    const found = await db.users(params.user);
    if (params.user !== undefined && found.length === 0) throw new Error(`There is no user with id "${params.user}" in the product database.`);
    const { users, disabled } = whoseImportRuns(found, params.mode, context.trigger);
    const connection = await context.resources.connection('google', params.connection);
    const check = params.mode === 'check';
    let tokensWritten = 0;
    // A check writes a user's tokens only when the provider rotated the refresh token (mail-check-tokens.ts).
    const checkTokens = (accountId: string) => new CheckTokenStore(app.db, app.mapping, accountId, (written) => void (written && tokensWritten++));
    const gmailFor = check ? gmailFactory(connection, app, context.apiCalls, {}, checkTokens) : gmailFactory(connection, app, context.apiCalls);
    const deps: UserImportDeps = { db, gmailFor, clock: context.clock, windowDays: params.windowDays, signal, connectionName: connection.name };
    // One user refused again whose account was flagged before is old news, not a failure of this run.
    const alreadyFlagged = new Set(users.filter((u) => u.needsReconnect).map((u) => u.userId));
    const warn = (report: { userId: string; outcome: string; message?: string }) => {
      if (report.outcome === 'failed' || report.outcome === 'needs-reconnect') context.log.warn({ userId: report.userId, outcome: report.outcome, mode: params.mode }, report.message ?? 'mail import of one user did not finish');
    };

    progress.phase('import', { total: users.length, message: `${users.length} user(s) to ${check ? 'check' : 'import'}` });
    if (check) {
      const reports = await eachUser(users, signal, (user) => checkUser(user, deps), (report) => {
        progress.advance();
        progress.count('wouldImport', report.wouldImport);
        if (report.outcome !== 'checked') progress.count(report.outcome);
        warn(report);
      });
      return summariseCheck(reports, alreadyFlagged, tokensWritten);
    }
    const reports = await eachUser(users, signal, (user) => importUser(user, deps), (report) => {
      progress.advance();
      progress.count('imported', report.imported);
      if (report.outcome !== 'imported') progress.count(report.outcome);
      warn(report);
    });
    return summarise(reports, alreadyFlagged, disabled);
  },
};
