import { Command } from 'commander';
import { initCanonicalSchema } from '../../appdb/ddl';
import { openPostgresAppDb } from '../../appdb/postgres.adapter';
import { openSqliteAppDb } from '../../appdb/sqlite.adapter';
import type { GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { createOutput } from '../output';

export function appdbCommand(globals: () => GlobalOptions): Command {
  const appdb = new Command('appdb').description("The product's database: create the canonical schema");
  appdb
    .command('init')
    .description('Create the canonical schema (docs/canonical-schema.md) in an empty database; existing tables are kept, missing indexes (e.g. users_lower_email_idx) added')
    .option('--sqlite <path>', 'a SQLite file (created when missing)')
    .option('--postgres <url>', 'a postgres:// connection string (password from $PGPASSWORD)')
    .action(async (opts: { sqlite?: string; postgres?: string }) => {
      const out = createOutput(globals().json ?? false);
      if (Boolean(opts.sqlite) === Boolean(opts.postgres)) {
        process.stderr.write('syncwarden: give exactly one of --sqlite <path> or --postgres <url>\n');
        process.exitCode = EXIT.usage;
        return;
      }
      const db = opts.sqlite
        ? openSqliteAppDb({ path: opts.sqlite, create: true })
        : openPostgresAppDb({ connectionString: opts.postgres as string, ...(process.env.PGPASSWORD ? { password: process.env.PGPASSWORD } : {}) });
      try {
        const reach = await db.check();
        if (!reach.ok) {
          process.stderr.write(`syncwarden: ${reach.status}: ${reach.message}\n`);
          process.exitCode = EXIT.error;
          return;
        }
        const tables = await initCanonicalSchema(db);
        out.print({ dialect: db.dialect, tables }, () => `Canonical schema ready (${db.dialect}): ${tables.join(', ')}`);
      } finally {
        await db.close();
      }
    });
  return appdb;
}
