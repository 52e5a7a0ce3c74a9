import { Command } from 'commander';
import { contractCaller, withCliApp, type GlobalOptions } from '../context';
import { auditChange } from '../describe';
import { table } from '../output';
import { positiveInt } from '../parse';

interface AuditListOptions {
  engine?: string;
  run?: number;
  user?: string;
  subject?: string;
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
    .option('--subject <text>', 'only entries whose subject contains this text')
    .option('--limit <n>', 'how many entries (at most 500)', positiveInt, 50)
    .action(async (opts: AuditListOptions) => {
      await withCliApp(globals(), async (app, out) => {
        // The contract filters (audit.list's user/subject/runId): the store answers with the total that matches.
        const page = await contractCaller(app)('audit.list', {
          engine: opts.engine,
          runId: opts.run,
          user: opts.user?.trim() || undefined,
          subject: opts.subject?.trim() || undefined,
          offset: 0,
          limit: Math.min(opts.limit, 500),
        });
        out.print({ items: page.items, total: page.total, limit: page.limit }, () => {
          if (page.items.length === 0) return 'No audit entries match. Repairs, restores and reverts write them.';
          const rows = page.items.map((e) => [String(e.id), e.at, e.actor, e.engine ?? '', e.runId === null ? '' : String(e.runId), e.action, e.subject, auditChange(e)]);
          const filtered = opts.run !== undefined || !!opts.user?.trim() || !!opts.subject?.trim() || !!opts.engine;
          const noun = `${filtered ? 'matching ' : ''}entr${page.total === 1 ? 'y' : 'ies'}`;
          return `${table(['ID', 'AT', 'ACTOR', 'ENGINE', 'RUN', 'ACTION', 'SUBJECT', 'CHANGED'], rows)}\n${page.items.length} of ${page.total} ${noun}`;
        });
      });
    });
  return audit;
}
