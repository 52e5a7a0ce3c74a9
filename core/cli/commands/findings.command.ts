import { Command, Option } from 'commander';
import { FINDING_STATUSES, type Finding } from '../../api/models';
import { callApi, withCliApp, type GlobalOptions } from '../context';
import { table } from '../output';
import { positiveInt } from '../parse';
import { namesUser, scanPages } from '../scan-pages';
import { unwrap } from '../unwrap';

interface FindingsListOptions {
  engine?: string;
  status?: Finding['status'];
  user?: string;
  limit: number;
}

/** `findings list`: what checks found, so a finding id for `repair --finding` or `restore` can be looked up. */
export function findingsCommand(globals: () => GlobalOptions): Command {
  const findings = new Command('findings').description('Findings of the checks (the ids `repair --finding` and `restore` take)');
  findings
    .command('list')
    .description('Findings, newest first')
    .option('--engine <id>', 'only findings of this engine')
    .addOption(new Option('--status <status>', 'only findings in this status').choices(FINDING_STATUSES))
    .option('--user <email-or-id>', "only findings about this user (their email, or an id in the finding's subject or details)")
    .option('--limit <n>', 'how many findings', positiveInt, 50)
    .action(async (opts: FindingsListOptions) => {
      await withCliApp(globals(), async (app, out) => {
        const user = opts.user?.trim();
        // An email is matched by the store's search (subject, user email); an id may be only in the details, so no search.
        const search = user?.includes('@') ? user : undefined;
        const found = await scanPages<Finding>({
          fetch: async (offset, limit) =>
            unwrap(await callApi(app, 'findings.list', { engine: opts.engine, status: opts.status, search, offset, limit })) as { items: Finding[]; total: number },
          keep: (finding) => !user || finding.userEmail?.toLowerCase() === user.toLowerCase() || namesUser(user, finding.subject, finding.details),
          limit: opts.limit,
        });
        out.print({ items: found.items, total: user ? null : found.total, limit: opts.limit }, () => {
          if (found.items.length === 0) return 'No findings match. Checks write findings: `syncwarden check ENGINE`.';
          const rows = found.items.map((f) => [String(f.id), f.engine, f.status, f.kind, f.userEmail ?? '', f.subject, String(f.runId), f.createdAt]);
          const footer = user ? `${found.items.length} finding(s) about ${user}` : `${found.items.length} of ${found.total} findings`;
          return `${table(['ID', 'ENGINE', 'STATUS', 'KIND', 'USER', 'SUBJECT', 'RUN', 'CREATED'], rows)}\n${footer}`;
        });
      });
    });
  return findings;
}
