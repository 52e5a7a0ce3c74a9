import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { resolveMapping } from '../../core/appdb/mapping';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { FileQuarantine } from '../../core/engines/storage-orphans/storage-quarantine';
import { startSupabaseEmulator, type SeedUser, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const email = (n: number) => `user${String(n).padStart(3, '0')}@example.com`;
const WIDE = { width: 1440, height: 900 };
const NARROW = { width: 1024, height: 768 };

/**
 * The Audit log as an admin uses it: find the changes about one user or of one run, open an entry
 * and read what changed field by field (secrets never shown), and revert a whole run from there.
 * The world: six users on both sides, users 1 and 2 renamed in Supabase; one repair run per user.
 */
describe('e2e: the Audit log: labels, search, field diff, revert a run (Chromium)', () => {
  const dir = makeTempDir();
  const productDb = join(dir.path, 'product.db');
  let harness: ConsoleHarness;
  let emulator: SupabaseEmulator;
  let page: Page;
  const repairRuns: number[] = [];
  const shot = async (name: string) => {
    for (const [suffix, viewport] of [['1440', WIDE], ['1024', NARROW]] as const) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-${suffix}.png`), animations: 'disabled' });
    }
    await page.setViewportSize(WIDE);
  };

  beforeAll(async () => {
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    await db.execute('ALTER TABLE users ADD COLUMN password_hash TEXT');
    await db.executeMany(
      'INSERT INTO users (id, email, name, email_verified, role, password_hash, created_at) VALUES (?, ?, ?, 1, ?, ?, ?)',
      [0, 1, 2, 3, 4, 5].map((n) => [id(n), email(n), `User ${n}`, 'user', `$2b$10$secret-hash-${n}`, '2025-06-01T09:00:00.000Z']),
    );
    await db.close();
    const seed: SeedUser[] = [0, 1, 2, 3, 4, 5].map((n) => ({
      id: id(n),
      email: email(n),
      email_confirmed_at: '2025-06-01T09:05:00.000Z',
      created_at: '2025-06-01T09:00:00.000Z',
      user_metadata: { full_name: n === 1 || n === 2 ? `Renamed ${n}` : `User ${n}` },
      app_metadata: { role: 'user' },
    }));
    emulator = await startSupabaseEmulator({ ...KEYS, users: seed });
    harness = await openConsole({ stepTimeoutMs: 15_000, viewport: WIDE });
    page = harness.page;
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    await harness.app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: emulator.url }, secrets: { serviceRoleKey: KEYS.serviceRoleKey } });
    const check = await harness.app.runs.waitFor((await harness.app.runs.start('identity', { mode: 'check' }, 'manual')).runId);
    expect(check?.state).toBe('succeeded');
    for (const n of [1, 2]) {
      const run = await harness.app.runs.waitFor((await harness.app.runs.start('identity', { mode: 'repair', user: email(n) }, 'manual')).runId);
      expect(run?.state).toBe('succeeded');
      repairRuns.push(run!.id);
    }
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
    dir.remove();
  });

  const rows = () => page.locator('[data-testid^="audit-row-"]');

  it('labels the actions and finds the entries about one user and of one run', async () => {
    await page.goto(harness.server.url.replace(/#.*$/, '') + '#/audit');
    await page.getByTestId('audit-table').waitFor();
    await expect.poll(() => rows().count()).toBe(2);
    const all = await harness.app.store.audit.list({ limit: 10, offset: 0 });
    const label = all.items[0]!.action;
    // The engine's label stands in the Action column; the raw action is the cell's title.
    const actionCell = rows().first().getByTitle(label);
    expect(await actionCell.textContent()).not.toBe(label);
    expect(await actionCell.textContent()).toMatch(/^(Updated|Inserted|Created)/);

    await page.getByTestId('audit-filter-user').fill(email(2));
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain(`user:${email(2)}`);
    await shot('audit-search-user');
    await page.getByTestId('audit-filter-user').fill('user00');
    await page.getByText('No entries match these filters').waitFor();
    await page.getByTestId('audit-filter-user').fill('');

    await page.getByTestId('audit-filter-run').fill(String(repairRuns[0]));
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain(`user:${email(1)}`);
    expect(await rows().first().textContent()).toContain(`#${repairRuns[0]}`);

    // A link from elsewhere (a run's detail, a user) arrives with its filter set.
    // Hash routing keeps a link's query in the page's own search ("/?run=3#/audit", as wouter's navigate writes it).
    const linkTo = (run: number) => {
      const url = new URL(harness.server.url);
      url.searchParams.set('run', String(run));
      url.hash = '/audit';
      return url.href;
    };
    await page.goto(linkTo(repairRuns[1]!));
    await expect.poll(() => page.getByTestId('audit-filter-run').inputValue()).toBe(String(repairRuns[1]));
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain(`user:${email(2)}`);
    await page.goto(linkTo(repairRuns[0]!));
    await expect.poll(() => rows().first().textContent()).toContain(`user:${email(1)}`);
  });

  it('an entry opens to a field-level diff, secrets never shown', async () => {
    await rows().first().click();
    const detail = page.locator('[data-testid^="audit-detail-"]');
    await detail.waitFor();
    const diff = detail.getByTestId('audit-diff');
    await diff.waitFor();
    // The rename in Supabase was put back from the users table: one changed field, old and new value side by side.
    const changed = diff.locator('[data-kind="changed"]');
    expect(await changed.count()).toBeGreaterThan(0);
    const changedText = await changed.allTextContents();
    expect(changedText.join('\n')).toMatch(/^remote\.name\s*changed\s*Renamed 1\s*User 1$/m);
    expect(await diff.getByTestId('audit-diff-summary').textContent()).toMatch(/\d+ changed/);
    // Unchanged fields on request only.
    expect(await diff.locator('[data-kind="unchanged"]').count()).toBe(0);
    await diff.getByRole('button', { name: /Show \d+ unchanged field/ }).click();
    expect(await diff.locator('[data-kind="unchanged"]').count()).toBeGreaterThan(0);
    expect(await page.textContent('body')).not.toContain('$2b$10$');
    await shot('audit-diff');
  });

  it('reverts the whole run from the audit log; the revert is listed with its label', async () => {
    const detail = page.locator('[data-testid^="audit-detail-"]');
    await detail.getByTestId('run-revert').click();
    await page.getByTestId('run-revert-confirm').waitFor();
    await shot('audit-revert-confirm');
    await page.getByTestId('run-revert-go').click();
    await page.getByText('Revert started').waitFor();
    let revertRun = 0;
    await expect
      .poll(async () => {
        const latest = (await harness.app.store.runs.list({ engine: 'identity', limit: 1, offset: 0 })).items[0]!;
        revertRun = latest.id;
        return latest.params.mode === 'revert' ? latest.state : 'not yet';
      }, { timeout: 20_000 })
      .toBe('succeeded');
    await page.getByTestId('audit-filter-run').fill(String(revertRun));
    // The list showed one row already (the previous test's filter): wait for the revert's row, not for a count of one.
    await expect.poll(async () => ((await rows().count()) === 1 ? await rows().first().textContent() : '')).toMatch(/Reverted: updated/);
    await page.getByTestId('audit-filter-run').fill('');
    await page.getByTestId('audit-filter-user').fill(email(1));
    await expect.poll(() => rows().count()).toBe(2);
    await shot('audit-after-revert');
  });

  it('a storage quarantine reads one line per row, the row on request, secrets masked (walk finding 5)', async () => {
    // The images storage-repair.ts writes: the rows FileQuarantine moved, each with its whole-row image.
    const db = openSqliteAppDb({ path: productDb });
    await db.execute('ALTER TABLE files ADD COLUMN share_token TEXT');
    await db.execute(
      "INSERT INTO files (id, user_id, provider, provider_file_id, name, size, share_token) VALUES ('f-77', ?, 'google', 'g-77', 'Q3 report.pdf', 2048, 'tok-secret-77')",
      [id(3)],
    );
    const purgeAfter = '2026-12-16T10:00:00.000Z';
    const moved = await new FileQuarantine(db, resolveMapping()).quarantine(['f-77'], { quarantinedAt: new Date().toISOString(), purgeAfter, reason: 'orphan', runId: 1 });
    await db.close();
    await harness.app.store.audit.append({
      at: new Date().toISOString(),
      actor: 'manual',
      engine: 'storage-orphans',
      runId: null,
      action: 'quarantine-files',
      subject: 'file:f-77',
      before: JSON.parse(JSON.stringify(moved)) as unknown,
      after: { table: 'file_quarantine', purgeAfter },
    });
    await page.getByTestId('audit-filter-user').fill('');
    await page.getByTestId('audit-filter-subject').fill('file:f-77');
    await expect.poll(() => rows().count()).toBe(1);
    await rows().first().click();
    const diff = page.locator('[data-testid^="audit-detail-"]').getByTestId('audit-diff');
    await diff.waitFor();
    expect(await diff.getByTestId('audit-batch-title').textContent()).toBe('row f-77 of files: quarantined; file “Q3 report.pdf”');
    expect(await diff.getByTestId('audit-diff-summary').textContent()).toBe('1 row quarantined · 2 fields added');
    const text = (await diff.textContent()) ?? '';
    expect(text).not.toMatch(/\[0\]|image\.columns|\.type|368 removed/);
    await diff.getByRole('button', { name: 'Show the row (8 columns)' }).click();
    expect(await diff.textContent()).toContain('provider_file_id');
    expect(await page.textContent('body')).not.toContain('tok-secret-77');
    await shot('audit-diff-quarantine');
  });
});
