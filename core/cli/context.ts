import { createSyncwarden, type Syncwarden } from '../app/app';
import { createFileLogger } from '../logging/logger';
import { resolveDataDir } from '../store/data-dir';
import { createOutput, type Output } from './output';

export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
  withDemoEngine?: boolean;
}

/** Opens the app for one CLI command: the same store, engines and logs as the desktop app. */
export async function openCliApp(options: GlobalOptions, host: 'cli' | 'browser' = 'cli'): Promise<Syncwarden & { dispose(): Promise<void> }> {
  const dataDir = resolveDataDir({ flag: options.dataDir });
  const log = await createFileLogger({ dataDir });
  const app = createSyncwarden({ dataDir, host, log, withDemoEngine: options.withDemoEngine ?? false });
  return Object.assign(app, {
    async dispose() {
      await app.close();
      await log.close();
    },
  });
}

export type CliApp = Awaited<ReturnType<typeof openCliApp>>;

/** Opens the app for one command, hands it the output chosen by --json, and always closes it. */
export async function withCliApp(globals: GlobalOptions, body: (app: CliApp, out: Output) => Promise<void>): Promise<void> {
  const app = await openCliApp(globals);
  try {
    await body(app, createOutput(globals.json ?? false));
  } finally {
    await app.dispose();
  }
}
