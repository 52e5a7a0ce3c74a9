import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../core/app/dispatch';
import { openConsole, type ConsoleHarness } from '../helpers/console-harness';
import { ARTIFACTS_DIR } from '../helpers/paths';

/**
 * Browser mode's CSP allows no inline style except with the page's nonce:
 * every screen, a dialog, the colour-scheme switch (Mantine injects a <style>
 * then) and a run's live updates must render without a single CSP violation,
 * while a <style> without the nonce is refused (so the policy really applies).
 */
const ROUTES = ['/', '/users', '/media', '/storage', '/sheets', '/findings', '/runs', '/schedules', '/audit', '/connections', '/settings'];

describe('e2e: the style nonce in browser mode (Chromium)', () => {
  let harness: ConsoleHarness;
  let pageCsp = '';

  beforeAll(async () => {
    harness = await openConsole();
    // Browser-side code as text: the node tsconfig has no DOM types.
    await harness.page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));
    `);
    harness.page.on('response', (response) => {
      if (response.request().resourceType() === 'document') pageCsp = response.headers()['content-security-policy'] ?? '';
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const violations = () => harness.page.evaluate<string[]>('window.__cspViolations');
  const go = (route: string) => harness.page.evaluate(`window.location.hash = ${JSON.stringify(`#${route}`)}`);

  it('the page is served with a fresh nonce and no unsafe-inline', async () => {
    await harness.page.goto(harness.server.url);
    await harness.page.getByRole('link', { name: 'Overview' }).first().waitFor();
    expect(pageCsp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(pageCsp).not.toContain('unsafe-inline');
    const first = /'nonce-([^']+)'/.exec(pageCsp)?.[1];
    const again = await fetch(`http://127.0.0.1:${harness.server.port}/`);
    expect(again.headers.get('content-security-policy')).not.toContain(`'nonce-${first}'`);
    expect(await again.text()).not.toContain('__SYNCWARDEN_STYLE_NONCE__');
  });

  it('every screen, a dialog, a run, a reload and the dark scheme render without a CSP violation', async () => {
    const { page } = harness;
    for (const route of ROUTES) {
      await go(route);
      await page.waitForTimeout(300);
    }
    await go('/connections');
    await page.getByTestId('add-connection').click();
    await page.getByRole('dialog').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    const { runId } = await harness.app.runs.start('demo', { items: 3000, pageSize: 100, delayMsPerPage: 5 }, 'manual');
    await go('/runs');
    await expect.poll(async () => (await harness.app.store.runs.get(runId))?.state, { timeout: 15_000 }).toBe('succeeded');
    expect(await violations()).toEqual([]);
    // The dark scheme makes Mantine swap its variables and inject a transition-blocking <style>; a reload gets a new nonce.
    expect(await dispatch(harness.app.handlers, 'settings.update', { theme: 'dark' }, { actor: 'manual' })).toMatchObject({ ok: true });
    await page.reload();
    await expect.poll(() => page.evaluate<string | null>("document.documentElement.getAttribute('data-mantine-color-scheme')")).toBe('dark');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'csp-dark-runs.png') });
    expect(await violations()).toEqual([]);
    expect(harness.consoleErrors.filter((line) => /Content Security Policy/i.test(line))).toEqual([]);
  }, 60_000);

  it('Mantine’s style elements carry the nonce and apply; a style without it is refused', async () => {
    const { page } = harness;
    const styles = await page.evaluate<{ mantine: boolean; nonce: boolean }[]>(
      "[...document.querySelectorAll('style')].map((s) => ({ mantine: s.hasAttribute('data-mantine-styles'), nonce: s.nonce.length > 0 }))",
    );
    expect(styles.filter((s) => s.mantine).length).toBeGreaterThan(0);
    expect(styles.every((s) => s.nonce)).toBe(true);
    // The theme's primary colour (indigo) comes from Mantine's injected variables.
    expect(await page.evaluate<string>("getComputedStyle(document.documentElement).getPropertyValue('--mantine-primary-color-filled').trim()")).not.toBe('');
    await page.evaluate("const rogue = document.createElement('style'); rogue.textContent = 'body { outline: 7px solid red; }'; document.head.append(rogue);");
    await expect.poll(async () => (await violations()).length).toBeGreaterThan(0);
    expect(await page.evaluate<string>('getComputedStyle(document.body).outlineWidth')).not.toBe('7px');
  });
});
