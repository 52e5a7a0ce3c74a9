import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { PG_PASSWORD, usePostgres } from '../helpers/postgres';

const FIXTURE = readFileSync(join(__dirname, '../fixtures/seed-003/auto-sync.sql'), 'utf8');
const USERS = 12_345;
const server = usePostgres();

/**
 * The Schedules page of a product running 12,345 per-user pg_cron jobs (seed 003): the notice, the
 * confirmation (counts, reversibility), the migration and its undo, at 1440×900 and 1024×768.
 */
describe('e2e: per-user pg_cron jobs on the Schedules page (Chromium)', () => {
  let harness: ConsoleHarness;
  let admin: pg.Client;
  const cronCount = async () => Number((await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM cron.job`)).rows[0]?.n);

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: server().url() });
    await admin.connect();
    await admin.query(FIXTURE);
    // Every two hours on the hour: no job fires while the test runs (pg_cron would start 12,345 workers at once).
    await admin.query(`SELECT enable_auto_sync('user-' || lpad(g::text, 5, '0'), 120) FROM generate_series(1, ${USERS - 2}) g`);
    await admin.query(`SELECT enable_auto_sync($1, 120)`, [`o'brien "; DROP TABLE users; --`]);
    await admin.query(`SELECT enable_auto_sync('émile.ünïcode@example.com', 120)`);
    await admin.query(`SELECT enable_auto_sync('tampered', 120)`);
    await admin.query(`SELECT cron.alter_job(cron_job_id, command := 'SELECT run_auto_sync(''tampered''); DELETE FROM auto_sync_runs') FROM auto_sync_jobs WHERE user_id = 'tampered'`);
    await admin.query(
      `INSERT INTO cron.job_run_details (jobid, runid, job_pid, database, username, command, status, return_message, start_time, end_time)
       SELECT cron_job_id, cron_job_id * 10 + n, 1, 'postgres', 'postgres', 'x', CASE WHEN n = 2 THEN 'failed' ELSE 'succeeded' END,
              CASE WHEN n = 2 THEN 'ERROR: refresh token revoked' ELSE 'SELECT 1' END, now() - (3 - n) * interval '2 hours', now() - (3 - n) * interval '2 hours' + interval '3 seconds'
       FROM auto_sync_jobs a, generate_series(1, 2) n WHERE a.user_id IN ('user-00001', 'user-00002')`,
    );
    harness = await openConsole({ viewport: { width: 1440, height: 900 }, stepTimeoutMs: 60_000 });
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'postgres', url: `postgres://postgres@127.0.0.1:${server().port}/postgres` }, secrets: { password: PG_PASSWORD } } as never);
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
    await admin?.end();
  });

  it('notice → confirmation naming counts and undo → migrated → undone, cron.job back as it was', async () => {
    const { page } = harness;
    const before = (await admin.query<{ j: string }>(`SELECT md5(string_agg(row_to_json(j)::text, ',' ORDER BY jobid)) AS j FROM cron.job j`)).rows[0]?.j;
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Schedules' }).first().click();
    const notice = page.getByTestId('cron-notice');
    await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toContain(`This product runs 12,345 per-user pg_cron jobs`);
    expect(await notice.textContent()).toContain('1 other job does not follow the pattern and is left alone');
    expect(await page.getByTestId('cron-jobs').textContent()).toContain('failed · ');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-cron-notice-1440.png'), fullPage: false });
    await page.setViewportSize({ width: 1024, height: 768 });
    // The jobs table fits 1024 px without scrolling sideways.
    const overflow = await page.getByTestId('cron-jobs').evaluate((node) => (node.parentElement ? node.parentElement.scrollWidth - node.parentElement.clientWidth : 0));
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-cron-notice-1024.png'), fullPage: false });

    await page.getByTestId('cron-migrate').click();
    const dialog = page.getByRole('dialog', { name: 'Migrate the per-user pg_cron jobs?' });
    await expect.poll(() => dialog.textContent()).toContain('Affects 12,345 per-user jobs.');
    expect(await dialog.getByTestId('confirm-action-reversibility').textContent()).toMatch(/Undo on this page puts every cron job back exactly/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-cron-confirm-1024.png'), fullPage: false });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-cron-confirm-1440.png'), fullPage: false });
    await page.getByTestId('cron-migrate-confirm').click();
    // 12,345 console schedules now: the console table is paged, the page stays responsive.

    const migrated = page.getByTestId('cron-migrated');
    await expect.poll(() => migrated.textContent(), { timeout: 60_000 }).toContain('12,345 per-user pg_cron jobs of the product were moved to 12,345 per-user schedules');
    expect(await cronCount()).toBe(1); // the tampered job stays
    expect(await page.getByTestId('schedules-table').locator('tbody tr').first().textContent()).toMatch(/^Mail import/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-cron-migrated-1440.png'), fullPage: false });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'schedules-cron-migrated-1024.png'), fullPage: false });

    await page.getByTestId('cron-undo').click();
    await expect.poll(() => notice.textContent(), { timeout: 60_000 }).toContain(`This product runs 12,345 per-user pg_cron jobs`);
    expect(await cronCount()).toBe(USERS + 1);
    expect((await admin.query<{ j: string }>(`SELECT md5(string_agg(row_to_json(j)::text, ',' ORDER BY jobid)) AS j FROM cron.job j`)).rows[0]?.j).toBe(before);
    expect(harness.consoleErrors).toEqual([]);
  }, 240_000);
});
