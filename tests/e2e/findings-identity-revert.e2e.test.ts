import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCanonicalSchema } from '../../core/appdb/ddl';
import { openSqliteAppDb } from '../../core/appdb/sqlite.adapter';
import { startSupabaseEmulator, type SupabaseEmulator } from '../emulators/supabase/supabase.emulator';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const KEYS = { serviceRoleKey: 'service-key', anonKey: 'anon-key' };
const ADA = { id: '00000000-0000-4000-8000-000000000001', email: 'ada@example.com' };
const BO = { id: '00000000-0000-4000-8000-000000000002', email: 'bo@example.com' };
const CONFIRMED = '2026-01-01T00:00:00.000Z';

/**
 * The identity engine's revert offered in the Findings drawer (ui.findingActions.revert): a repaired
 * finding's drawer lists the changes its repair made, each with Revert, and a revert puts Supabase
 * Auth back as the audit's before-image says, while the product's users table (the source of truth)
 * is left as it was. Two repairs: a name pushed to Supabase (reverted: the old name comes back), and a
 * user created in Supabase for a row only the users table had (reverted: that Auth user is gone again).
 */
describe('e2e: revert an identity repair from the Findings drawer (Chromium)', () => {
  const dir = makeTempDir();
  const productDb = join(dir.path, 'product.db');
  let harness: ConsoleHarness;
  let emulator: SupabaseEmulator;
  let page: Page;

  const productUsers = async () => {
    const db = openSqliteAppDb({ path: productDb });
    try {
      return await db.query<{ id: string; email: string; name: string }>('SELECT id, email, name FROM users ORDER BY email');
    } finally {
      await db.close();
    }
  };
  const findingOf = async (email: string) => (await harness.app.store.findings.list({ engine: 'identity', sort: 'createdAt', direction: 'desc', limit: 50, offset: 0 })).items.find((f) => f.userEmail === email);
  const latestRun = async () => (await harness.app.store.runs.list({ engine: 'identity', limit: 1, offset: 0 })).items[0];
  const waitRunEnded = (mode: string) =>
    expect.poll(async () => ((await latestRun())?.params.mode === mode ? (await latestRun())?.state : 'not yet'), { timeout: 30_000 }).toBe('succeeded');

  beforeAll(async () => {
    const db = openSqliteAppDb({ path: productDb, create: true });
    await initCanonicalSchema(db);
    await db.transaction((tx) =>
      tx.executeMany('INSERT INTO users (id, email, name, email_verified, role) VALUES (?, ?, ?, ?, ?)', [
        [ADA.id, ADA.email, 'Ada Lovelace', 1, 'user'],
        [BO.id, BO.email, 'Bo Only-Local', 1, 'user'],
      ]),
    );
    await db.close();
    emulator = await startSupabaseEmulator({ ...KEYS, users: [{ id: ADA.id, email: ADA.email, email_confirmed_at: CONFIRMED, user_metadata: { full_name: 'Ada (old name)' }, app_metadata: { role: 'user' } }] });
    harness = await openConsole({ stepTimeoutMs: 30_000, viewport: { width: 1440, height: 900 } });
    page = harness.page;
    await harness.app.connections.create({ kind: 'appdb', name: 'Product', config: { driver: 'sqlite', path: productDb }, secrets: {} } as never);
    await harness.app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: emulator.url }, secrets: { serviceRoleKey: KEYS.serviceRoleKey } });
    const { runId } = await harness.app.handlers['runs.start']({ engine: 'identity', params: { mode: 'check' } }, { actor: 'manual' });
    for (let i = 0; i < 300 && (await harness.app.store.runs.get(runId))?.state !== 'succeeded'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await harness.app.store.runs.get(runId))?.state).toBe('succeeded');
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
    dir.remove();
  });

  /** Opens a finding's drawer on the Findings page, filtered to its status. */
  const openFinding = async (findingId: number, status: 'Open' | 'Repaired') => {
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Findings' }).first().click();
    // With no open finding left the page shows its empty state, not the table: wait for the filter.
    await page.getByTestId('findings-status').waitFor({ state: 'visible' });
    if (status !== 'Open') {
      await page.getByTestId('findings-status').click();
      await page.getByRole('option', { name: status }).click();
    }
    await page.getByTestId(`finding-row-${findingId}`).click();
    await page.getByTestId('finding-actions').waitFor({ state: 'visible' });
  };

  const repairFromDrawer = async (email: string) => {
    const finding = await findingOf(email);
    expect(finding?.status).toBe('open');
    await openFinding(finding!.id, 'Open');
    await page.getByTestId('finding-repair').click();
    await page.getByTestId('finding-repair-confirm').click();
    await waitRunEnded('repair');
    await expect.poll(async () => (await findingOf(email))?.status, { timeout: 10_000 }).toBe('repaired');
    return finding!.id;
  };

  const revertFromDrawer = async (findingId: number, action: string, shot: string) => {
    await openFinding(findingId, 'Repaired');
    const entry = (await harness.app.store.audit.list({ engine: 'identity', limit: 20, offset: 0 })).items.find((e) => e.action === action);
    expect(entry).toBeDefined();
    const button = page.getByTestId(`audit-revert-${entry!.id}`);
    await button.waitFor({ state: 'visible' });
    await page.waitForTimeout(400); // the drawer's slide-in, for a screenshot that shows it settled
    await page.screenshot({ path: join(ARTIFACTS_DIR, `${shot}-drawer.png`) });
    await button.click();
    await page.getByTestId('audit-revert-effect').waitFor({ state: 'visible' });
    await page.getByTestId(`audit-revert-go-${entry!.id}`).click();
    await waitRunEnded('revert');
    await expect.poll(async () => (await harness.app.store.audit.list({ engine: 'identity', limit: 1, offset: 0 })).items[0]?.action, { timeout: 10_000 }).toBe(`identity.revert.${action.replace('identity.', '')}`);
  };

  it('a name pushed to Supabase Auth by a drawer repair is reverted from the drawer: the old name is back, the users table untouched', async () => {
    const before = await productUsers();
    const findingId = await repairFromDrawer(ADA.email);
    expect(emulator.getUser(ADA.id)?.user_metadata).toMatchObject({ full_name: 'Ada Lovelace' });

    await revertFromDrawer(findingId, 'identity.update-remote', 'finding-revert-update');
    expect(emulator.getUser(ADA.id)?.user_metadata).toMatchObject({ full_name: 'Ada (old name)' });
    // Still the same Auth user, still confirmed.
    expect(emulator.getUser(ADA.id)?.email_confirmed_at).toBeTruthy();
    expect(await productUsers()).toEqual(before);
  }, 90_000);

  it('a user created in Supabase Auth by a drawer repair is deleted again by its revert; the users row stays', async () => {
    const before = await productUsers();
    const findingId = await repairFromDrawer(BO.email);
    expect(emulator.listUsers().some((u) => u.email === BO.email)).toBe(true);

    await revertFromDrawer(findingId, 'identity.create-remote', 'finding-revert-create');
    expect(emulator.listUsers().some((u) => u.email === BO.email)).toBe(false);
    expect(emulator.getUser(ADA.id)).toBeDefined();
    expect(await productUsers()).toEqual(before);
    expect(harness.consoleErrors).toEqual([]);
  }, 90_000);
});
