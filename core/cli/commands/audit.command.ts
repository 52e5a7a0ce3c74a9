import { Command } from 'commander';
import type { AuditEntry } from '../../api/models';
import { callApi, withCliApp, type GlobalOptions } from '../context';
import { auditChange } from '../describe';
import { table } from '../output';
import { positiveInt } from '../parse';
import { namesUser, scanPages } from '../scan-pages';
import { unwrap } from '../unwrap';

interface AuditListOptions {
  engine?: string;
  run?: number;
  user?: string;
  limit: number;
}

/** `audit list`: every change Syncwarden made, so a run or audit id for `revert` can be looked up. */
export function auditCommand(globals: () => GlobalOptions): Command {
  const audit = new Command('audit').description('The audit log: every change made (the ids `revert --run/--audit` take)');
  audit
    .command('list')
    .description('Audit entries, newest first; CHANGED names the fields a change touched (--json for before/after)')
    .option('--engine <id>', 'only entries of this engine')
    .option('--run <id>', 'only the changes of this run', positiveInt)
    .option('--user <email-or-id>', 'only changes about this user (subject, or an email/id value in before/after)')
    .option('--limit <n>', 'how many entries', positiveInt, 50)
    .action(async (opts: AuditListOptions) => {
      await withCliApp(globals(), async (app, out) => {
        const user = opts.user?.trim();
        const found = await scanPages<AuditEntry>({
          fetch: async (offset, limit) => unwrap(await callApi(app, 'audit.list', { engine: opts.engine, offset, limit })) as { items: AuditEntry[]; total: number },
          keep: (entry) => (opts.run === undefined || entry.runId === opts.run) && (!user || namesUser(user, entry.subject, entry.before, entry.after)),
          limit: opts.limit,
        });
        const filtered = opts.run !== undefined || user !== undefined;
        out.print({ items: found.items, total: filtered ? null : found.total, limit: opts.limit }, () => {
          if (found.items.length === 0) return 'No audit entries match. Repairs, restores and reverts write them.';
          const rows = found.items.map((e) => [String(e.id), e.at, e.actor, e.engine ?? '', e.runId === null ? '' : String(e.runId), e.action, e.subject, auditChange(e)]);
          const footer = filtered ? `${found.items.length} matching entr${found.items.length === 1 ? 'y' : 'ies'}` : `${found.items.length} of ${found.total} entries`;
          return `${table(['ID', 'AT', 'ACTOR', 'ENGINE', 'RUN', 'ACTION', 'SUBJECT', 'CHANGED'], rows)}\n${footer}`;
        });
      });
    });
  return audit;
}
