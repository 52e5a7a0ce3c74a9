import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';

const STORAGE = 'storage-orphans';

/**
 * The Findings page at 1024×768: the issue-18 walk saw it scroll sideways with
 * Reason, Proposed action and Status off-screen. Below 1200 px the columns
 * stack in pairs (as the Runs table does), so every one is in view.
 */
describe('e2e: findings at 1024 px (Chromium)', () => {
  let harness: ConsoleHarness;

  beforeAll(async () => {
    harness = await openConsole({ viewport: { width: 1024, height: 768 } });
    const { store } = harness.app;
    const now = new Date().toISOString();
    const check = await store.runs.insertQueued({ engine: STORAGE, scope: 'all', trigger: 'manual', params: { mode: 'check' }, ownerPid: 1, now });
    await store.runs.transition(check.id, ['queued'], 'cancelled', {}, now);
    await store.findings.insertMany(
      check.id,
      STORAGE,
      ['katherine.johnson@example.com', 'evelyn.boydgranville@example.com'].map((email, i) => ({
        subject: `file:file-google-${email}-${i}`,
        userEmail: email,
        kind: 'orphan',
        reason: `“Meeting notes 2025.pdf” no longer exists in ${email}'s Google Drive`,
        proposedAction: 'quarantine the file row (restorable for 30 days)',
        details: { fileName: 'Meeting notes 2025.pdf', provider: 'google' },
      })),
      now,
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('fits the width: no sideways scroll, reason, proposed action and status in view', async () => {
    const { page } = harness;
    await page.goto(harness.server.url);
    await page.getByRole('link', { name: 'Findings' }).first().click();
    const table = page.getByTestId('findings-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    const overflow = await table.evaluate((node) => (node.parentElement ? node.parentElement.scrollWidth - node.parentElement.clientWidth : 0));
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    for (const header of ['Reason · proposed action', 'Kind · status']) await expect.poll(() => table.getByRole('columnheader', { name: header }).isVisible()).toBe(true);
    const row = table.locator('tbody tr').first();
    for (const text of [/no longer exists/, /quarantine the file row/, /open/i]) {
      const cell = row.getByText(text).first();
      expect(await cell.isVisible()).toBe(true);
      const box = await cell.boundingBox();
      expect((box?.x ?? 9999) + 10).toBeLessThan(1024);
    }
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'findings-1024.png'), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await expect.poll(() => table.getByRole('columnheader', { name: 'Proposed action' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'findings-1440.png'), fullPage: true });
    expect(harness.consoleErrors).toEqual([]);
  });
});
