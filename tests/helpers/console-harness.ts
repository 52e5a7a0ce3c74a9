import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import { launchChromium } from './browser';
import { ARTIFACTS_DIR, RENDERER_DIR } from './paths';
import { createTestApp, type TestApp } from './test-app';

export interface ConsoleHarness {
  app: TestApp;
  server: BrowserServer;
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page errors, to assert an empty list at the end. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** The one way e2e tests open the console: a real app in browser mode, Chromium on its printed URL's page. */
export async function openConsole(
  options: { viewport?: { width: number; height: number }; stepTimeoutMs?: number; dataDir?: string; imageOrigins?: readonly string[] } = {},
): Promise<ConsoleHarness> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const app = await createTestApp(options.dataDir ? { dataDir: options.dataDir } : {});
  const server = await startBrowserServer({ app, rendererDir: RENDERER_DIR, port: 0, ...(options.imageOrigins ? { imageOrigins: options.imageOrigins } : {}) });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1366, height: 860 } });
  // Below vitest's own limit, so a stuck step fails with Playwright's account of what it waited for.
  page.setDefaultTimeout(options.stepTimeoutMs ?? 10_000);
  const consoleErrors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return {
    app,
    server,
    browser,
    page,
    consoleErrors,
    async close() {
      await browser.close();
      await server.close();
      await app.dispose();
    },
  };
}
